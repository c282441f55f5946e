package publish

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// Default values of the options.
const (
	// DefaultUserAgent is the User-Agent when WithUserAgent is not given.
	// main passes "pypi-publish/<version>".
	DefaultUserAgent = "pypi-publish/dev"
	// DefaultIdleTimeout is how long an upload may make no progress
	// (no body bytes taken by the connection) before it is abandoned
	// (docs/situations.md#up-20).
	DefaultIdleTimeout = 120 * time.Second
	// DefaultRequestTimeout bounds each simple-API request of an Index
	// (30 s in total).
	DefaultRequestTimeout = 30 * time.Second
	// DefaultAnswerTimeout is how long an upload waits for the index's
	// answer (status line and body) once the whole file is sent: Warehouse
	// hashes, scans and stores the file before it answers.
	DefaultAnswerTimeout = 5 * time.Minute
	// DefaultMinRate is the slowest average upload (bytes per second) an
	// attempt accepts: sending may take the idle timeout plus the size at
	// this rate (16 KiB/s: 100 MiB in 1 h 47 min).
	DefaultMinRate = 16 << 10
)

// Credentials supplies the user name and password for HTTP Basic
// authentication. It is asked before every attempt, so an implementation can
// renew a short-lived token (oidc.Source does, TP-16).
type Credentials interface {
	Credentials(ctx context.Context) (user, password string, err error)
}

// Refresher is implemented by Credentials that can renew their secret on
// demand. On "403 Invalid API Token: token is expired" the client calls
// Refresh once and uploads the file again (UP-09).
type Refresher interface {
	Refresh(ctx context.Context) error
}

// Static is Credentials that never change, e.g. an API token
// (User "__token__") or a user name and password for a third-party index.
type Static struct {
	User     string
	Password string
}

// Credentials returns s.User and s.Password.
func (s Static) Credentials(context.Context) (string, string, error) {
	return s.User, s.Password, nil
}

var _ Credentials = Static{}

// Option configures a Client or an Index.
type Option func(*options)

type options struct {
	httpClient     *http.Client
	userAgent      string
	backoff        retry.Backoff
	logf           func(string, ...any)
	creds          Credentials
	idleTimeout    time.Duration
	answerTimeout  time.Duration
	minRate        int64
	requestTimeout time.Duration
	pypi           bool   // WithPyPIRules
	server         string // WithServer
	discovery      bool   // WithDiscovery
	// sleep waits d or until ctx is done; replaced in tests.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func() float64
}

