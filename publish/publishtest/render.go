package publishtest

import (
	"bufio"
	"fmt"
	"html"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
)

// explanations are Pyramid's per-status explanation texts, the first
// paragraph of its error bodies.
var explanations = map[int]string{
	400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
	401: "This server could not verify that you are authorized to access the document you requested.  Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.",
	403: "Access was denied to this resource.",
	404: "The resource could not be found.",
	409: "There was a conflict when trying to complete your request.",
	410: "This resource is no longer available.  No forwarding address is given.",
	411: "Content-Length header required.",
	413: "The body of your request was too large for this server.",
	429: "The action could not be performed because there were too many requests by the client.",
	500: "The server has either erred or is incapable of performing the requested operation.",
	502: "Bad gateway.",
	503: "The server is currently unavailable. Please try again at a later time.",
	504: "The gateway has timed out.",
	308: "The resource has been moved to",
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

// offer picks the best of offers for an Accept header: the highest q, ties
// by the order of offers, q=0 excluded; "" when none is acceptable or the
// header is empty (as WebOb's acceptable_offers).
func offer(accept string, offers ...string) string {
	best, bestQ := "", 0.0
	for _, o := range offers {
		q := -1.0
		spec := -1
		for _, part := range strings.Split(accept, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			pq := 1.0
			if s, ok := params["q"]; ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					pq = f
				}
			}
			typ, sub, _ := strings.Cut(mt, "/")
			ot, _, _ := strings.Cut(o, "/")
			ps := -1
			switch {
			case mt == o:
				ps = 2
			case sub == "*" && typ == ot:
				ps = 1
			case mt == "*/*":
				ps = 0
			}
			if ps > spec {
				spec, q = ps, pq
			}
		}
		if spec >= 0 && q > bestQ {
			best, bestQ = o, q
		}
	}
	return best
}

// answer is an HTTP answer the server writes.
type answer struct {
	status int
	reason string // "" = the standard phrase
	header http.Header
	body   []byte
}

// pyramidError renders an error the way Warehouse's _exc_with_message and
// Pyramid's HTTPException do: the status line carries
// the message (ISO-8859-1), the body is negotiated between text/html and
// application/json, falling back to text/plain (also when Accept is absent).
func pyramidError(r *http.Request, code int, msg string) *answer {
	status := strconv.Itoa(code) + " " + latin1(msg)
	title := http.StatusText(code)
	if title == "" {
		title = "Unknown Error"
	}
	expl := explanations[code]
	a := &answer{status: code, reason: latin1(msg), header: http.Header{}}
	switch offer(r.Header.Get("Accept"), "text/html", "application/json") {
	case "text/html":
		a.header.Set("Content-Type", "text/html; charset=UTF-8")
		body := htmlEscape(expl) + "<br/><br/>\n" + htmlEscape(msg) + "\n\n"
		a.body = []byte("<html>\n <head>\n  <title>" + status + "</title>\n </head>\n <body>\n  <h1>" + status + "</h1>\n  " + body + "\n </body>\n</html>")
	case "application/json":
		a.header.Set("Content-Type", "application/json")
		body := expl + "\n\n\n" + msg + "\n\n"
		a.body = []byte(`{"message": ` + pyJSONString(body) + `, "code": ` + pyJSONString(status) + `, "title": ` + pyJSONString(title) + `}`)
	default:
		a.header.Set("Content-Type", "text/plain; charset=UTF-8")
		a.body = []byte(status + "\n\n" + expl + "\n\n\n" + msg + "\n\n")
	}
	return a
}

// htmlEscape escapes like WebOb's html_escape: the HTML specials, and
// non-ASCII characters as decimal character references.
func htmlEscape(s string) string {
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if r > 0x7f {
			fmt.Fprintf(&b, "&#%d;", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// pyJSONString encodes s as Python's json.dumps does by default: ASCII
// only, non-ASCII as \uXXXX (surrogate pairs above U+FFFF).
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r > 0x7f && r <= 0xffff):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// bottleError renders an error as pypiserver (bottle) does: the standard
// status line and an HTML page with the message.
func bottleError(code int, msg string) *answer {
	std := http.StatusText(code)
	a := &answer{status: code, header: http.Header{}}
	a.header.Set("Content-Type", "text/html; charset=UTF-8")
	// The page of pypiserver 2.4.1's bottle, style block included.
	a.body = []byte(fmt.Sprintf("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html>\n<head><title>Error: %d %s</title>\n"+
		"<style type=\"text/css\">\n  html {background-color: #eee; font-family: sans;}\n  pre {background-color: #eee; border: 1px solid #ddd; padding: 5px;}\n</style>\n</head>\n"+
		"<body>\n<h1>Error: %d %s</h1>\n<p>Sorry, the requested URL <tt>&#039;/&#039;</tt> caused an error:</p>\n<pre>%s</pre>\n</body>\n</html>\n",
		code, std, code, std, html.EscapeString(msg)))
	return a
}

// statusLine is the answer's status line without the protocol.
func (a *answer) statusLine() string {
	if a.reason != "" {
		return strconv.Itoa(a.status) + " " + a.reason
	}
	return strconv.Itoa(a.status) + " " + http.StatusText(a.status)
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
