package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
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
func (v *Verifier) fetch(ctx context.Context, u *url.URL, accept string, limit int64, creds bool) (*fetched, error) {
	if v.o.requestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, v.o.requestTimeout)
		defer cancel()
	}
	for hops := 0; ; hops++ {
		f, next, err := v.fetchOnce(ctx, u, accept, limit, creds)
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

func (v *Verifier) fetchOnce(ctx context.Context, u *url.URL, accept string, limit int64, creds bool) (*fetched, *url.URL, error) {
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
		if isCertificateError(err) {
			return nil, nil, &permanentError{err}
		}
		return nil, nil, err
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
	if err := checkResponse(resp, http.MethodGet, u, false); err != nil {
		var he *Error
		if errors.As(err, &he) && !he.Temporary() {
			return nil, nil, &permanentError{err}
		}
		return nil, nil, err
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
	f, err := v.fetch(ctx, u, simpleAccept, maxSimplePage, true)
	if err != nil || f.status == http.StatusNotFound {
		return redactURL(u), nil, false, err
	}
	if strings.HasSuffix(f.mediaType, "json") {
		files, err := parseSimpleListing(f.body, want)
		if err != nil {
			err = &permanentError{fmt.Errorf("GET %s: %w", redactURL(u), err)}
		}
		return redactURL(u), files, false, err
	}
	files := map[string]listed{}
	for _, rf := range parseSimpleHTML(f.body) {
		if want[rf.Filename] {
			files[rf.Filename] = listed{sha256: rf.SHA256, size: -1}
		}
	}
	return redactURL(u), files, true, nil
}

// simpleListingJSON is the part of a PEP 691 project page Verify reads.
type simpleListingJSON struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Files []struct {
		Filename string            `json:"filename"`
		Hashes   map[string]string `json:"hashes"`
		Size     *int64            `json:"size"`
	} `json:"files"`
}

// parseSimpleListing reads a PEP 691 project page, keeping the files named
// in want with their sha256 and size (size from api-version 1.1).
func parseSimpleListing(b []byte, want map[string]bool) (map[string]listed, error) {
	var p simpleListingJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("failed to decode simple API JSON: %w", err)
	}
	if major, _, _ := strings.Cut(p.Meta.APIVersion, "."); major != "1" {
		return nil, fmt.Errorf("failed to decode simple API JSON: unsupported api-version %q", truncate(p.Meta.APIVersion, 20))
	}
	files := map[string]listed{}
	for _, f := range p.Files {
		if !want[f.Filename] {
			continue
		}
		l := listed{sha256: strings.ToLower(f.Hashes["sha256"]), size: -1}
		if f.Size != nil && *f.Size >= 0 {
			l.size = *f.Size
		}
		files[f.Filename] = l
	}
	return files, nil
}
