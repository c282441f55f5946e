package tuf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Limits bound the size of each metadata download, in bytes. A length given
// by the referring metadata is used when it is smaller.
type Limits struct {
	Root, Timestamp, Snapshot, Targets int64
}

// DefaultLimits are those of python-tuf's updater: 512 kB roots, 16 KiB
// timestamps, 2 MB snapshots, 5 MB targets.
var DefaultLimits = Limits{Root: 512_000, Timestamp: 16_384, Snapshot: 2_000_000, Targets: 5_000_000}

// Option configures a Client.
type Option func(*options)

type options struct {
	client         *http.Client
	requestTimeout time.Duration
	clock          func() time.Time
	limits         Limits
	maxRotations   int
	userAgent      string
	logf           func(format string, args ...any)
	timestamp      []byte
	snapshot       []byte
}

// WithHTTPClient sets the HTTP client. The default has 10 s connect and TLS
// handshake timeouts; each request is bounded by WithRequestTimeout anyway.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithRequestTimeout bounds each download, headers and body. The default is
// 10 s.
func WithRequestTimeout(d time.Duration) Option { return func(o *options) { o.requestTimeout = d } }

// WithClock sets the clock that fixes the update start time, against which
// every expiry is checked. The default is time.Now.
func WithClock(f func() time.Time) Option { return func(o *options) { o.clock = f } }

// WithLimits sets the size bounds of metadata downloads. The default is
// DefaultLimits; zero fields take their default.
func WithLimits(l Limits) Option { return func(o *options) { o.limits = l } }

// WithMaxRootRotations bounds how many new roots one Update fetches. The
// default is 256.
func WithMaxRootRotations(n int) Option { return func(o *options) { o.maxRotations = n } }

// WithUserAgent sets the User-Agent header. The default is Go's.
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }

// WithLogf sets a debug logger. The default discards.
func WithLogf(f func(format string, args ...any)) Option { return func(o *options) { o.logf = f } }

// WithTrustedMetadata gives timestamp and snapshot metadata trusted before
// (for example shipped with the root): they protect against rollback when
// they verify under the updated root, and are ignored otherwise (as a
// local copy would be). Either may be nil. The default is none.
func WithTrustedMetadata(timestamp, snapshot []byte) Option {
	return func(o *options) { o.timestamp, o.snapshot = timestamp, snapshot }
}

// Client updates the metadata of one TUF repository and fetches its
// targets. It is not safe for concurrent use.
type Client struct {
	o          options
	metaURL    string
	targetsURL string

	start     time.Time
	root      *metadata[rootSigned]
	timestamp *metadata[metaSigned]
	snapshot  *metadata[metaSigned]
	targets   *metadata[targetsSigned]
}

