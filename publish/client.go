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
	"sync"
	"sync/atomic"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// acceptHeader asks for Warehouse's JSON error bodies, whose "code" carries
// the message even over HTTP/2, where there is no reason phrase.
const acceptHeader = "application/json;q=0.9, text/plain;q=0.8"

// Causes of an attempt abandoned by one of its timers (see watch).
var (
	errIdle        = errors.New("no upload progress within the idle timeout")
	errSendTooSlow = errors.New("sending the file took longer than the idle timeout plus its size at the minimum rate")
	errAnswer      = errors.New("no complete answer from the index")
)

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
	// error after the body was sent, no answer in time, or 5xx) and the
	// index then showed the file with the local SHA-256: it was probably
	// uploaded by that attempt, and was not sent again.
	Confirmed bool
	// Probable reports that, after such an attempt, the retry was
	// answered "already exists" and no simple API could confirm the
	// bytes by hash: probably uploaded by the previous attempt, not
	// confirmed.
	Probable bool
	// Message is the text of the success answer, if any (Warehouse sends
	// none): a reason phrase other than the standard one, else the body.
	Message string
	// Identical reports that the answer said the index already had this
	// file, byte for byte, and kept it (devpi's "200 Upload of identical
	// file to non volatile index."; docs/indexes.md).
	Identical bool
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

// parseRootURL is parseHTTPURL for the root of an API: the path ends in
// "/", so that paths below it resolve against it.
func parseRootURL(s string) (*url.URL, error) {
	u, err := parseHTTPURL(s)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
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
	u := &uploadRun{c: c, d: d, b: b, h: h, res: &Result{Filename: d.Filename}}
	err = retry.Do(ctx, c.o.backoff, retryable, u.try, c.o.retryOptions(func(r retry.Retry) {
		c.o.logf("%s: attempt %d of %d failed: %v; retrying in %v", d.Filename, r.Attempt, r.Attempts, r.Err, r.Wait.Round(time.Millisecond))
		if h.event != nil {
			h.event(Event{Kind: EventRetry, File: d.Filename, Attempt: r.Attempt + 1, Attempts: r.Attempts, Err: r.Err,
				Message: fmt.Sprintf("attempt %d of %d failed; retrying in %v", r.Attempt, r.Attempts, r.Wait.Round(time.Millisecond))})
		}
	})...)
	switch {
	case u.final != nil:
		return nil, u.final
	case err == nil:
		return u.res, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, ctx.Err())
	case errors.Is(err, errContentChanged) || errors.Is(err, errSizeChanged):
		// Say it plainly: the transport's wrapping hides the cause.
		return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, changedError{errors.Is(err, errContentChanged)})
	case retryable(err) && c.o.backoff.MaxAttempts() > 1:
		err = fmt.Errorf("gave up after %d attempts: %w", u.n, err)
	}
	return nil, fmt.Errorf("failed to upload %s: %w", d.Filename, err)
}

// retryOptions are the options of every retry.Do of publish: the
// server's Retry-After, the test hooks, and onRetry.
func (o *options) retryOptions(onRetry func(retry.Retry)) []retry.Option {
	return []retry.Option{
		retry.RetryAfter(retryAfter),
		retry.OnRetry(onRetry),
		retry.WithSleep(o.sleep),
		retry.WithJitter(o.jitter),
	}
}

// retryable reports whether a failed request is worth sending again:
// 429, 500/502/503/504 and transport errors, not local failures.
func retryable(err error) bool {
	var he *Error
	if errors.As(err, &he) {
		return he.Temporary()
	}
	return isTransport(err)
}

// retryAfter is the wait an *Error's Retry-After asks for, or 0.
func retryAfter(err error) time.Duration {
	var he *Error
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return 0
}

// uploadRun is the state of one file's upload across its attempts.
type uploadRun struct {
	c   *Client
	d   *dist.Distribution
	b   *body
	h   hooks
	res *Result
	// n is the number of the last attempt (token refreshes not counted).
	n int
	// unknown reports that the last attempt's outcome is unknown: the body
	// was sent but no answer came, or the index answered 5xx.
	unknown bool
	// final is an error that ends the upload as it is, not wrapped again.
	final error
}

// try is one attempt of retry.Do. Before a retry whose previous outcome
// is unknown it asks the index whether the file arrived (hooks.recheck);
// a "token is expired" answer refreshes the credentials once and sends the
// file again within the same attempt (a refresh is not a retry).
func (u *uploadRun) try(ctx context.Context, n int) error {
	u.n = n
	if n > 1 && u.unknown && u.h.recheck != nil {
		present, err := u.h.recheck(ctx)
		if err != nil {
			u.final = err
			return err
		}
		if present {
			u.res.Confirmed = true
			u.res.StatusCode = 0
			return nil
		}
	}
	lost := n > 1 && u.unknown
	err := u.post(ctx)
	if lost && errors.Is(err, ErrFileExists) {
		// The previous attempt's answer was lost, and now the index has
		// the file: most likely that attempt stored it (Publish confirms
		// by hash where it can).
		u.final = &lostAnswerError{file: u.d.Filename, err: err}
		return u.final
	}
	if err == nil || ctx.Err() != nil || !errors.Is(err, ErrTokenExpired) || u.res.Refreshed {
		return err
	}
	r, ok := u.c.o.creds.(Refresher)
	if !ok {
		return err
	}
	u.res.Refreshed = true
	u.c.o.logf("%s: the token expired; refreshing it and uploading again", u.d.Filename)
	if rerr := r.Refresh(ctx); rerr != nil {
		u.final = fmt.Errorf("failed to upload %s: %w", u.d.Filename, errors.Join(err, fmt.Errorf("failed to refresh credentials: %w", rerr)))
		return u.final
	}
	return u.post(ctx)
}

// post makes one POST and records its result.
func (u *uploadRun) post(ctx context.Context) error {
	u.res.Attempts++
	status, msg, sent, err := u.c.attempt(ctx, u.b)
	if err == nil {
		u.res.StatusCode, u.res.Message = status, msg
		if a := matchAnswer(status, msg, "", u.c.o.server, u.c.pypi); a != nil && a.meaning == meansIdentical {
			u.res.Identical = true
		}
		return nil
	}
	var he *Error
	if errors.As(err, &he) {
		u.unknown = he.StatusCode >= 500
	} else {
		u.unknown = sent
	}
	return err
}

// isTransport reports whether err is a network-level failure worth
// retrying; local failures (the file, the credentials) are not.
func isTransport(err error) bool {
	var le *permanentError
	return !errors.As(err, &le)
}

// lostAnswerError is an "already exists" answer to a retry after an
// attempt whose outcome was unknown (no answer, or 5xx after the file was
// sent): the file was probably stored by that attempt. It matches what the
// answer matches (ErrFileExists).
type lostAnswerError struct {
	file string
	err  error
}

func (e *lostAnswerError) Error() string {
	return fmt.Sprintf("failed to upload %s: the index says the file exists, probably uploaded by the previous attempt, whose answer was lost: %v", e.file, e.err)
}

func (e *lostAnswerError) Unwrap() error { return e.err }

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
	w := c.newWatch(b.Len(), cancel)
	defer w.stop()
	wrap := func(rc io.ReadCloser) io.ReadCloser { return &progressReader{rc: rc, w: w} }
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
		return 0, "", w.sent.Load(), diagnose(ctx, c.url, w.explain(ctx, reqCtx, err))
	}
	// The answer timer (started when the body was sent) also bounds
	// reading the answer.
	defer resp.Body.Close()
	if err := checkResponse(resp, http.MethodPost, c.url, c.o.server, c.pypi); err != nil {
		if cause := context.Cause(reqCtx); ctx.Err() == nil && errors.Is(cause, errAnswer) {
			return 0, "", true, w.explain(ctx, reqCtx, cause)
		}
		return resp.StatusCode, "", true, err
	}
	text, _ := readLimited(resp.Body, maxExcerpt)
	if cause := context.Cause(reqCtx); ctx.Err() == nil && errors.Is(cause, errAnswer) {
		return 0, "", true, w.explain(ctx, reqCtx, cause)
	}
	msg = strings.TrimSpace(string(text))
	if r := reasonPhrase(resp); r != "" && r != http.StatusText(resp.StatusCode) {
		msg = r // devpi says what happened in the reason phrase
	}
	return resp.StatusCode, msg, true, nil
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

