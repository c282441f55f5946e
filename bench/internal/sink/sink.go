// Package sink is the http.Handler of the benchmarks' loopback package index
// (the command is ../../sink). It accepts the legacy upload API's multipart
// POST (https://docs.pypi.org/api/upload/) and streams the
// "content" part to a counter or to disk; any other POST is counted as raw
// bytes.
//
// The parser is its own streaming multipart reader with a 1 MiB buffer: the
// standard library's mime/multipart returns at most 4 KiB per Read, which
// would make the sink, not the client, the bottleneck on a 1 GiB file.
package sink

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/blake2b"
)

// bufSize is the read buffer of one request body. A large buffer keeps the
// number of read syscalls and boundary scans per GiB low.
const bufSize = 1 << 20

// maxField bounds a text field (the long description is the largest one);
// PyPI's own limit on the whole metadata is far below this.
const maxField = 8 << 20

// maxRecorded bounds the per-file list and the error list in Stats.
const maxRecorded = 10000

// Sink is the http.Handler of the loopback index. The zero value discards
// uploads, answers at once and does not verify digests.
type Sink struct {
	// Latency is slept after an upload body was read, before the answer.
	Latency time.Duration
	// SaveDir, when not empty, receives each uploaded file under its name.
	SaveDir string
	// Verify makes the sink hash the content and compare the digests.
	Verify bool

	inFlight atomic.Int64
	mu       sync.Mutex
	st       Stats
}

// Stats is what GET /_sink/stats returns; POST /_sink/reset clears it.
type Stats struct {
	Requests     int64 `json:"requests"`
	Uploads      int64 `json:"uploads"`
	Rejected     int64 `json:"rejected"`
	Raw          int64 `json:"raw"`
	ContentBytes int64 `json:"content_bytes"`
	BodyBytes    int64 `json:"body_bytes"`
	Chunked      int64 `json:"chunked"`
	MaxInFlight  int64 `json:"max_in_flight"`
	// FirstRequestNS is the Unix time in ns at which the first request's
	// headers had arrived (0 when none); LastResponseNS when the last answer
	// was written.
	FirstRequestNS int64          `json:"first_request_unix_ns"`
	LastResponseNS int64          `json:"last_response_unix_ns"`
	UserAgents     map[string]int `json:"user_agents"`
	Errors         []string       `json:"errors"`
	Files          []FileStat     `json:"files"`
}

// FileStat is one accepted upload.
type FileStat struct {
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
}

// ServeHTTP answers the control endpoints (GET /_sink/stats, POST
// /_sink/reset) and takes every other POST as an upload.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_sink/stats" && r.Method == http.MethodGet:
		s.serveStats(w)
	case r.URL.Path == "/_sink/reset" && r.Method == http.MethodPost:
		s.mu.Lock()
		s.st = Stats{}
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method != http.MethodPost:
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
	default:
		s.serveUpload(w, r)
	}
}

func (s *Sink) serveStats(w http.ResponseWriter) {
	s.mu.Lock()
	b, err := json.MarshalIndent(&s.st, "", "  ")
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}

