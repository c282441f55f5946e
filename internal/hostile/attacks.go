package hostile

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// attack answers r as m says.
func (s *Server) attack(w http.ResponseWriter, r *http.Request, ep Endpoint, m Mode) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 256<<20)) // read it all, as a server would
	secrets := strings.Join(echoed(r, body), " ")
	switch m.Attack {
	case EchoJSON:
		s.echoJSON(w, ep, cmp.Or(m.Status, http.StatusBadRequest), secrets)
	case EchoText:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(cmp.Or(m.Status, http.StatusBadRequest))
		fmt.Fprintf(w, "Bad request. You sent: %s\n", secrets)
	case EchoHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(cmp.Or(m.Status, http.StatusBadRequest))
		e := html.EscapeString(secrets)
		fmt.Fprintf(w, "<html><head><title>Error %s</title></head><body><h1>Bad %s</h1><pre>%s</pre></body></html>", e, e, e)
	case EchoReason:
		rawAnswer(w, cmp.Or(m.Status, http.StatusBadRequest), "Bad "+oneLine(secrets), "text/plain", "")
	case Inject:
		status := http.StatusBadRequest
		if ep == Upload {
			status = http.StatusOK
		}
		rawAnswer(w, cmp.Or(m.Status, status), InjectionReason, "text/plain", Injection)
	case InjectBody:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(cmp.Or(m.Status, http.StatusBadRequest))
		_, _ = io.WriteString(w, Injection)
	case Trickle:
		s.trickle(w, r, cmp.Or(m.Interval, 50*time.Millisecond))
	case Hang:
		s.wait(r, 0)
	case Huge:
		s.huge(w, ep, cmp.Or(m.Size, 1<<30))
	case Redirect:
		w.Header().Set("Location", s.other.URL+r.URL.RequestURI())
		w.WriteHeader(cmp.Or(m.Status, http.StatusTemporaryRedirect))
	case Malformed:
		w.Header().Set("Content-Type", contentType(ep))
		w.WriteHeader(cmp.Or(m.Status, http.StatusOK))
		_, _ = io.WriteString(w, `{"meta": {"api-version": "1.1"}, "files": [{"filename": "x`)
	case BadToken:
		s.badToken(w, ep, m.Value)
	case Delay:
		s.delay(w, r, body, cmp.Or(m.Interval, time.Second))
	default:
		http.Error(w, "unknown attack", http.StatusInternalServerError)
	}
}

// echoed returns every secret a request carried: the Authorization header
// as sent, its decoded form and the password or bearer token alone, and the
// "token" of a JSON body (the JWT of a mint request, the token of a burn).
func echoed(r *http.Request, body []byte) []string {
	var out []string
	if a := r.Header.Get("Authorization"); a != "" {
		out = append(out, a)
		scheme, val, _ := strings.Cut(a, " ")
		switch strings.ToLower(scheme) {
		case "basic":
			if dec, err := base64.StdEncoding.DecodeString(val); err == nil {
				_, pass, _ := strings.Cut(string(dec), ":")
				out = append(out, string(dec), pass)
			}
		case "bearer":
			out = append(out, val)
		}
	}
	var tok struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.Token != "" {
		out = append(out, tok.Token)
	}
	if len(out) == 0 {
		out = append(out, "(no credentials)")
	}
	return out
}

// echoJSON answers status with the secrets in the JSON each endpoint's
// clients read: Warehouse's "code" and "message", a mint refusal's
// errors, the token service's "message".
func (s *Server) echoJSON(w http.ResponseWriter, ep Endpoint, status int, secrets string) {
	var v any
	switch ep {
	case Upload:
		v = map[string]string{"code": fmt.Sprintf("%d Bad credentials %s", status, oneLine(secrets)), "message": "You sent " + secrets, "title": "Bad Request"}
	case Mint:
		if status == http.StatusBadRequest {
			status = http.StatusUnprocessableEntity
		}
		v = map[string]any{"message": "Token request failed: " + secrets,
			"errors": []map[string]string{{"code": "invalid-payload", "description": "bad token " + secrets}}}
	default:
		v = map[string]string{"message": "You sent " + secrets}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// rawAnswer writes a whole HTTP/1.1 answer with its own reason phrase
// (net/http writes only the standard ones) and closes the connection.
func rawAnswer(w http.ResponseWriter, status int, reason, ctype, body string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, oneLine(reason), ctype, len(body), body)
	_ = rw.Flush()
}

// oneLine keeps a reason phrase on its line.
func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// wait blocks until the client gives up, the servers close, or d (> 0)
// passes.
func (s *Server) wait(r *http.Request, d time.Duration) {
	var after <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		after = t.C
	}
	select {
	case <-r.Context().Done():
	case <-s.done:
	case <-after:
	}
}

// trickle answers 200 and sends a space every interval, forever.
func (s *Server) trickle(w http.ResponseWriter, r *http.Request, interval time.Duration) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	for {
		if _, err := io.WriteString(w, " "); err != nil {
			return
		}
		if f != nil {
			f.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-time.After(interval):
		}
	}
}

// huge answers 200 with size bytes: a simple-API JSON page of tiny entries
// for the simple endpoint, filler otherwise. It stops when the client does.
func (s *Server) huge(w http.ResponseWriter, ep Endpoint, size int64) {
	w.Header().Set("Content-Type", contentType(ep))
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	var n int64
	write := func(s string) bool {
		k, err := bw.WriteString(s)
		n += int64(k)
		return err == nil
	}
	if ep != Simple {
		for n < size && write(strings.Repeat("x", 4096)) {
		}
		return
	}
	write(`{"meta":{"api-version":"1.1"},"name":"pypi-publish-demo","files":[`)
	for i := 0; n < size; i++ {
		if !write(`{"filename":"pypi_publish_demo-0.` + strconv.Itoa(i) + `-py3-none-any.whl","hashes":{"sha256":"00"}},`) {
			return
		}
	}
	write(`{"filename":"end.whl","hashes":{}}]}`)
}

// contentType is the JSON type each endpoint's client expects.
func contentType(ep Endpoint) string {
	if ep == Simple {
		return "application/vnd.pypi.simple.v1+json"
	}
	return "application/json"
}

// badToken answers success with tok as the minted (mint) or GitHub (token
// service) token.
func (s *Server) badToken(w http.ResponseWriter, ep Endpoint, tok string) {
	w.Header().Set("Content-Type", "application/json")
	var v any = map[string]string{"value": tok}
	if ep == Mint {
		v = map[string]any{"success": true, "token": tok, "expires": time.Now().Add(15 * time.Minute).Unix()}
	}
	_ = json.NewEncoder(w).Encode(v)
}

// delay lets the strict fake process (and store) the upload, then holds
// its answer back for d, or until the client gives up.
func (s *Server) delay(w http.ResponseWriter, r *http.Request, body []byte, d time.Duration) {
	rec := &buffered{header: http.Header{}}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	s.Index.Handler().ServeHTTP(rec, r2)
	s.wait(r, d)
	if r.Context().Err() != nil {
		return
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(cmp.Or(rec.status, http.StatusOK))
	_, _ = w.Write(rec.body.Bytes())
}

// buffered is a ResponseWriter that keeps the answer.
type buffered struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) WriteHeader(status int)      { b.status = status }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }
