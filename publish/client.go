package publish

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
)

// acceptHeader asks for Warehouse's JSON error bodies, whose "code" carries
// the message even over HTTP/2, where there is no reason phrase.
const acceptHeader = "application/json;q=0.9, text/plain;q=0.8"

// errIdle is the cause of an upload abandoned by the idle timeout.
var errIdle = errors.New("no upload progress within the idle timeout")

// Client uploads distributions to one repository URL. It is safe for
// concurrent use.
type Client struct {
	url  *url.URL
	raw  string
	pypi bool
	o    *options
	hc   *http.Client
}

// Result describes a successful upload of one file.
type Result struct {
	Filename string
	// StatusCode is the final answer's status (200 on PyPI, also for an
	// identical re-upload); 0 when Confirmed.
	StatusCode int
	// Attempts is the number of POSTs made, token refreshes included.
	Attempts int
	// Refreshed reports that the credentials were refreshed after a
	// "token is expired" answer (UP-09).
	Refreshed bool
	// Confirmed reports that an attempt's outcome was unknown (transport
	// error after the body was sent, or 5xx) and the index then showed the
	// file with the local SHA-256, so it was not sent again.
	Confirmed bool
	// Message is the text of the success answer, if any (Warehouse sends
	// none).
	Message string
}

// New returns a Client for the legacy upload URL repoURL, e.g.
// "https://upload.pypi.org/legacy/". The URL must be absolute http or https
// with a host; it is used as given (main adds the trailing slash of IN-05).
// Options are applied in order; nil options are skipped. It never panics.
func New(repoURL string, opts ...Option) (*Client, error) {
	u, err := parseHTTPURL(repoURL)
	if err != nil {
		return nil, fmt.Errorf("failed to parse repository URL: %w", err)
	}
	o, err := makeOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("failed to configure upload client: %w", err)
	}
	return &Client{url: u, raw: u.String(), pypi: o.pypi, o: o, hc: withoutRedirects(o.httpClient)}, nil
}

// URL returns the repository URL without user information.
func (c *Client) URL() string { return redactURL(c.url) }

func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: scheme must be http or https", redactURL(u))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", redactURL(u))
	}
	return u, nil
}

// hooks let Publish observe and steer the retries of one file.
type hooks struct {
	// event receives "retry" events.
	event func(Event)
	// recheck is called before retrying an attempt whose outcome is
	// unknown. present means the index holds the file with the local
	// SHA-256; a non-nil err (an *ExistsError) ends the upload with it.
	recheck func(ctx context.Context) (present bool, err error)
}

// Upload sends one distribution. d.Path is opened (and re-opened for each
// retry); d.Size and d.Digests must describe it (dist.Read computes them).
//
// Transport errors, 429 and 500/502/503/504 are retried with the client's
// Backoff, the whole file each time; a "token is expired" answer refreshes
// the credentials once (when they implement Refresher) and retries. Other
// answers return an *Error at once. Cancelling ctx stops the upload and any
// wait at once and returns an error wrapping ctx.Err(). Errors name the file;
// they never contain credentials.
func (c *Client) Upload(ctx context.Context, d *dist.Distribution, o UploadOptions) (*Result, error) {
	return c.upload(ctx, d, o, hooks{})
}

func (c *Client) upload(ctx context.Context, d *dist.Distribution, o UploadOptions, h hooks) (*Result, error) {
	if d == nil {
		return nil, errors.New("failed to upload: no distribution")
	}
	b, err := newBody(Fields(d, o), d.Filename, d.Path, d.Size, newBoundary())
	if b != nil {
		b.modTime = d.ModTime
	}
	if err != nil {
		return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, err)
	}
	max := c.o.backoff.attempts()
	res := &Result{Filename: d.Filename}
	for n := 1; ; n++ {
		res.Attempts++
		status, msg, sent, err := c.attempt(ctx, b)
		if err == nil {
			res.StatusCode, res.Message = status, msg
			return res, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, ctx.Err())
		}
		if errors.Is(err, ErrTokenExpired) && !res.Refreshed {
			if r, ok := c.o.creds.(Refresher); ok {
				res.Refreshed = true
				c.o.logf("%s: the token expired; refreshing it and uploading again", d.Filename)
				if rerr := r.Refresh(ctx); rerr != nil {
					return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, errors.Join(err, fmt.Errorf("failed to refresh credentials: %w", rerr)))
				}
				n-- // a refresh is not a retry
				continue
			}
		}
		var he *Error
		isHTTP := errors.As(err, &he)
		retryable := (isHTTP && he.Temporary()) || (!isHTTP && isTransport(err))
		if errors.Is(err, errContentChanged) || errors.Is(err, errSizeChanged) {
			// Say it plainly: the transport's wrapping hides the cause.
			return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, changedError{errors.Is(err, errContentChanged)})
		}
		if !retryable || n >= max {
			if retryable && max > 1 {
				err = fmt.Errorf("gave up after %d attempts: %w", n, err)
			}
			return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, err)
		}
		wait := c.o.backoff.wait(n, c.o.jitter)
		if isHTTP && he.RetryAfter > 0 {
			wait = min(max2(wait, he.RetryAfter), c.o.backoff.Max)
		}
		c.o.logf("%s: attempt %d of %d failed: %v; retrying in %v", d.Filename, n, max, err, wait.Round(time.Millisecond))
		if h.event != nil {
			h.event(Event{Kind: EventRetry, File: d.Filename, Attempt: n + 1, Attempts: max, Err: err,
				Message: fmt.Sprintf("attempt %d of %d failed; retrying in %v", n, max, wait.Round(time.Millisecond))})
		}
		if serr := c.o.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, serr)
		}
		unknown := (isHTTP && he.StatusCode >= 500) || (!isHTTP && sent)
		if unknown && h.recheck != nil {
			present, cerr := h.recheck(ctx)
			if cerr != nil {
				return nil, cerr
			}
			if present {
				res.Confirmed = true
				res.StatusCode = 0
				return res, nil
			}
		}
	}
}