// New returns a client of the repository whose metadata is under baseURL
// (and targets under baseURL/targets/), trusting root, a root.json that
// must be signed by a threshold of its own root keys (its expiry is checked
// only after an update). No request is made.
func New(baseURL string, root []byte, opts ...Option) (*Client, error) {
	o := options{
		requestTimeout: 10 * time.Second,
		clock:          time.Now,
		maxRotations:   256,
		logf:           func(string, ...any) {},
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	o.limits = withDefaults(o.limits)
	if o.client == nil {
		o.client = defaultHTTPClient()
	}
	if !strings.HasPrefix(baseURL, "https://") && !strings.HasPrefix(baseURL, "http://") {
		return nil, fmt.Errorf("failed to create TUF client: repository URL %q is not http(s)", baseURL)
	}
	r, err := parse[rootSigned]("root.json", root, roleRoot)
	if err == nil {
		err = checkRoot("root.json", &r.signed)
	}
	if err == nil {
		err = r.verify("root.json", r.signed.Keys, r.signed.Roles[roleRoot])
	}
	if err != nil {
		return nil, fmt.Errorf("failed to load the trusted TUF root: %w", err)
	}
	base := strings.TrimSuffix(baseURL, "/")
	return &Client{o: o, metaURL: base + "/", targetsURL: base + "/targets/", root: r}, nil
}

func withDefaults(l Limits) Limits {
	d := DefaultLimits
	if l.Root > 0 {
		d.Root = l.Root
	}
	if l.Timestamp > 0 {
		d.Timestamp = l.Timestamp
	}
	if l.Snapshot > 0 {
		d.Snapshot = l.Snapshot
	}
	if l.Targets > 0 {
		d.Targets = l.Targets
	}
	return d
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 10 * time.Second
	return &http.Client{Transport: t}
}

// Update runs the client workflow of the specification (§5.2 to §5.6): it
// fixes the start time, updates the root through every newer N.root.json,
// then fetches and checks timestamp, snapshot and targets metadata. On
// error the client keeps what it trusted before the failed step; a later
// Target fails unless an Update succeeded. Cancelling ctx stops the
// current download.
func (c *Client) Update(ctx context.Context) error {
	c.start = c.o.clock()
	c.targets = nil
	if err := c.updateRoot(ctx); err != nil {
		return err
	}
	c.loadTrusted()
	if err := c.updateTimestamp(ctx); err != nil {
		return err
	}
	if err := c.updateSnapshot(ctx); err != nil {
		return err
	}
	return c.updateTargets(ctx)
}

// Versions returns the version of each top-level role's trusted metadata
// (0 for none yet).
func (c *Client) Versions() map[string]int64 {
	v := map[string]int64{roleRoot: c.root.h.Version}
	if c.timestamp != nil {
		v[roleTimestamp] = c.timestamp.h.Version
	}
	if c.snapshot != nil {
		v[roleSnapshot] = c.snapshot.h.Version
	}
	if c.targets != nil {
		v[roleTargets] = c.targets.h.Version
	}
	return v
}

// Metadata returns the trusted metadata file of a top-level role ("root",
// "timestamp", "snapshot" or "targets") as it was read, or nil.
func (c *Client) Metadata(role string) []byte {
	switch {
	case role == roleRoot:
		return c.root.raw
	case role == roleTimestamp && c.timestamp != nil:
		return c.timestamp.raw
	case role == roleSnapshot && c.snapshot != nil:
		return c.snapshot.raw
	case role == roleTargets && c.targets != nil:
		return c.targets.raw
	}
	return nil
}

func (c *Client) updateRoot(ctx context.Context) error {
	for range c.o.maxRotations {
		next := c.root.h.Version + 1
		file := fmt.Sprintf("%d.root.json", next)
		raw, err := c.fetch(ctx, file, c.metaURL+file, c.o.limits.Root)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return err
		}
		m, err := parse[rootSigned](file, raw, roleRoot)
		if err != nil {
			return err
		}
		if err := checkRoot(file, &m.signed); err != nil {
			return err
		}
		// Signed by a threshold of the trusted root's root keys...
		if err := m.verify(file, c.root.signed.Keys, c.root.signed.Roles[roleRoot]); err != nil {
			return err
		}
		if m.h.Version != next {
			return fail(file, ErrVersion, fmt.Sprintf("version %d, want %d", m.h.Version, next))
		}
		// ...and of its own.
		if err := m.verify(file, m.signed.Keys, m.signed.Roles[roleRoot]); err != nil {
			return err
		}
		c.o.logf("TUF: trusting root version %d", next)
		c.root = m
	}
	if c.root.expired(c.start) {
		return fail(fmt.Sprintf("%d.root.json", c.root.h.Version), ErrExpired, "expired "+c.root.h.Expires.Format(time.RFC3339))
	}
	return nil
}

// loadTrusted (re)checks the trusted timestamp and snapshot metadata under
// the current root: metadata signed by keys the root no longer lists is
// dropped (§5.3.11). Expired metadata stays: it still bounds versions.
func (c *Client) loadTrusted() {
	if c.timestamp == nil && c.o.timestamp != nil {
		if m, err := parse[metaSigned]("timestamp.json", c.o.timestamp, roleTimestamp); err == nil && m.signed.Meta["snapshot.json"].Version > 0 {
			c.timestamp = m
		}
	}
	if c.snapshot == nil && c.o.snapshot != nil {
		if m, err := parse[metaSigned]("snapshot.json", c.o.snapshot, roleSnapshot); err == nil {
			c.snapshot = m
		}
	}
	c.o.timestamp, c.o.snapshot = nil, nil
	if c.timestamp != nil {
		if err := c.timestamp.verify("timestamp.json", c.root.signed.Keys, c.root.signed.Roles[roleTimestamp]); err != nil {
			c.o.logf("TUF: ignoring the trusted timestamp: %v", err)
			c.timestamp = nil
		}
	}
	if c.snapshot != nil {
		if err := c.snapshot.verify("snapshot.json", c.root.signed.Keys, c.root.signed.Roles[roleSnapshot]); err != nil {
			c.o.logf("TUF: ignoring the trusted snapshot: %v", err)
			c.snapshot = nil
		}
	}
}
