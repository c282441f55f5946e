package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// simpleAccept prefers the PEP 691 JSON form and takes PEP 503 HTML from
// indexes that have nothing else (older devpi, pypiserver).
const simpleAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"

const maxRedirects = 5

// ErrIndexUnavailable matches the error of Files on an Index whose root
// came from the upload URL's form (WithDiscovery) and did not answer the
// first look-up: the index has no usable simple API there, and the batch
// goes on without the existing-file check.
var ErrIndexUnavailable = errors.New("no simple API found")

// Index reads what a package index already holds, through its simple API
// (PEP 503/691), for the existing-file check (see Publish). It is
// safe for concurrent use.
type Index struct {
	root *url.URL
	o    *options
	hc   *http.Client

	mu     sync.Mutex
	probed bool  // the first look-up is done (WithDiscovery)
	broken error // why the discovered root is unusable, once known
}

// RemoteFile is one file an index lists for a project.
type RemoteFile struct {
	Filename string
	// SHA256 is the lower-case hex digest the index lists; "" when it lists
	// none.
	SHA256 string
	// Size is the file's size in bytes as the index lists it (PEP 700,
	// JSON pages only); -1 when it lists none.
	Size int64
	// Yanked reports that the index marks the file yanked (PEP 592): pip
	// then skips it unless a requirement pins its version exactly.
	// YankedReason is the reason the index gives, at most MaxYankedReason
	// bytes ("" for none); it is the index's text, not ours.
	Yanked       bool
	YankedReason string
}

// MaxYankedReason bounds the yank reason kept from an index's answer; a
// longer one is cut.
const MaxYankedReason = 200

// NewIndex returns an Index for a simple API root such as
// "https://pypi.org/simple/". Options as for New;
// WithRequestTimeout bounds each request (default 30 s), WithRetry
// applies to transport errors, 429 and 5xx, and WithDiscovery marks a root
// derived from the upload URL. Credentials (WithCredentials) are sent only
// to the root's scheme, host and port, never after a redirect to another
// host. It never panics.
func NewIndex(simpleRootURL string, opts ...Option) (*Index, error) {
	u, err := parseRootURL(simpleRootURL)
	if err != nil {
		return nil, fmt.Errorf("failed to parse index URL: %w", err)
	}
	o, err := makeOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("failed to configure index client: %w", err)
	}
	return &Index{root: u, o: o, hc: withoutRedirects(o.httpClient)}, nil
}

// URL returns the simple API root without user information.
func (i *Index) URL() string { return redactURL(i.root) }

