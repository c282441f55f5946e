package attest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// Option configures a Signer.
type Option func(*options)

type options struct {
	fulcioURL  string
	rekorURL   string
	config     *SigningConfig
	idToken    func(ctx context.Context, audience string) (string, error)
	httpClient *http.Client
	root       *TrustedRoot
	clock      func() time.Time
	logf       func(format string, args ...any)
	mask       func(secret string)
	backoff    retry.Backoff
	margin     time.Duration
	// requestTimeout bounds each request, retries apart.
	requestTimeout time.Duration
}

// WithFulcioURL sets Fulcio's base URL, overriding the signing config.
// The default is the signing config's choice (SigningConfig.FulcioURL;
// https://fulcio.sigstore.dev in Sigstore's).
func WithFulcioURL(u string) Option { return func(o *options) { o.fulcioURL = u } }

// WithRekorURL sets Rekor's base URL, overriding the signing config. The
// default is the signing config's choice (SigningConfig.RekorURL;
// https://rekor.sigstore.dev in Sigstore's).
func WithRekorURL(u string) Option { return func(o *options) { o.rekorURL = u } }

// WithSigningConfig sets the signing config that chooses the Fulcio and
// Rekor URLs at the signer's clock's time when NewSigner runs. The default
// is the embedded one, EmbeddedTrust().SigningConfig.
func WithSigningConfig(c *SigningConfig) Option { return func(o *options) { o.config = c } }

// WithTrust sets both the trusted root and the signing config from t
// (nil fields keep their defaults).
func WithTrust(t *Trust) Option {
	return func(o *options) {
		if t != nil {
			o.root, o.config = t.Root, t.SigningConfig
		}
	}
}

// WithIDToken sets the function that returns an OIDC ID token (GitHub,
// GitLab, Google) for an audience; the signer asks for "sigstore".
// Required, no default.
func WithIDToken(f func(ctx context.Context, audience string) (string, error)) Option {
	return func(o *options) { o.idToken = f }
}

// WithHTTPClient sets the HTTP client. The default has a 10 s connect
// timeout. Whatever the client, each request gets at most 30 s.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithTrustedRoot sets the root the signer checks its certificate's SCT
// and each log entry against before returning. The default is
// ProductionRoot().
func WithTrustedRoot(r *TrustedRoot) Option { return func(o *options) { o.root = r } }

// WithClock sets the clock used to decide when to renew the certificate.
// The default is time.Now.
func WithClock(f func() time.Time) Option { return func(o *options) { o.clock = f } }

// WithLogf sets the debug logger (AT-10 and retries). The default discards.
func WithLogf(f func(format string, args ...any)) Option { return func(o *options) { o.logf = f } }

// WithMask sets the function every secret (the OIDC token) is passed to the
// moment it exists. The default does nothing.
func WithMask(f func(secret string)) Option { return func(o *options) { o.mask = f } }

// WithRetry sets the retry policy of Fulcio and Rekor requests (transport
// errors, 429 and 5xx are retried). The default is retry.Default: 4
// attempts, waiting about 2 s, 4 s, 8 s, never more than 30 s.
func WithRetry(b retry.Backoff) Option { return func(o *options) { o.backoff = b } }

func makeOptions(opts []Option) (*options, error) {
	o := &options{
		clock:   time.Now,
		logf:    func(string, ...any) {},
		mask:    func(string) {},
		backoff: retry.Default,
		margin:  2 * time.Minute,

		requestTimeout: 30 * time.Second,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if o.idToken == nil {
		return nil, errors.New("failed to create signer: WithIDToken is required")
	}
	if o.root == nil {
		o.root = ProductionRoot()
	}
	if err := o.chooseServices(); err != nil {
		return nil, err
	}
	if o.httpClient == nil {
		o.httpClient = defaultHTTPClient()
	}
	if err := o.backoff.Validate(); err != nil {
		return nil, fmt.Errorf("failed to create signer: %w", err)
	}
	return o, nil
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// A 10 s connect timeout; the total is the client's.
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 30 * time.Second
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// chooseServices fills the Fulcio and Rekor URLs not set by an option from
// the signing config.
func (o *options) chooseServices() error {
	if o.config == nil {
		o.config = EmbeddedTrust().SigningConfig
	}
	now := o.clock()
	if o.fulcioURL == "" {
		u, err := o.config.FulcioURL(now)
		if err != nil {
			return &Error{ID: "AT-07", Message: "failed to choose a certificate authority", Hint: hintAT07, Err: err}
		}
		o.fulcioURL = u
	}
	if o.rekorURL == "" {
		u, err := o.config.RekorURL(now)
		if err != nil {
			return &Error{ID: "AT-08", Message: "failed to choose a transparency log", Hint: hintAT08, Err: err}
		}
		o.rekorURL = u
	}
	return nil
}