// watch bounds one upload attempt in two phases. While the body is sent,
// the idle timer fires when the connection takes no bytes for the idle
// timeout, and the send limit when sending takes longer than the idle
// timeout plus the size at the minimum rate (a server that reads a byte
// now and then). Once the whole body is sent both stop (the index is now
// processing the file; an idle timer still running would abandon and
// resend a file the index may be storing) and the answer timer starts: the
// status line and the answer's body must arrive within the answer timeout.
type watch struct {
	idle, limit, answer *time.Timer
	idleD, answerD      time.Duration
	sent                atomic.Bool
	once                sync.Once
	cancel              context.CancelCauseFunc
}

// newWatch starts the send-phase timers of an attempt that sends size
// bytes; cancel ends the attempt with the timer's cause.
func (c *Client) newWatch(size int64, cancel context.CancelCauseFunc) *watch {
	w := &watch{idleD: c.o.idleTimeout, answerD: c.o.answerTimeout, cancel: cancel}
	if w.idleD > 0 {
		w.idle = time.AfterFunc(w.idleD, func() { cancel(errIdle) })
		if c.o.minRate > 0 {
			limit := w.idleD + time.Duration(float64(size)/float64(c.o.minRate)*float64(time.Second))
			w.limit = time.AfterFunc(limit, func() { cancel(errSendTooSlow) })
		}
	}
	return w
}

// progress pushes the idle deadline back.
func (w *watch) progress() {
	if w.idle != nil && !w.sent.Load() {
		w.idle.Reset(w.idleD)
	}
}

// bodySent ends the send phase and starts the answer timer, once.
func (w *watch) bodySent() {
	w.once.Do(func() {
		w.sent.Store(true)
		if w.idle != nil {
			w.idle.Stop()
		}
		if w.limit != nil {
			w.limit.Stop()
		}
		if w.answerD > 0 {
			w.answer = time.AfterFunc(w.answerD, func() { w.cancel(errAnswer) })
		}
	})
}

// stop stops every timer.
func (w *watch) stop() {
	w.once.Do(func() {}) // no answer timer after this
	for _, t := range []*time.Timer{w.idle, w.limit, w.answer} {
		if t != nil {
			t.Stop()
		}
	}
}

// explain turns a failed attempt's error into what the log should say: a
// timer's cause with its limit, or a permanent failure (the file changed,
// an untrusted certificate) that retrying cannot fix.
func (w *watch) explain(ctx, reqCtx context.Context, err error) error {
	if ctx.Err() == nil {
		switch cause := context.Cause(reqCtx); {
		case errors.Is(cause, errIdle):
			err = fmt.Errorf("%w (%v)", errIdle, w.idleD)
		case errors.Is(cause, errSendTooSlow):
			err = fmt.Errorf("%w", errSendTooSlow)
		case errors.Is(cause, errAnswer):
			err = fmt.Errorf("%w (%v after the file was sent)", errAnswer, w.answerD)
		}
	}
	var le *permanentError
	if (errors.Is(err, errSizeChanged) || errors.Is(err, errContentChanged)) && !errors.As(err, &le) {
		err = &permanentError{err}
	}
	return err
}

// progressReader reports the body's progress to the attempt's watch: every
// read pushes the idle deadline back, the end of the body starts the
// answer timer.
type progressReader struct {
	rc io.ReadCloser
	w  *watch
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.rc.Read(b)
	if n > 0 {
		p.w.progress()
	}
	if err == io.EOF {
		p.w.bodySent()
	}
	return n, err
}

func (p *progressReader) Close() error { return p.rc.Close() }
