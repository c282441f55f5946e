package attest

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

// DefaultTUFURL is Sigstore's public-good TUF repository, which
// distributes the trusted root and the signing config.
const DefaultTUFURL = "https://tuf-repo-cdn.sigstore.dev"

// The TUF targets a signer needs, and their size bound (6.8 kB and 1 kB
// today).
const (
	trustedRootTarget   = "trusted_root.json"
	signingConfigTarget = "signing_config.v0.2.json"
	maxTrustTarget      = 1 << 20
)

// The Sigstore trust data embedded in the binary (sigstore/README.md says
// where it comes from; .ci/update-sigstore-trust.sh refreshes it): the TUF
// root the update starts from, the timestamp and snapshot metadata of the
// same day as rollback floors, and the two targets for when the update
// fails.
var (
	//go:embed sigstore/root.json
	embeddedTUFRoot []byte
	//go:embed sigstore/timestamp.json
	embeddedTimestamp []byte
	//go:embed sigstore/snapshot.json
	embeddedSnapshot []byte
	//go:embed sigstore/signing_config.v0.2.json
	embeddedSigningConfig []byte
	//go:embed sigstore/refreshed.txt
	embeddedDate string
)

// Trust is what signing and verifying need from Sigstore: the trusted root
// (keys) and the signing config (service URLs).
type Trust struct {
	Root          *TrustedRoot
	SigningConfig *SigningConfig
	// Fetched is true when Root and SigningConfig were fetched and
	// verified through TUF by FetchTrust, false for the embedded copies.
	Fetched bool
	// Date is when the data was taken from Sigstore's repository: the
	// update's time for fetched data, the release's refresh for embedded
	// data.
	Date time.Time
	// Versions are the TUF metadata versions of fetched data ("root",
	// "timestamp", "snapshot", "targets"); nil for embedded data.
	Versions map[string]int64
}

// EmbeddedTrust returns the trust data embedded in the binary. It is
// parsed once; the result must not be modified. It panics only if the
// embedded files are broken, which the tests rule out.
func EmbeddedTrust() *Trust {
	embOnce.Do(func() {
		var sc *SigningConfig
		var date time.Time
		sc, embErr = ParseSigningConfig(embeddedSigningConfig)
		if embErr == nil {
			date, embErr = time.Parse(time.RFC3339, strings.TrimSpace(embeddedDate))
		}
		emb = &Trust{Root: ProductionRoot(), SigningConfig: sc, Date: date}
	})
	if embErr != nil {
		panic(fmt.Sprintf("attest: embedded Sigstore trust data: %v", embErr))
	}
	return emb
}

var (
	embOnce sync.Once
	emb     *Trust
	embErr  error
)

// TrustOption configures FetchTrust and LoadTrust.
type TrustOption func(*trustOptions)

type trustOptions struct {
	url        string
	root       []byte
	httpClient *http.Client
	clock      func() time.Time
	logf       func(format string, args ...any)
	timeout    time.Duration
	userAgent  string
}

// WithTUFURL sets the TUF repository's base URL. The default is
// DefaultTUFURL.
func WithTUFURL(u string) TrustOption { return func(o *trustOptions) { o.url = u } }

// WithTUFRoot sets the TUF root.json the update starts from. The default
// is the embedded Sigstore root, with the embedded timestamp and snapshot
// metadata as rollback floors (a root given here gets none).
func WithTUFRoot(root []byte) TrustOption { return func(o *trustOptions) { o.root = root } }

// WithTUFHTTPClient sets the HTTP client. The default has 10 s connect and
// TLS handshake timeouts.
func WithTUFHTTPClient(c *http.Client) TrustOption { return func(o *trustOptions) { o.httpClient = c } }

// WithTUFClock sets the clock for metadata expiry and service validity.
// The default is time.Now.
func WithTUFClock(f func() time.Time) TrustOption { return func(o *trustOptions) { o.clock = f } }

// WithTUFLogf sets the debug logger. The default discards.
func WithTUFLogf(f func(format string, args ...any)) TrustOption {
	return func(o *trustOptions) { o.logf = f }
}

// WithTUFTimeout bounds the whole update; each download also gets at most
// 10 s. The default is 30 s.
func WithTUFTimeout(d time.Duration) TrustOption { return func(o *trustOptions) { o.timeout = d } }

// WithTUFUserAgent sets the User-Agent header. The default is Go's.
func WithTUFUserAgent(ua string) TrustOption { return func(o *trustOptions) { o.userAgent = ua } }

// FetchTrust updates Sigstore's TUF metadata from the repository (root
// rotations, timestamp, snapshot, targets; see package internal/tuf) and
// returns the trusted root and signing config it lists, both checked
// against the metadata and parsed. Cancelling ctx, or the timeout, stops
// it.
func FetchTrust(ctx context.Context, opts ...TrustOption) (*Trust, error) {
	o := trustOptions{url: DefaultTUFURL, clock: time.Now, logf: func(string, ...any) {}, timeout: 30 * time.Second}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	// A nil client or an empty User-Agent leaves tuf's default.
	topts := []tuf.Option{tuf.WithClock(o.clock), tuf.WithLogf(o.logf), tuf.WithHTTPClient(o.httpClient), tuf.WithUserAgent(o.userAgent)}
	root := o.root
	if root == nil {
		root = embeddedTUFRoot
		topts = append(topts, tuf.WithTrustedMetadata(embeddedTimestamp, embeddedSnapshot))
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	c, err := tuf.New(o.url, root, topts...)
	if err != nil {
		return nil, err
	}
	if err := c.Update(ctx); err != nil {
		return nil, fmt.Errorf("failed to update Sigstore's TUF metadata from %s: %w", o.url, err)
	}
	b, err := c.Target(ctx, trustedRootTarget, maxTrustTarget)
	if err != nil {
		return nil, fmt.Errorf("failed to get Sigstore's trusted root from %s: %w", o.url, err)
	}
	tr, err := ParseTrustedRoot(b)
	if err != nil {
		return nil, err
	}
	if b, err = c.Target(ctx, signingConfigTarget, maxTrustTarget); err != nil {
		return nil, fmt.Errorf("failed to get Sigstore's signing config from %s: %w", o.url, err)
	}
	sc, err := ParseSigningConfig(b)
	if err != nil {
		return nil, err
	}
	return &Trust{Root: tr, SigningConfig: sc, Fetched: true, Date: o.clock().UTC(), Versions: c.Versions()}, nil
}

// LoadTrust is FetchTrust falling back to EmbeddedTrust: the trust it
// returns is never nil, and a non-nil error says why the embedded data
// (of EmbeddedTrust().Date) is used instead; callers report it as a
// warning, not a failure.
func LoadTrust(ctx context.Context, opts ...TrustOption) (*Trust, error) {
	t, err := FetchTrust(ctx, opts...)
	if err != nil {
		return EmbeddedTrust(), err
	}
	return t, nil
}
