package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// simpleAccept prefers the PEP 691 JSON form and takes PEP 503 HTML from
// indexes that have nothing else (older devpi, pypiserver).
const simpleAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"

const (
	maxSimplePage = 64 << 20 // bytes of a simple page read at most
	maxRedirects  = 5
)

// Index reads what a package index already holds, through its simple API
// (PEP 503/691), for the existing-file check (see Publish). It is
// safe for concurrent use.
type Index struct {
	root *url.URL
	o    *options
	hc   *http.Client
}

// RemoteFile is one file an index lists for a project.
type RemoteFile struct {
	Filename string
	// SHA256 is the lower-case hex digest the index lists; "" when it lists
	// none.
	SHA256 string
}

// NewIndex returns an Index for a simple API root such as
// "https://pypi.org/simple/". Options as for New;
// WithRequestTimeout bounds each request (default 30 s) and WithRetry
// applies to transport errors, 429 and 5xx. Credentials are sent only to the
// root's host. It never panics.
func NewIndex(simpleRootURL string, opts ...Option) (*Index, error) {
	u, err := parseHTTPURL(simpleRootURL)
	if err != nil {
		return nil, fmt.Errorf("failed to parse index URL: %w", err)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	o, err := makeOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("failed to configure index client: %w", err)
	}
	return &Index{root: u, o: o, hc: withoutRedirects(o.httpClient)}, nil
}

// URL returns the simple API root without user information.
func (i *Index) URL() string { return redactURL(i.root) }

// Files returns the files the index lists for project (any spelling; it is
// normalized per PEP 503). A 404 means the index does not know the project:
// Files then returns no files and no error. Transport errors, 429 and 5xx
// are retried; cancelling ctx stops at once.
func (i *Index) Files(ctx context.Context, project string) ([]RemoteFile, error) {
	name := dist.NormalizeName(project)
	if name == "" || strings.Trim(name, "-") == "" {
		return nil, fmt.Errorf("failed to query index: invalid project name %q", project)
	}
	u := i.root.ResolveReference(&url.URL{Path: url.PathEscape(name) + "/"})
	var files []RemoteFile
	err := retry.Do(ctx, i.o.backoff, retryable, func(ctx context.Context, _ int) error {
		var err error
		files, err = i.get(ctx, u)
		return err
	}, i.o.retryOptions(func(r retry.Retry) {
		i.o.logf("index query for %s failed (attempt %d of %d): %v; retrying in %v", project, r.Attempt, r.Attempts, r.Err, r.Wait)
	})...)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("failed to query index for %s: %w", project, err)
	}
	return files, nil
}

// errNotFound is a 404 from the simple API.
var errNotFound = errors.New("not found")

func (i *Index) get(ctx context.Context, u *url.URL) ([]RemoteFile, error) {
	if i.o.requestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, i.o.requestTimeout)
		defer cancel()
	}
	for hops := 0; ; hops++ {
		files, next, err := i.getOnce(ctx, u)
		if errors.Is(err, errNotFound) {
			return nil, nil
		}
		if err != nil || next == nil {
			return files, err
		}
		// Follow same-host redirects only (e.g. Warehouse's 301 to the
		// normalized name), a few times.
		if hops >= maxRedirects || !sameHost(i.root, next) {
			return nil, &permanentError{fmt.Errorf("GET %s: redirected to %s, not followed", redactURL(u), redactURL(next))}
		}
		u = next
	}
}

func (i *Index) getOnce(ctx context.Context, u *url.URL) ([]RemoteFile, *url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &permanentError{err}
	}
	req.Header.Set("Accept", simpleAccept)
	req.Header.Set("User-Agent", i.o.userAgent)
	if i.o.creds != nil && sameHost(i.root, u) {
		user, pass, err := i.o.creds.Credentials(ctx)
		if err != nil {
			return nil, nil, &permanentError{fmt.Errorf("failed to get credentials: %w", err)}
		}
		req.SetBasicAuth(user, pass)
	}
	resp, err := i.hc.Do(req)
	if err != nil {
		if isCertificateError(err) {
			return nil, nil, &permanentError{err}
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotFound:
		return nil, nil, errNotFound
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
	b, tooBig := readLimited(resp.Body, maxSimplePage)
	if tooBig {
		return nil, nil, &permanentError{fmt.Errorf("GET %s: page larger than %d MiB", redactURL(u), maxSimplePage>>20)}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if strings.HasSuffix(mt, "json") {
		files, err := parseSimpleJSON(b)
		if err != nil {
			return nil, nil, &permanentError{fmt.Errorf("GET %s: %w", redactURL(u), err)}
		}
		return files, nil, nil
	}
	return parseSimpleHTML(b), nil, nil
}

// simpleJSON is the part of a PEP 691 project page the check needs.
type simpleJSON struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Files []struct {
		Filename string            `json:"filename"`
		Hashes   map[string]string `json:"hashes"`
	} `json:"files"`
}

func parseSimpleJSON(b []byte) ([]RemoteFile, error) {
	var p simpleJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("failed to decode simple API JSON: %w", err)
	}
	if major, _, _ := strings.Cut(p.Meta.APIVersion, "."); major != "1" {
		return nil, fmt.Errorf("failed to decode simple API JSON: unsupported api-version %q", p.Meta.APIVersion)
	}
	out := make([]RemoteFile, 0, len(p.Files))
	for _, f := range p.Files {
		out = append(out, RemoteFile{Filename: f.Filename, SHA256: strings.ToLower(f.Hashes["sha256"])})
	}
	return out, nil
}

var anchorRe = regexp.MustCompile(`(?is)<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)

// parseSimpleHTML reads a PEP 503 page: one anchor per file, the file name
// as its text and "#sha256=<hex>" in its URL.
func parseSimpleHTML(b []byte) []RemoteFile {
	var out []RemoteFile
	for _, m := range anchorRe.FindAllSubmatch(b, -1) {
		href := html.UnescapeString(string(m[1]))
		name := strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(string(m[2]), "")))
		if name == "" {
			continue
		}
		var sha string
		if _, frag, ok := strings.Cut(href, "#"); ok {
			if algo, hex, ok := strings.Cut(frag, "="); ok && strings.EqualFold(algo, "sha256") {
				sha = strings.ToLower(hex)
			}
		}
		out = append(out, RemoteFile{Filename: name, SHA256: sha})
	}
	return out
}

// Compile-time interface checks.
var (
	_ error         = (*Error)(nil)
	_ error         = (*ExistsError)(nil)
	_ error         = (*permanentError)(nil)
	_ io.ReadCloser = (*progressReader)(nil)
	_ io.ReadCloser = (*bodyReader)(nil)
	_ io.Reader     = (*exactReader)(nil)
)
