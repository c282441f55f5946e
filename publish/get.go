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

// The one GET of the read side of an index: Index (the existing-file
// check) and Verifier (the read-back after upload) differ in what they do
// with redirects and 404s, not in how they ask.

// decodeSimple reads a simple API project page of the media type given
// (PEP 691 JSON, else PEP 503 HTML) as a stream, keeping the files whose
// names keep accepts; html reports a PEP 503 page.
func decodeSimple(mediaType string, body io.Reader, keep func(string) bool) (files []RemoteFile, html bool, err error) {
	if strings.HasSuffix(mediaType, "json") {
		files, err = decodeSimpleJSON(body, keep)
		return files, false, err
	}
	files, err = decodeSimpleHTML(body, keep)
	return files, true, err
}

// fetched is one answer to a GET of a page: 200 with its body (none when
// it was decoded as a stream), or 404 with the start of its body when
// asked for.
type fetched struct {
	status    int
	mediaType string
	header    http.Header
	body      []byte
}

// pageGet is one GET of a page an index serves for reading: the simple
// API (Index and Verifier), the JSON and Integrity APIs (Verifier).
type pageGet struct {
	accept string
	// fresh asks caches for a fresh answer (Cache-Control: no-cache).
	fresh bool
	// auth is the root whose scheme, host and port get the credentials
	// (WithCredentials); nil sends none.
	auth *url.URL
	// notFoundBody keeps the start of a 404's body (maxNotFound bytes).
	notFoundBody bool
	// limit bounds a 200 answer. decode, when set, gets it as a stream of
	// at most limit bytes instead of it being read into memory.
	limit  int64
	decode func(mediaType string, body io.Reader) error
}

// getPage sends one GET of u with hc (which follows no redirects): a
// redirect comes back as next, a 404 as an answer, a 200 read or decoded
// per p. Transport errors, 429, 5xx and a connection broken while decoding
// are temporary errors; anything else is a permanentError.
func getPage(ctx context.Context, hc *http.Client, o *options, u *url.URL, p pageGet) (f *fetched, next *url.URL, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &permanentError{err}
	}
	req.Header.Set("Accept", p.accept)
	req.Header.Set("User-Agent", o.userAgent)
	if p.fresh {
		// PyPI's CDN does not act on it (its purge after an upload is what
		// makes pages fresh), other caches may.
		req.Header.Set("Cache-Control", "no-cache")
	}
	if o.creds != nil && p.auth != nil && sameHost(p.auth, u) {
		user, pass, err := o.creds.Credentials(ctx)
		if err != nil {
			return nil, nil, &permanentError{fmt.Errorf("failed to get credentials: %w", err)}
		}
		req.SetBasicAuth(user, pass)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, diagnose(ctx, u, err)
	}
	defer resp.Body.Close()
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	f = &fetched{status: resp.StatusCode, mediaType: mt, header: resp.Header}
	switch resp.StatusCode {
	case http.StatusNotFound:
		if p.notFoundBody {
			f.body, _ = readLimited(resp.Body, maxNotFound)
		}
		return f, nil, nil
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc, err := u.Parse(resp.Header.Get("Location"))
		if err != nil || resp.Header.Get("Location") == "" {
			return nil, nil, &permanentError{fmt.Errorf("GET %s: %d without a usable Location", redactURL(u), resp.StatusCode)}
		}
		return nil, loc, nil
	}
	if err := checkResponse(resp, http.MethodGet, u, o.server, false); err != nil {
		var he *Error
		if errors.As(err, &he) && !he.Temporary() {
			return nil, nil, &permanentError{err}
		}
		return nil, nil, err
	}
	if p.decode == nil {
		f.body, err = io.ReadAll(io.LimitReader(resp.Body, p.limit+1))
		if err != nil {
			return nil, nil, fmt.Errorf("GET %s: failed to read the answer: %w", redactURL(u), err)
		}
		if int64(len(f.body)) > p.limit {
			return nil, nil, &permanentError{fmt.Errorf("GET %s: answer larger than %d MiB", redactURL(u), p.limit>>20)}
		}
		return f, nil, nil
	}
	if err := p.decode(mt, &pageReader{r: resp.Body, max: p.limit}); err != nil {
		var ne net.Error
		if ctx.Err() == nil && errors.As(err, &ne) {
			return nil, nil, fmt.Errorf("GET %s: %w", redactURL(u), err) // a broken connection: retry
		}
		return nil, nil, &permanentError{fmt.Errorf("GET %s: %w", redactURL(u), err)}
	}
	return f, nil, nil
}