func max2(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// isTransport reports whether err is a network-level failure worth
// retrying; local failures (the file, the credentials) are not.
func isTransport(err error) bool {
	var le *permanentError
	return !errors.As(err, &le)
}

// changedError is a distribution that changed on disk after it was read.
type changedError struct{ content bool }

func (e changedError) Error() string {
	if e.content {
		return errContentChanged.Error() + "; the upload was aborted before it completed"
	}
	return errSizeChanged.Error() + "; the upload was aborted before it completed"
}

func (e changedError) Is(target error) bool {
	return (e.content && target == errContentChanged) || (!e.content && target == errSizeChanged)
}

// permanentError marks failures that retrying cannot fix: opening the file,
// a file that changed, the credentials, a certificate the system does not
// trust (uv does not retry those either).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// attempt makes one POST. sent reports that the whole body was handed to
// the connection.
func (c *Client) attempt(ctx context.Context, b *body) (status int, msg string, sent bool, err error) {
	var user, pass string
	if c.o.creds != nil {
		user, pass, err = c.o.creds.Credentials(ctx)
		if err != nil {
			return 0, "", false, &permanentError{fmt.Errorf("failed to get credentials: %w", err)}
		}
	}
	rc, err := b.open()
	if err != nil {
		return 0, "", false, &permanentError{err}
	}
	reqCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var idle *time.Timer
	if c.o.idleTimeout > 0 {
		idle = time.AfterFunc(c.o.idleTimeout, func() { cancel(errIdle) })
		defer idle.Stop()
	}
	var done atomic.Bool
	wrap := func(rc io.ReadCloser) io.ReadCloser {
		return &progressReader{rc: rc, idle: idle, d: c.o.idleTimeout, done: &done}
	}
	req, err := http.NewRequestWithContext(reqCtx, http.MethodPost, c.raw, wrap(rc))
	if err != nil {
		rc.Close()
		return 0, "", false, &permanentError{err}
	}
	req.ContentLength = b.Len()
	req.GetBody = func() (io.ReadCloser, error) {
		rc, err := b.open()
		if err != nil {
			return nil, err
		}
		return wrap(rc), nil
	}
	req.Header.Set("Content-Type", b.ContentType())
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("User-Agent", c.o.userAgent)
	if c.o.creds != nil && sameHost(c.url, req.URL) {
		req.SetBasicAuth(user, pass)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(context.Cause(reqCtx), errIdle) && ctx.Err() == nil {
			err = fmt.Errorf("%w (%v)", errIdle, c.o.idleTimeout)
		}
		var le *permanentError
		if (errors.Is(err, errSizeChanged) || errors.Is(err, errContentChanged) || isCertificateError(err)) && !errors.As(err, &le) {
			err = &permanentError{err}
		}
		return 0, "", done.Load(), err
	}
	// The idle timer keeps running while the (small) answer is read.
	defer resp.Body.Close()
	if err := checkResponse(resp, http.MethodPost, c.url, c.pypi); err != nil {
		return resp.StatusCode, "", true, err
	}
	text, _ := readLimited(resp.Body, maxExcerpt)
	return resp.StatusCode, strings.TrimSpace(string(text)), true, nil
}

// isCertificateError reports TLS certificate verification failures.
func isCertificateError(err error) bool {
	var (
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		hn x509.HostnameError
		ci x509.CertificateInvalidError
	)
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

// progressReader pushes the idle deadline back whenever the connection
// takes body bytes, and records when the body was read to its end.
type progressReader struct {
	rc   io.ReadCloser
	idle *time.Timer
	d    time.Duration
	done *atomic.Bool
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	if n > 0 && p.idle != nil {
		p.idle.Reset(p.d)
	}
	if err == io.EOF {
		p.done.Store(true)
	}
	return n, err
}

func (p *progressReader) Close() error { return p.rc.Close() }
