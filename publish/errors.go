package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors, matched with errors.Is against *Error and *ExistsError.
var (
	// ErrFileExists: the index already has a file with this name (with other
	// bytes, or bytes it does not say), or these bytes under another name.
	// Only the known answers of real indexes match (docs/indexes.md): PyPI's
	// 400 "File already exists (…)", pypiserver's, devpi's, Artifactory's,
	// Nexus', GitLab's, Gitea's, Azure's, Google's texts and CodeArtifact's
	// 409 (UP-03, UP-04, UP-21).
	ErrFileExists = errors.New("file already exists")
	// ErrFilenameReused: PyPI refuses a file name that belonged to a deleted
	// file; never skippable (UP-05).
	ErrFilenameReused = errors.New("file name was used by a deleted file")
	// ErrOneSdist: the release already has a source distribution (UP-06).
	ErrOneSdist = errors.New("release already has an sdist")
	// ErrRedirect: the server answered 3xx; redirects are never followed
	// (UP-19).
	ErrRedirect = errors.New("upload was redirected")
	// ErrTokenExpired: 403 "Invalid API Token: token is expired" (UP-09).
	ErrTokenExpired = errors.New("token is expired")
)

// Error is an HTTP answer other than success from the index.
type Error struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Method and URL are the request's; the URL has no user information
	// and no query.
	Method, URL string
	// Message is the best available server text (see extractMessage):
	// the JSON "code" without its leading status, else the JSON
	// "message", else a problem+json title and detail, else a non-standard
	// reason phrase, else an excerpt of the body. Never empty.
	Message string
	// Body is an excerpt (at most 2 KiB) of the response body.
	Body string
	// Location is the Location header of a 3xx answer.
	Location string
	// RetryAfter is the parsed Retry-After header, 0 when absent.
	RetryAfter time.Duration

	// pypi is set when the URL's host is pypi.org's or test.pypi.org's:
	// 409 then means a project-name conflict, not an existing file.
	pypi bool
	// server is the index software (WithServer), for the hints.
	server string
}

// Error reads like
// "POST https://upload.pypi.org/legacy/: 400 File already exists (…)".
// It never contains credentials.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, e.Message)
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		switch {
		case e.Location == "":
			s += " (redirect without a Location header; not followed)"
		case isTrailingSlashFix(e.URL, e.Location) && !looksSimple(e.URL):
			s += fmt.Sprintf(" (redirected to %s, not followed: the repository URL is missing its trailing slash; use %s)", e.Location, e.Location)
		default:
			s += fmt.Sprintf(" (redirected to %s, not followed)", e.Location)
		}
	}
	return s
}

// Temporary reports whether retrying the same request may succeed: 429,
// 500, 502, 503 and 504.
func (e *Error) Temporary() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Is matches the sentinels ErrFileExists, ErrFilenameReused, ErrOneSdist,
// ErrRedirect and ErrTokenExpired.
func (e *Error) Is(target error) bool {
	msg := e.Message
	switch target {
	case ErrFileExists:
		a := e.answer()
		return a != nil && a.meaning != meansIdentical
	case ErrFilenameReused:
		return e.StatusCode == http.StatusBadRequest && strings.HasPrefix(msg, "This filename was previously used")
	case ErrOneSdist:
		return e.StatusCode == http.StatusBadRequest && strings.HasPrefix(msg, "Only one sdist may be uploaded per release")
	case ErrRedirect:
		return e.StatusCode >= 300 && e.StatusCode < 400
	case ErrTokenExpired:
		return e.StatusCode == http.StatusForbidden && strings.Contains(msg, "Invalid API Token: token is expired")
	}
	return false
}

// ExistsError reports a local file whose name the index already holds with
// different bytes, found before uploading (see Publish) or when
// settling an "already exists" answer by hash. It matches ErrFileExists, or
// ErrOneSdist when the conflict is another sdist of the same release.
type ExistsError struct {
	Filename     string
	LocalSHA256  string
	RemoteSHA256 string
	// Remote is the conflicting remote file's name; it differs from
	// Filename for a second sdist.
	Remote string
	// Server is the server's answer, when the conflict came from one.
	Server error
}