// serveUpload reads one upload (or a raw body when it is not multipart),
// checks it and records it.
func (s *Sink) serveUpload(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	s.start(r, n)

	body := &countingReader{r: r.Body}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		err := drain(body)
		s.finish(body.n, 0, "", err, true)
		if err != nil {
			http.Error(w, "400 "+err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}

	if err := checkAuth(r.Header.Get("Authorization")); err != nil {
		s.finish(0, 0, "", err, false)
		http.Error(w, "403 "+err.Error(), http.StatusForbidden)
		return
	}
	up, err := s.readForm(body, params["boundary"])
	if err == nil {
		err = up.validate(s.Verify)
	}
	if err != nil {
		s.finish(body.n, up.size, "", err, false)
		http.Error(w, "400 "+err.Error(), http.StatusBadRequest)
		return
	}
	if s.Latency > 0 {
		t := time.NewTimer(s.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	s.finish(body.n, up.size, up.filename, nil, false)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
}

// start records the arrival of a request; inFlight is the number of
// requests being served, this one included.
func (s *Sink) start(r *http.Request, inFlight int64) {
	now := time.Now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Requests++
	if s.st.FirstRequestNS == 0 {
		s.st.FirstRequestNS = now
	}
	if inFlight > s.st.MaxInFlight {
		s.st.MaxInFlight = inFlight
	}
	if s.st.UserAgents == nil {
		s.st.UserAgents = map[string]int{}
	}
	s.st.UserAgents[r.UserAgent()]++
	if r.ContentLength < 0 {
		s.st.Chunked++
	}
}

// finish records the end of one request.
func (s *Sink) finish(bodyBytes, contentBytes int64, filename string, err error, raw bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.BodyBytes += bodyBytes
	s.st.LastResponseNS = time.Now().UnixNano()
	switch {
	case err != nil:
		s.st.Rejected++
		if len(s.st.Errors) < maxRecorded {
			s.st.Errors = append(s.st.Errors, err.Error())
		}
	case raw:
		s.st.Raw++
	default:
		s.st.Uploads++
		s.st.ContentBytes += contentBytes
		if len(s.st.Files) < maxRecorded {
			s.st.Files = append(s.st.Files, FileStat{Filename: filename, Size: contentBytes})
		}
	}
}

// checkAuth accepts the token forms Warehouse accepts.
func checkAuth(h string) error {
	scheme, rest, _ := strings.Cut(h, " ")
	var token string
	switch strings.ToLower(scheme) {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
		if err != nil {
			return errors.New("invalid or non-existent authentication information")
		}
		user, pass, _ := strings.Cut(string(raw), ":")
		if user != "__token__" {
			return errors.New("username/password authentication is no longer supported")
		}
		token = pass
	case "token", "bearer":
		token = strings.TrimSpace(rest)
	default:
		return errors.New("invalid or non-existent authentication information")
	}
	if !strings.HasPrefix(token, "pypi-") {
		return errors.New("invalid or non-existent authentication information")
	}
	return nil
}

// upload is what readForm collected.
type upload struct {
	fields      map[string]string
	filename    string
	contentType string
	size        int64
	hasContent  bool
	sha256      hash.Hash
	blake2      hash.Hash
	md5         hash.Hash
}

func (u *upload) validate(verify bool) error {
	f := u.fields
	switch {
	case f[":action"] != "file_upload":
		return fmt.Errorf("invalid value for :action: %q", f[":action"])
	case f["protocol_version"] != "1":
		return fmt.Errorf("unknown protocol version %q", f["protocol_version"])
	case f["name"] == "" || f["version"] == "":
		return errors.New("name and version are required")
	case f["filetype"] != "sdist" && f["filetype"] != "bdist_wheel":
		return fmt.Errorf("unknown filetype %q", f["filetype"])
	case !u.hasContent || u.filename == "":
		return errors.New("upload payload does not have a file")
	case u.contentType == "" || strings.HasPrefix(u.contentType, "image/"):
		return errors.New("invalid distribution file")
	case f["sha256_digest"] == "" && f["blake2_256_digest"] == "" && f["md5_digest"] == "":
		return errors.New("include at least one message digest")
	}
	if strings.ContainsAny(u.filename, `/\`) || u.filename == "." || u.filename == ".." {
		return fmt.Errorf("invalid file name %q", u.filename)
	}
	if !verify {
		return nil
	}
	for _, d := range []struct {
		field string
		h     hash.Hash
	}{{"sha256_digest", u.sha256}, {"blake2_256_digest", u.blake2}, {"md5_digest", u.md5}} {
		want := strings.ToLower(f[d.field])
		if want == "" {
			continue
		}
		if got := hex.EncodeToString(d.h.Sum(nil)); got != want {
			return fmt.Errorf("the digest supplied in %s does not match the file: got %s, want %s", d.field, want, got)
		}
	}
	return nil
}

// readForm parses a multipart/form-data body in one streaming pass.
func (s *Sink) readForm(body io.Reader, boundary string) (*upload, error) {
	up := &upload{fields: map[string]string{}}
	if boundary == "" || len(boundary) > 70 {
		return up, errors.New("missing or invalid multipart boundary")
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(body)
	defer func() { br.Reset(nil); readers.Put(br) }()
	dash := []byte("--" + boundary)
	delim := []byte("\r\n--" + boundary)
	// The preamble (normally empty) ends at the first dash-boundary.
	if err := copyUntil(br, dash, io.Discard, maxField); err != nil {
		return up, fmt.Errorf("failed to find the first boundary: %w", err)
	}
	tp := textproto.NewReader(br)
	for {
		two, err := br.Peek(2)
		if err != nil {
			return up, fmt.Errorf("failed to read after a boundary: %w", err)
		}
		if string(two) == "--" {
			return up, drain(br) // close delimiter; the epilogue is ignored
		}
		line, err := br.ReadSlice('\n')
		if err != nil || strings.Trim(string(line), " \t\r\n") != "" {
			return up, errors.New("malformed multipart boundary line")
		}
		hdr, err := tp.ReadMIMEHeader()
		if err != nil {
			return up, fmt.Errorf("failed to read part headers: %w", err)
		}
		disp, dp, err := mime.ParseMediaType(hdr.Get("Content-Disposition"))
		if err != nil || disp != "form-data" || dp["name"] == "" {
			return up, errors.New("part without a form-data Content-Disposition name")
		}
		name := dp["name"]
		if fn, ok := dp["filename"]; ok && name == "content" {
			if up.hasContent {
				return up, errors.New("more than one content part")
			}
			up.hasContent, up.filename, up.contentType = true, fn, hdr.Get("Content-Type")
			w, closeFn, err := s.contentWriter(up)
			if err != nil {
				return up, err
			}
			cw := &countingWriter{w: w}
			err = copyUntil(br, delim, cw, -1)
			up.size = cw.n
			if cerr := closeFn(); err == nil {
				err = cerr
			}
			if err != nil {
				return up, fmt.Errorf("failed to read the content part: %w", err)
			}
			continue
		}
		var buf bytes.Buffer
		if err := copyUntil(br, delim, &buf, maxField); err != nil {
			return up, fmt.Errorf("failed to read field %q: %w", name, err)
		}
		if _, dup := up.fields[name]; !dup {
			up.fields[name] = buf.String()
		}
	}
}

// contentWriter returns where the file bytes go and a function to close it.
func (s *Sink) contentWriter(up *upload) (io.Writer, func() error, error) {
	var ws []io.Writer
	if s.Verify {
		b2, err := blake2b.New256(nil)
		if err != nil {
			return nil, nil, err
		}
		up.sha256, up.blake2, up.md5 = sha256.New(), b2, md5.New()
		ws = append(ws, up.sha256, up.blake2, up.md5)
	}
	closeFn := func() error { return nil }
	if s.SaveDir != "" {
		base := filepath.Base(up.filename)
		if base != up.filename || base == "." || base == ".." {
			return nil, nil, fmt.Errorf("invalid file name %q", up.filename)
		}
		f, err := os.Create(filepath.Join(s.SaveDir, base))
		if err != nil {
			return nil, nil, fmt.Errorf("failed to save the upload: %w", err)
		}
		ws = append(ws, f)
		closeFn = f.Close
	}
	switch len(ws) {
	case 0:
		return io.Discard, closeFn, nil
	case 1:
		return ws[0], closeFn, nil
	}
	return io.MultiWriter(ws...), closeFn, nil
}

var errTooLarge = errors.New("part too large")

// readers and buffers are pooled: a fresh 1 MiB per request would cost
// more than parsing a small upload.
var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bufSize) }}
	buffers = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}
)

// copyUntil copies from br to w up to the first occurrence of delim and
// consumes delim. limit < 0 means no limit.
func copyUntil(br *bufio.Reader, delim []byte, w io.Writer, limit int64) error {
	var n int64
	for {
		buf, err := br.Peek(br.Size())
		if i := bytes.Index(buf, delim); i >= 0 {
			if limit >= 0 && n+int64(i) > limit {
				return errTooLarge
			}
			if _, werr := w.Write(buf[:i]); werr != nil {
				return werr
			}
			_, _ = br.Discard(i + len(delim))
			return nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				return err
			}
		}
		safe := len(buf) - len(delim) + 1
		if safe <= 0 {
			continue
		}
		n += int64(safe)
		if limit >= 0 && n > limit {
			return errTooLarge
		}
		if _, werr := w.Write(buf[:safe]); werr != nil {
			return werr
		}
		_, _ = br.Discard(safe)
	}
}

// drain reads r to its end with a large buffer.
func drain(r io.Reader) error {
	bp := buffers.Get().(*[]byte)
	defer buffers.Put(bp)
	buf := *bp
	for {
		_, err := r.Read(buf)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