// Usable reports whether the root may be relied on: a configured root
// always; a discovered one once its probe answered like a simple API.
func (i *Index) Usable() bool {
	if !i.o.discovery {
		return true
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.probed && i.broken == nil
}

// Files returns the files the index lists for project (any spelling; it is
// normalized per PEP 503) whose names keep accepts (nil keeps every one),
// at most MaxIndexFiles. The page is read as a stream of at most
// MaxSimplePage bytes, keeping only those entries, so memory does not grow
// with the page. A 404, or a redirect to another host (pypiserver sends
// unknown projects to pypi.org), means the index does not have the
// project: Files then returns no files and no error. Transport errors, 429
// and 5xx are retried; cancelling ctx stops at once.
//
// With WithDiscovery the first call is a probe: one attempt, no retries.
// If it fails, that call and every later one return an error matching
// ErrIndexUnavailable without asking the index again.
func (i *Index) Files(ctx context.Context, project string, keep func(filename string) bool) ([]RemoteFile, error) {
	name := dist.NormalizeName(project)
	if name == "" || strings.Trim(name, "-") == "" {
		return nil, fmt.Errorf("failed to query index: invalid project name %q", project)
	}
	probe, err := i.startProbe()
	if err != nil {
		return nil, err
	}
	u := i.root.ResolveReference(&url.URL{Path: name + "/"})
	backoff := i.o.backoff
	if probe {
		backoff.Attempts = 1
	}
	var files []RemoteFile
	err = retry.Do(ctx, backoff, retryable, func(ctx context.Context, _ int) error {
		var err error
		files, err = i.get(ctx, u, keep, probe)
		return err
	}, i.o.retryOptions(func(r retry.Retry) {
		i.o.logf("index query for %s failed (attempt %d of %d): %v; retrying in %v", project, r.Attempt, r.Attempts, r.Err, r.Wait)
	})...)
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if probe {
		i.endProbe(err)
		if err != nil && ctx.Err() == nil {
			return nil, i.broken
		}
	}
	if err != nil {
		return nil, fmt.Errorf("failed to query index for %s: %w", project, err)
	}
	return files, nil
}

// startProbe reports whether this call is the probe of a discovered root,
// or returns the error that made the root unusable.
func (i *Index) startProbe() (bool, error) {
	if !i.o.discovery {
		return false, nil
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.broken != nil {
		return false, i.broken
	}
	probe := !i.probed
	i.probed = true
	return probe, nil
}

// endProbe records the probe's outcome.
func (i *Index) endProbe(err error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		i.probed = false // not an answer: ask again next time
	default:
		i.broken = &unavailableError{url: i.URL(), err: err}
	}
}

// unavailableError is a discovered root that did not answer its probe.
type unavailableError struct {
	url string
	err error
}

func (e *unavailableError) Error() string {
	return fmt.Sprintf("no simple API at %s (%v)", e.url, e.err)
}
func (e *unavailableError) Unwrap() error        { return e.err }
func (e *unavailableError) Is(target error) bool { return target == ErrIndexUnavailable }

// serverMarks reports whether a 404 to the probe of a discovered root
// comes from the server the upload URL's form names, for the forms that
// other servers share (the root for pypiserver, two path segments for
// devpi): devpi marks every answer with X-Devpi-Server-Version, pypiserver
// says "Not Found (<name> does not exist)". Forms specific to one server
// need no marks.
func (i *Index) serverMarks(f *fetched) bool {
	switch i.o.server {
	case "devpi":
		return f.header.Get("X-Devpi-Server-Version") != ""
	case "pypiserver":
		return strings.Contains(string(f.body), "does not exist)")
	}
	return true
}

// errNotFound is a 404 from the simple API, or a redirect to another host.
var errNotFound = errors.New("not found")

func (i *Index) get(ctx context.Context, u *url.URL, keep func(string) bool, probe bool) ([]RemoteFile, error) {
	if i.o.requestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, i.o.requestTimeout)
		defer cancel()
	}
	for hops := 0; ; hops++ {
		files, next, err := i.getOnce(ctx, u, keep, probe)
		if errors.Is(err, errNotFound) {
			return nil, nil
		}
		if err != nil || next == nil {
			return files, err
		}
		// Follow same-origin redirects only (e.g. Warehouse's 301 to the
		// normalized name), a few times. Another host is a different index
		// (pypiserver and GitLab send projects they lack to pypi.org): the
		// project is not on this one, and the credentials stay here.
		if !sameHost(i.root, next) {
			i.o.logf("index query %s: redirected to %s, another host; not followed, so the project counts as not on this index", redactURL(u), redactURL(next))
			return nil, nil
		}
		if hops >= maxRedirects {
			return nil, &permanentError{fmt.Errorf("GET %s: more than %d redirects", redactURL(u), maxRedirects)}
		}
		u = next
	}
}

func (i *Index) getOnce(ctx context.Context, u *url.URL, keep func(string) bool, probe bool) ([]RemoteFile, *url.URL, error) {
	var files []RemoteFile
	f, next, err := getPage(ctx, i.hc, i.o, u, pageGet{accept: simpleAccept, auth: i.root, notFoundBody: probe, limit: MaxSimplePage,
		decode: func(mt string, body io.Reader) (err error) {
			files, _, err = decodeSimple(mt, body, keep)
			return err
		}})
	switch {
	case err != nil || next != nil:
		return nil, next, err
	case f.status == http.StatusNotFound:
		if probe && !i.serverMarks(f) {
			return nil, nil, &permanentError{fmt.Errorf("GET %s: 404 without %s's marks: not its simple API", redactURL(u), i.o.server)}
		}
		return nil, nil, errNotFound
	}
	return files, nil, nil
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