// Error names the file, both digests (or the other sdist) and what it means:
// the index keeps its bytes.
func (e *ExistsError) Error() string {
	var s string
	if e.Remote != "" && e.Remote != e.Filename {
		s = fmt.Sprintf("%s: the release already has the source distribution %s (sha256 %s); an index keeps one sdist per release", e.Filename, e.Remote, orUnknown(e.RemoteSHA256))
	} else {
		s = fmt.Sprintf("%s: the index already has a file with this name but different contents (index sha256 %s, local sha256 %s); the index keeps its bytes, so publish a new version to change them", e.Filename, orUnknown(e.RemoteSHA256), orUnknown(e.LocalSHA256))
	}
	if e.Server != nil {
		s += ": " + e.Server.Error()
	}
	return s
}

// Is matches ErrFileExists, or ErrOneSdist for a second sdist.
func (e *ExistsError) Is(target error) bool {
	if e.Remote != "" && e.Remote != e.Filename {
		return target == ErrOneSdist
	}
	return target == ErrFileExists
}

// Unwrap returns the server's error, if any.
func (e *ExistsError) Unwrap() error { return e.Server }

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

const (
	maxErrorBody  = 1 << 20 // read at most this much of an error body
	maxExcerpt    = 2 << 10 // keep this much in Error.Body and messages
	maxRetryAfter = 24 * time.Hour
)

// answer returns the known "already exists" answer e is, or nil.
func (e *Error) answer() *knownAnswer {
	return matchAnswer(e.StatusCode, e.Message, e.Body, e.server, e.pypi)
}

// checkResponse returns nil for a 2xx answer and an *Error otherwise. It
// reads (bounded) and closes nothing: the caller closes resp.Body.
func checkResponse(resp *http.Response, method string, u *url.URL, server string, pypi bool) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	b, tooBig := readLimited(resp.Body, maxErrorBody)
	e := &Error{
		StatusCode: resp.StatusCode,
		Method:     method,
		URL:        redactURL(u),
		Message:    extractMessage(resp, b),
		Body:       truncate(string(b), maxExcerpt),
		Location:   resolveLocation(u, resp.Header.Get("Location")),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		pypi:       pypi,
		server:     server,
	}
	if tooBig {
		e.Message += " (response body over 1 MiB, not read completely)"
	}
	return e
}

// readLimited reads up to max bytes and reports whether more were left.
func readLimited(r io.Reader, max int64) ([]byte, bool) {
	b, _ := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(b)) > max {
		return b[:max], true
	}
	return b, false
}

// redactURL drops user information and the query of u.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.ForceQuery = false
	c.Fragment = ""
	return c.String()
}

var (
	preRe       = regexp.MustCompile(`(?is)<pre\b[^>]*>(.*?)</pre>`)
	dropBlockRe = regexp.MustCompile(`(?is)<head\b.*?</head>|<style\b.*?</style>|<script\b.*?</script>|<title\b.*?</title>`)
	titleRe     = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	h1Re        = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRe     = regexp.MustCompile(`\s+`)
)

// extractMessage picks the server's text for an error answer, in the order
// Warehouse and other indexes use: JSON code (minus "<status> "), JSON message,
// problem+json title/detail, a non-standard reason phrase (HTTP/2 has none),
// the body (an HTML page's title or first heading).
func extractMessage(resp *http.Response, body []byte) string {
	code := resp.StatusCode
	std := http.StatusText(code)
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	trimmed := bytes.TrimSpace(body)
	if mt == "application/json" || strings.HasSuffix(mt, "+json") || (mt == "" && len(trimmed) > 0 && trimmed[0] == '{') {
		if m, ok := jsonMessage(code, mt, trimmed); ok {
			return m
		}
	}
	if r := reasonPhrase(resp); r != "" && r != std {
		return r
	}
	if len(trimmed) > 0 {
		var text string
		if mt == "text/html" || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<")) {
			text = htmlMessage(code, string(trimmed))
		} else {
			text = plainMessage(code, string(trimmed))
		}
		if text != "" {
			return truncate(text, maxExcerpt)
		}
		if std != "" {
			return std
		}
	}
	if std == "" {
		return "Unknown Status"
	}
	return std
}

func jsonMessage(code int, mt string, b []byte) (string, bool) {
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", false
	}
	str := func(k string) string {
		s, _ := v[k].(string)
		return strings.TrimSpace(s)
	}
	if c := stripStatus(code, str("code")); c != "" && c != http.StatusText(code) {
		// The status line is ISO-8859-1: characters outside it became
		// "?"; the message keeps them.
		if strings.Contains(c, "?") {
			if d := pyramidDetail(str("message")); d != "" && d != c && len(d) >= len(c)-10 {
				return d, true
			}
		}
		return c, true
	}
	if mt == "application/problem+json" {
		t, d := str("title"), str("detail")
		switch {
		case t != "" && d != "":
			return t + ": " + d, true
		case d != "":
			return d, true
		case t != "":
			return t, true
		}
	}
	if m := str("message"); m != "" {
		return truncate(spaceRe.ReplaceAllString(m, " "), maxExcerpt), true
	}
	if d := str("detail"); d != "" {
		return truncate(d, maxExcerpt), true
	}
	return "", false
}

