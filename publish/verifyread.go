package publish

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// fetch GETs u for Verify with Cache-Control: no-cache, the request
// timeout and at most limit bytes of answer (getPage). It follows
// redirects within u's host (a few), sends credentials only to the simple
// API root's host and only when creds is set. A 404 is an answer, not an
// error; transport errors, 429 and 5xx are temporary errors, anything else
// a permanent one.
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
	p := pageGet{accept: accept, fresh: true, notFoundBody: true, limit: limit, decode: decode}
	if creds {
		p.auth = v.simple
	}
	for hops := 0; ; hops++ {
		f, next, err := getPage(ctx, v.hc, v.o, u, p)
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
	f, err := v.fetch(ctx, u, simpleAccept, MaxSimplePage, true, func(mt string, body io.Reader) (err error) {
		files, html, err = decodeSimple(mt, body, keep)
		return err
	})
	if err != nil || f.status == http.StatusNotFound {
		return redactURL(u), nil, false, err
	}
	out := map[string]listed{}
	for _, rf := range files {
		out[rf.Filename] = listed{sha256: rf.SHA256, size: rf.Size, yanked: rf.Yanked, reason: rf.YankedReason}
	}
	return redactURL(u), out, html, nil
}
