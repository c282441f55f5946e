package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// fetched is one answer Verify read: 200 with its body, or 404 with the
// start of its body.
type fetched struct {
	status    int
	mediaType string
	body      []byte
}

// fetch GETs u for Verify with Cache-Control: no-cache, the request
// timeout and at most limit bytes of answer. It follows redirects within
// u's host (a few), sends credentials only to the simple API root's host
// and only when creds is set. A 404 is an answer, not an error; transport
// errors, 429 and 5xx are temporary errors, anything else a permanent one.
//
// With decode set, a 200 answer's body is handed to it as a stream of at
// most limit bytes instead of being read into memory (simple API pages,
// see Index.Files).
func (v *Verifier) fetch(ctx context.Context, u *url.URL, accept string, limit int64, creds bool, decode func(mediaType string, body io.Reader) error) (*fetched, error) {
	if v.o.requestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, v.o.requestTimeout)
		defer cancel()
	}
	for hops := 0; ; hops++ {
		f, next, err := v.fetchOnce(ctx, u, accept, limit, creds, decode)
		if err != nil || next == nil {
			v.o.logf("verify: GET %s: %s", redactURL(u), describeFetch(f, err))
			return f, err
		}
		if hops >= maxRedirects || !sameHost(u, next) {
			return nil, &permanentError{fmt.Errorf("GET %s: redirected to %s, not followed", redactURL(u), redactURL(next))}
		}
		u = next
	}
}

func describeFetch(f *fetched, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case f.status == http.StatusNotFound:
		return "404 Not Found"
	}
	return fmt.Sprintf("%d, %d bytes of %s", f.status, len(f.body), f.mediaType)
}

func (v *Verifier) fetchOnce(ctx context.Context, u *url.URL, accept string, limit int64, creds bool, decode func(string, io.Reader) error) (*fetched, *url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &permanentError{err}
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", v.o.userAgent)
	// Ask caches for a fresh answer. PyPI's CDN does not act on it (its
	// purge after an upload is what makes pages fresh), other caches may.
	req.Header.Set("Cache-Control", "no-cache")
	if creds && v.o.creds != nil && v.simple != nil && sameHost(v.simple, u) {
		user, pass, err := v.o.creds.Credentials(ctx)
		if err != nil {
			return nil, nil, &permanentError{fmt.Errorf("failed to get credentials: %w", err)}
		}
		req.SetBasicAuth(user, pass)
	}
	resp, err := v.hc.Do(req)
	if err != nil {
		return nil, nil, diagnose(ctx, u, err)
	}
	defer resp.Body.Close()
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch resp.StatusCode {
	case http.StatusNotFound:
		b, _ := readLimited(resp.Body, maxNotFound)
		return &fetched{status: resp.StatusCode, mediaType: mt, body: b}, nil, nil
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc, err := u.Parse(resp.Header.Get("Location"))
		if err != nil || resp.Header.Get("Location") == "" {
			return nil, nil, &permanentError{fmt.Errorf("GET %s: %d without a usable Location", redactURL(u), resp.StatusCode)}
		}
		return nil, loc, nil
	}
	if err := checkResponse(resp, http.MethodGet, u, v.o.server, false); err != nil {
		var he *Error
		if errors.As(err, &he) && !he.Temporary() {
			return nil, nil, &permanentError{err}
		}
		return nil, nil, err
	}
	if decode != nil {
		if err := decode(mt, &pageReader{r: resp.Body, max: limit}); err != nil {
			var ne net.Error
			if ctx.Err() == nil && errors.As(err, &ne) {
				return nil, nil, fmt.Errorf("GET %s: %w", redactURL(u), err) // a broken connection: retry
			}
			return nil, nil, &permanentError{fmt.Errorf("GET %s: %w", redactURL(u), err)}
		}
		return &fetched{status: resp.StatusCode, mediaType: mt}, nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: failed to read the answer: %w", redactURL(u), err)
	}
	if int64(len(b)) > limit {
		return nil, nil, &permanentError{fmt.Errorf("GET %s: answer larger than %d MiB", redactURL(u), limit>>20)}
	}
	return &fetched{status: resp.StatusCode, mediaType: mt, body: b}, nil, nil
}

// joinEscaped returns root with the path segments appended, each escaped
// as one segment (a "/" in a segment stays inside it).
func joinEscaped(root *url.URL, segments ...string) (*url.URL, error) {
	s := strings.TrimSuffix(root.String(), "/")
	for _, seg := range segments {
		s += "/" + url.PathEscape(seg)
	}
	return url.Parse(s)
}

// simpleListing reads a project's page of the simple API and keeps the
// files named in want. A 404 lists nothing. It returns the page's URL
// (without credentials) and whether the page was PEP 503 HTML.
func (v *Verifier) simpleListing(ctx context.Context, project string, want map[string]bool) (string, map[string]listed, bool, error) {
	u, err := joinEscaped(v.simple, project, "")
	if err != nil {
		return "", nil, false, &permanentError{err}
	}
	var (
		files []RemoteFile
		html  bool
	)
	keep := func(name string) bool { return want[name] }
	f, err := v.fetch(ctx, u, simpleAccept, MaxSimplePage, true, func(mt string, body io.Reader) error {
		var err error
		if strings.HasSuffix(mt, "json") {
			files, err = decodeSimpleJSON(body, keep)
		} else {
			html = true
			files, err = decodeSimpleHTML(body, keep)
		}
		return err
	})
	if err != nil || f.status == http.StatusNotFound {
		return redactURL(u), nil, false, err
	}
	out := map[string]listed{}
	for _, rf := range files {
		out[rf.Filename] = listed{sha256: rf.SHA256, size: rf.Size}
	}
	return redactURL(u), out, html, nil
}