// pyramidDetail returns the detail part of a Pyramid JSON message
// ("<explanation>\n\n\n<detail>\n\n").
func pyramidDetail(m string) string {
	i := strings.LastIndex(m, "\n\n\n")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(m[i+3:])
}

func reasonPhrase(resp *http.Response) string {
	s := strings.TrimSpace(resp.Status)
	prefix := strconv.Itoa(resp.StatusCode)
	if !strings.HasPrefix(s, prefix) {
		return s
	}
	return strings.TrimSpace(s[len(prefix):])
}

func stripStatus(code int, s string) string {
	p := strconv.Itoa(code) + " "
	return strings.TrimSpace(strings.TrimPrefix(s, p))
}

// htmlMessage reduces an HTML error page to its readable message: the
// <pre> block of bottle's pages (pypiserver), else a title or heading that
// says more than the status, else the page's text without its head, styles
// and scripts and without a leading status line. It returns "" when the
// page says nothing beyond the status (pypiserver's "None").
func htmlMessage(code int, s string) string {
	std := http.StatusText(code)
	if m := preRe.FindStringSubmatch(s); m != nil {
		t := cleanHTML(m[1])
		if t == "" || t == "None" {
			return ""
		}
		return t
	}
	for _, re := range []*regexp.Regexp{titleRe, h1Re} {
		if m := re.FindStringSubmatch(s); m != nil {
			if t := dropStatus(code, cleanHTML(m[1])); t != "" && t != std {
				return t
			}
		}
	}
	body := dropBlockRe.ReplaceAllString(s, " ")
	body = h1Re.ReplaceAllStringFunc(body, func(h string) string {
		if dropStatus(code, cleanHTML(h)) == "" {
			return " "
		}
		return h
	})
	return dropStatus(code, cleanHTML(body))
}

// dropStatus removes a leading "<code> <reason>", "Error: <code> <reason>"
// or the bare reason from t.
func dropStatus(code int, t string) string {
	std := http.StatusText(code)
	for _, p := range []string{"Error: " + strconv.Itoa(code) + " " + std, strconv.Itoa(code) + " " + std, std, strconv.Itoa(code)} {
		if strings.HasPrefix(t, p) {
			return strings.TrimSpace(strings.TrimLeft(t[len(p):], ":.- "))
		}
	}
	return t
}

func cleanHTML(s string) string {
	s = tagRe.ReplaceAllString(s, " ")
	return strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(s), " "))
}

func plainMessage(code int, s string) string {
	first, _, _ := strings.Cut(s, "\n")
	if t := stripStatus(code, strings.TrimSpace(first)); t != "" && t != http.StatusText(code) && strings.HasPrefix(strings.TrimSpace(first), strconv.Itoa(code)+" ") {
		return t
	}
	return strings.TrimSpace(spaceRe.ReplaceAllString(s, " "))
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
// It returns 0 when absent or unparsable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		d := time.Duration(n) * time.Second
		return min(d, maxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			return 0
		}
		return min(d, maxRetryAfter)
	}
	return 0
}

// resolveLocation makes a Location header absolute (without user
// information) against the request URL.
func resolveLocation(base *url.URL, loc string) string {
	if loc == "" {
		return ""
	}
	l, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	abs := base.ResolveReference(l)
	abs.User = nil
	return abs.String()
}

func isTrailingSlashFix(u, location string) bool {
	if location == u+"/" {
		return true
	}
	// A relative Location such as "/legacy/".
	base, err1 := url.Parse(u)
	loc, err2 := url.Parse(location)
	if err1 != nil || err2 != nil {
		return false
	}
	abs := base.ResolveReference(loc)
	return abs.String() == u+"/"
}

// looksSimple reports whether a URL's path ends in a simple API segment
// ("/simple" or devpi's "/+simple"), which takes no uploads.
func looksSimple(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	last := strings.TrimSuffix(p.Path, "/")
	return strings.HasSuffix(last, "/simple") || strings.HasSuffix(last, "/+simple")
}
