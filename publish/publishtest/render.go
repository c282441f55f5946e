package publishtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// explanations are Pyramid's per-status explanation texts (paraphrased where
// the exact text does not matter to clients).
var explanations = map[int]string{
	400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
	401: "This server could not verify that you are authorized to access the document you requested.",
	403: "Access was denied to this resource.",
	404: "The resource could not be found.",
	405: "The method is not allowed for this resource.",
	409: "There was a conflict when trying to complete your request.",
	410: "This resource is no longer available.  No forwarding address is given.",
	413: "The request is larger than the server is willing or able to process.",
	429: "The action could not be performed because there were too many requests by the client.",
	500: "The server has either erred or is incapable of performing the requested operation.",
	502: "Bad gateway.",
	503: "The server is currently unavailable. Please try again at a later time.",
	504: "The gateway has timed out.",
}

// latin1 forces s into ISO-8859-1 as Warehouse does for status lines:
// characters outside it become "?"; line breaks become spaces.
func latin1(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			b.WriteByte(' ')
		case r > 0xff:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// offer picks the best of offers for an Accept header (q-values, then the
// order of offers), as Pyramid's acceptable_offers does; "" when none fits.
func offer(accept string, offers ...string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	type cand struct {
		o     string
		q     float64
		order int
	}
	var cands []cand
	for i, o := range offers {
		best := -1.0
		bestSpec := -1
		for _, part := range strings.Split(accept, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					q = f
				}
			}
			spec := -1
			typ, sub, _ := strings.Cut(mt, "/")
			ot, _, _ := strings.Cut(o, "/")
			switch {
			case mt == o:
				spec = 2
			case sub == "*" && typ == ot:
				spec = 1
			case mt == "*/*":
				spec = 0
			}
			if spec > bestSpec {
				bestSpec, best = spec, q
			}
		}
		if bestSpec >= 0 && best > 0 {
			cands = append(cands, cand{o, best, i})
		}
	}
	if len(cands) == 0 {
		return ""
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].q > cands[b].q })
	return cands[0].o
}

// answer is an HTTP answer the server writes.
type answer struct {
	status int
	reason string // "" = the standard phrase
	header http.Header
	body   []byte
}

// pyramidError renders an error the way Warehouse's _exc_with_message and
// Pyramid's HTTPException do (pypi-protocol.md §4).
func pyramidError(r *http.Request, code int, msg string) *answer {
	status := strconv.Itoa(code) + " " + latin1(msg)
	expl := explanations[code]
	if expl == "" {
		expl = http.StatusText(code) + "."
	}
	a := &answer{status: code, reason: latin1(msg), header: http.Header{}}
	switch offer(r.Header.Get("Accept"), "text/html", "application/json", "text/plain") {
	case "application/json":
		a.header.Set("Content-Type", "application/json")
		a.body, _ = json.Marshal(map[string]string{
			"message": expl + "\n\n\n" + msg + "\n\n",
			"code":    status,
			"title":   http.StatusText(code),
		})
	case "text/plain":
		a.header.Set("Content-Type", "text/plain; charset=UTF-8")
		a.body = []byte(status + "\n\n" + expl + "\n\n\n" + msg + "\n")
	default:
		a.header.Set("Content-Type", "text/html; charset=UTF-8")
		a.body = []byte(fmt.Sprintf("<html>\n <head>\n  <title>%s</title>\n </head>\n <body>\n  <h1>%s</h1>\n  %s<br/><br/>\n%s\n\n\n </body>\n</html>",
			html.EscapeString(status), html.EscapeString(status), html.EscapeString(expl), html.EscapeString(msg)))
	}
	return a
}

// bottleError renders an error as pypiserver (bottle) does: the standard
// status line and an HTML page with the message.
func bottleError(code int, msg string) *answer {
	std := http.StatusText(code)
	a := &answer{status: code, header: http.Header{}}
	a.header.Set("Content-Type", "text/html; charset=UTF-8")
	a.body = []byte(fmt.Sprintf("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html>\n<head><title>Error: %d %s</title></head>\n<body>\n<h1>Error: %d %s</h1>\n<p>Sorry, the requested URL caused an error:</p>\n<pre>%s</pre>\n</body>\n</html>\n",
		code, std, code, std, html.EscapeString(msg)))
	return a
}

// write sends a. With a custom reason phrase it writes the response itself
// on the hijacked HTTP/1.x connection (net/http always writes the standard
// phrase); over HTTP/2, or when hijacking is impossible, the phrase is lost,
// as with a real HTTP/2 server.
func (a *answer) write(w http.ResponseWriter, r *http.Request) {
	if a.reason != "" && a.reason != http.StatusText(a.status) && r.ProtoMajor == 1 {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, rw, err := hj.Hijack(); err == nil {
				defer conn.Close()
				writeRaw(rw.Writer, a)
				return
			}
		}
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

func writeRaw(bw *bufio.Writer, a *answer) {
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", a.status, a.reason)
	h := a.header.Clone()
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	h.Set("Connection", "close")
	_ = h.Write(bw)
	bw.WriteString("\r\n")
	bw.Write(a.body)
	bw.Flush()
}
