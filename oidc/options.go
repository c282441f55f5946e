package oidc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// Option configures an [Exchanger]. A nil Option is ignored.
type Option func(*options)

type options struct {
	client    *http.Client
	source    TokenSource
	logf      func(format string, args ...any)
	warnf     func(format string, args ...any)
	mask      func(secret string)
	now       func() time.Time
	backoff   retry.Backoff
	userAgent string
	projects  []string
	indexName string // WithIndex
	webBase   string // WithIndex
	plainHTTP bool   // WithPlainHTTP
	// requestTimeout bounds each request, body included (WithRequestTimeout).
	requestTimeout time.Duration
	// timeout bounds one Mint, retries included (WithTimeout).
	timeout time.Duration
	// scrub removes secrets from server text before it is cut (WithScrub).
	scrub func(string) string
}

// Default deadlines of trusted publishing.
const (
	// DefaultRequestTimeout bounds each request of an Exchanger (audience,
	// GitHub token, mint, burn): connection, headers and body.
	DefaultRequestTimeout = 20 * time.Second
	// DefaultTimeout bounds one [Exchanger.Mint] in total: the audience,
	// every GitHub token and mint attempt, and the waits between them.
	DefaultTimeout = 2 * time.Minute
)

// WithRequestTimeout bounds each request (audience, GitHub token, mint,
// burn) from the connection to the last byte of the answer, whatever the
// HTTP client's own timeouts. The default is DefaultRequestTimeout (20 s);
// d <= 0 keeps it.
func WithRequestTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.requestTimeout = d
		}
	}
}

// WithTimeout bounds one Mint in total, retries and waits included: when
// it runs out, Mint returns a TP-08 (or TP-09, when GitHub's token service
// was the one not answering) *Error that says so. The default is
// DefaultTimeout (2 min); d <= 0 keeps it.
func WithTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// WithScrub sets a function that removes secrets from any text a server
// sent (an error body, a reason phrase, an error of the IDToken function)
// before the text is cut short for a message; main passes the run's
// scrubber (internal/secret), which knows every secret of the run. The
// current GitHub token is always removed as well. The default removes
// only that token.
func WithScrub(f func(string) string) Option {
	return func(o *options) { o.scrub = f }
}

// WithHTTPClient sets the client for the audience, mint and burn requests.
// The default is a client with a 30 s total timeout on a clone of
// http.DefaultTransport with 10 s connect and TLS-handshake timeouts. A nil
// client keeps the default. Whatever the client, each request is bounded
// by WithRequestTimeout and each Mint by WithTimeout.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) {
		if c != nil {
			o.client = c
		}
	}
}

// WithIDToken sets the function that fetches a GitHub Actions OIDC token
// (a JWT) for an audience: a [TokenSource] for GitHub Actions. It is
// called once per exchange attempt, because each JWT is single-use. Its
// errors become TP-09. [WithIDToken] or [WithTokenSource] is required:
// [New] fails without one; the last given wins.
func WithIDToken(f func(ctx context.Context, audience string) (string, error)) Option {
	return func(o *options) {
		if f != nil {
			o.source = funcSource(f)
		}
	}
}

// WithTokenSource sets where ID tokens come from ([Detect] picks one per
// platform). A source that is not [TokenSource.Fresh] (GitLab) is asked
// once per attempt too, but returns the same token: Mint then does not
// retry invalid-reuse-token, and [Source] cannot renew the minted token
// (TP-20).
func WithTokenSource(s TokenSource) Option {
	return func(o *options) {
		if s != nil {
			o.source = s
		}
	}
}

// WithLogf sets the destination of progress and debug lines (retries, the
// minted token's expiry, re-mints). The default discards them. No line ever
// contains a secret.
func WithLogf(f func(format string, args ...any)) Option {
	return func(o *options) { o.logf = f }
}

// WithWarnf sets the destination of non-fatal warnings, currently the
// reusable-workflow warning (TP-05), emitted once per [Exchanger] before the
// first mint. The default discards them; the caller can also call
// [ReusableWorkflow] on [Token.Claims].
func WithWarnf(f func(format string, args ...any)) Option {
	return func(o *options) { o.warnf = f }
}

// WithMask sets the function that registers a secret for masking (main
// prints "::add-mask::<secret>"). Mint calls it with every minted token
// before logging anything about it or returning. The default does nothing.
func WithMask(f func(secret string)) Option {
	return func(o *options) { o.mask = f }
}

// WithClock sets the clock used for token expiry. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithRetry sets the retry policy for the audience and mint requests. The
// default is retry.Default: 4 attempts, waiting about 2 s, 4 s, 8 s, never
// more than 30 s; tests pass waits of about 1 ms. A zero Backoff makes one
// attempt.
func WithRetry(b retry.Backoff) Option {
	return func(o *options) { o.backoff = b }
}

// WithUserAgent sets the User-Agent header. The default is "pypi-publish".
func WithUserAgent(ua string) Option {
	return func(o *options) { o.userAgent = ua }
}

// WithProjects names the normalized (PEP 503) project names being
// published. When set, a refused mint's Details link each project's
// trusted-publisher settings page on PyPI/TestPyPI, pre-filled with the
// values of this run. The default is none.
func WithProjects(names ...string) Option {
	return func(o *options) { o.projects = append([]string(nil), names...) }
}

func makeOptions(opts []Option) (*options, error) {
	o := &options{
		logf:           func(string, ...any) {},
		warnf:          func(string, ...any) {},
		mask:           func(string) {},
		now:            time.Now,
		backoff:        retry.Default,
		userAgent:      "pypi-publish",
		requestTimeout: DefaultRequestTimeout,
		timeout:        DefaultTimeout,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if o.source == nil {
		return nil, errors.New("failed to create exchanger: WithIDToken or WithTokenSource is required")
	}
	if o.logf == nil {
		o.logf = func(string, ...any) {}
	}
	if o.warnf == nil {
		o.warnf = func(string, ...any) {}
	}
	if o.mask == nil {
		o.mask = func(string) {}
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.scrub == nil {
		o.scrub = func(s string) string { return s }
	}
	if err := o.backoff.Validate(); err != nil {
		return nil, fmt.Errorf("failed to create exchanger: %w", err)
	}
	if o.client == nil {
		o.client = defaultClient()
	}
	return o, nil
}

// defaultClient builds the client described in WithHTTPClient.
func defaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Bound connection set-up so a blackholed host fails in seconds, not
	// minutes (upstream issue #181: silent hangs).
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 30 * time.Second
	return &http.Client{
		Transport: t,
		// The OIDC requests are small: a short total timeout is safe.
		Timeout: 30 * time.Second,
		// Never follow redirects: the JWT must only go to the index host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// noRedirects returns a copy of c that never follows a redirect: tokens
// and the credentials that fetch them go only where they were sent.
func noRedirects(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}