func makeOptions(opts []Option) (*options, error) {
	o := &options{
		userAgent:      DefaultUserAgent,
		backoff:        retry.Default,
		logf:           func(string, ...any) {},
		idleTimeout:    DefaultIdleTimeout,
		answerTimeout:  DefaultAnswerTimeout,
		minRate:        DefaultMinRate,
		requestTimeout: DefaultRequestTimeout,
		sleep:          retry.Sleep,
		jitter:         randFloat,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	var errs []error
	if err := o.backoff.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.idleTimeout < 0 || o.answerTimeout < 0 || o.minRate < 0 {
		errs = append(errs, errors.New("invalid idle timeout, answer timeout or minimum rate: must not be negative"))
	}
	if o.server != "" && !knownServer(o.server) {
		errs = append(errs, fmt.Errorf("invalid index server %q: not one WithServer knows", o.server))
	}
	if o.requestTimeout < 0 {
		errs = append(errs, errors.New("invalid request timeout: must not be negative"))
	}
	if o.userAgent == "" {
		errs = append(errs, errors.New("invalid user agent: must not be empty"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if o.httpClient == nil {
		o.httpClient = DefaultHTTPClient()
	}
	return o, nil
}

// WithHTTPClient sets the HTTP client. The default is DefaultHTTPClient().
// The client is copied and its CheckRedirect replaced so that redirects are
// never followed (UP-19); its Timeout, if any, applies to whole uploads, so
// leave it zero and bound uploads with the context.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.httpClient = c }
}

// WithUserAgent sets the User-Agent header. The default is DefaultUserAgent;
// main passes "pypi-publish/<version>". PyPI shows it as "Uploaded via".
func WithUserAgent(ua string) Option {
	return func(o *options) { o.userAgent = ua }
}

// WithRetry sets the retry policy of uploads (the whole file each time) and
// index queries. The default is retry.Default: 4 attempts, waiting about
// 2 s, 4 s, 8 s, never more than 30 s (also when a server asks for longer
// with Retry-After); tests use about 1 ms.
func WithRetry(b retry.Backoff) Option {
	return func(o *options) { o.backoff = b }
}

// WithLogf sets a function for progress and retry messages. The default
// discards them. Messages never contain credentials or request bodies.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(o *options) {
		if logf != nil {
			o.logf = logf
		}
	}
}

// WithCredentials sets the credentials for HTTP Basic authentication. The
// default is none: requests carry no Authorization header. Credentials are
// only ever sent to the host of the URL given to New or NewIndex.
func WithCredentials(c Credentials) Option {
	return func(o *options) { o.creds = c }
}

// WithIdleTimeout sets how long an upload may make no progress while the
// file is sent before the attempt is abandoned as a transport error (and
// retried); sending as a whole may take this plus the file's size at the
// minimum rate (WithMinRate). Once the whole file is sent the idle timer
// stops and the answer timeout applies (WithAnswerTimeout). The default
// is DefaultIdleTimeout; 0 disables both send-phase limits.
func WithIdleTimeout(d time.Duration) Option {
	return func(o *options) { o.idleTimeout = d }
}

// WithAnswerTimeout sets how long an upload waits, once the whole file is
// sent, for the complete answer (status line and body). When it runs out,
// the attempt's outcome is unknown: before a retry the index is asked
// whether it has the file (with an Index), so a slow index does not get the
// file twice. The default is DefaultAnswerTimeout (5 min); 0 disables it
// (the transport's ResponseHeaderTimeout still applies).
func WithAnswerTimeout(d time.Duration) Option {
	return func(o *options) { o.answerTimeout = d }
}

// WithMinRate sets the slowest average rate (bytes per second) at which a
// file may be sent: an attempt gives up after the idle timeout plus the
// file's size at this rate. The default is DefaultMinRate (16 KiB/s); 0
// disables the limit.
func WithMinRate(bytesPerSecond int64) Option {
	return func(o *options) { o.minRate = bytesPerSecond }
}

// WithRequestTimeout bounds each request of an Index (each attempt). The
// default is DefaultRequestTimeout; 0 disables it. Uploads ignore it.
func WithRequestTimeout(d time.Duration) Option {
	return func(o *options) { o.requestTimeout = d }
}

// WithPyPIRules sets whether the repository follows PyPI's rules, where a
// 409 answer is a project-name conflict, never an existing file (UP-21),
// and any 400 about an existing file is not one to skip. The default is
// false, a third-party index; main decides which index is PyPI or TestPyPI
// (internal/target) and says so here.
func WithPyPIRules(pypi bool) Option {
	return func(o *options) { o.pypi = pypi }
}

// WithServer names the index software behind the repository URL, as
// internal/target recognised it from the URL's form: "pypiserver",
// "devpi", "artifactory", "nexus", "gitlab", "gitea", "codeartifact",
// "azure" or "google"; New and NewIndex refuse another name. The default "" is an index of
// unknown make. It selects the answers that mean "the file exists" where
// the server documents only a status (CodeArtifact's 409), and the causes
// that the hints of a refused login name; every other answer is recognised
// by its own text whatever the server.
func WithServer(name string) Option {
	return func(o *options) { o.server = name }
}

// WithDiscovery marks an Index whose root was derived from the upload
// URL's form rather than configured: its first look-up is one attempt,
// and when it fails the Index reports ErrIndexUnavailable from then on
// instead of asking again. The default is false (a configured root, whose
// look-ups are retried and whose failures are worth a warning).
func WithDiscovery(discovered bool) Option {
	return func(o *options) { o.discovery = discovered }
}
