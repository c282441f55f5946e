package oidc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Platform is a CI platform that issues OIDC ID tokens PyPI trusts.
type Platform string

// The platforms this package gets ID tokens from. PyPI also has
// ActiveState publishers, but their tokens come only from ActiveState's own
// build service ([ActiveStateNote]).
const (
	GitHubActions Platform = "github"
	GitLabCI      Platform = "gitlab"
	GoogleCloud   Platform = "google"
)

// Issuers of the platforms' ID tokens (the "iss" claim PyPI knows them by).
const (
	GitLabIssuer = "https://gitlab.com"
	GoogleIssuer = "https://accounts.google.com"
)

// ActiveStateNote says why ActiveState is not one of the platforms.
const ActiveStateNote = "ActiveState is not supported: PyPI's ActiveState publisher accepts only tokens whose " +
	"`builder` claim is `pypi-publisher`, which ActiveState's own hosted build step receives, and no public " +
	"source documents an endpoint or variable through which another program could get one."

// String names the platform for messages: "GitHub Actions", "GitLab
// CI/CD", "Google Cloud".
func (p Platform) String() string {
	switch p {
	case GitHubActions:
		return "GitHub Actions"
	case GitLabCI:
		return "GitLab CI/CD"
	case GoogleCloud:
		return "Google Cloud"
	}
	return string(p)
}

// ParsePlatform parses a platform name as the --id-token-source flag takes
// it: "" or "auto" (detect; returns ""), "github", "gitlab", "google".
// "activestate" and anything else are errors that say what is supported.
func ParsePlatform(s string) (Platform, error) {
	switch p := Platform(strings.ToLower(strings.TrimSpace(s))); p {
	case "", "auto":
		return "", nil
	case GitHubActions, GitLabCI, GoogleCloud:
		return p, nil
	case "activestate":
		return "", fmt.Errorf("ID token source %q: %s", s, strings.ReplaceAll(ActiveStateNote, "`", ""))
	}
	return "", fmt.Errorf("unknown ID token source %q; use auto, github, gitlab or google", s)
}

// TokenSource fetches OIDC ID tokens on one CI platform. Implementations
// are safe for concurrent use.
type TokenSource interface {
	// Platform says which platform the tokens come from.
	Platform() Platform
	// IDToken returns an ID token (a compact JWT) for audience. Errors are
	// [*Error] values that say what was tried. Cancelling ctx stops any
	// request.
	IDToken(ctx context.Context, audience string) (string, error)
	// Fresh reports whether every call can return a new token (GitHub,
	// Google) or always returns the same one (GitLab: the job's
	// variables). PyPI accepts each token once.
	Fresh() bool
	// Origin says where a token for audience comes from, for messages:
	// "the variable PYPI_ID_TOKEN", "GitHub's token service
	// (ACTIONS_ID_TOKEN_REQUEST_URL)".
	Origin(audience string) string
}

// Ambient is what the platform detectors know about the run. The caller
// (internal/config, through internal/action) fills it from the
// environment; this package never reads the environment itself.
type Ambient struct {
	// GitHub is the GitHub Actions environment; its PyPI field says
	// whether the index is PyPI or TestPyPI for every platform's checks.
	GitHub Env
	// RequestURL and RequestToken are the values of
	// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
	RequestURL, RequestToken string
	GitLab                   GitLabEnv
	Google                   GoogleEnv
}

// GitLabEnv is the GitLab CI/CD environment.
type GitLabEnv struct {
	// CI is true when GITLAB_CI is "true".
	CI bool
	// IDTokens are the variables whose name ends in _ID_TOKEN, by name:
	// the job's `id_tokens`. Secrets.
	IDTokens map[string]string
	// ProjectPath (CI_PROJECT_PATH), ConfigPath (CI_CONFIG_PATH),
	// ServerURL (CI_SERVER_URL) and Environment (CI_ENVIRONMENT_NAME) are
	// shown when the job has no ID token to decode.
	ProjectPath, ConfigPath, ServerURL, Environment string
}

// GoogleEnv is the Google Cloud environment.
type GoogleEnv struct {
	// ServiceAccount is GOOGLE_SERVICE_ACCOUNT_NAME: when set, ID tokens
	// are made for that service account through IAM Credentials'
	// generateIdToken, authorized by the machine's default account.
	ServiceAccount string
	// OnGCE reports that the machine says it is a Google Compute Engine VM
	// (/sys/class/dmi/id/product_name is "Google" or "Google Compute
	// Engine"): ID tokens come straight from the metadata server.
	OnGCE bool
	// MetadataURL is the metadata server; "" means
	// [DefaultMetadataURL] (main takes GCE_METADATA_HOST).
	MetadataURL string
	// IAMURL is IAM Credentials' API root; "" means [DefaultIAMURL].
	IAMURL string
}

// SourceOption configures the token sources [Detect] returns.
type SourceOption func(*sourceOptions)

type sourceOptions struct {
	client    *http.Client
	metadata  *http.Client // metadataClient: no proxy, 3 s to connect, 10 s in all
	userAgent string
	mask      func(string)
}

// WithSourceHTTPClient sets the client for GitHub's token service and IAM
// Credentials. The default has a 30 s total timeout.
func WithSourceHTTPClient(c *http.Client) SourceOption {
	return func(o *sourceOptions) {
		if c != nil {
			o.client = c
		}
	}
}

// WithSourceUserAgent sets the User-Agent of the sources' requests. The
// default is "pypi-publish".
func WithSourceUserAgent(ua string) SourceOption {
	return func(o *sourceOptions) { o.userAgent = ua }
}

// WithSourceMask sets the function that registers a secret for masking;
// the Google source passes it the metadata server's access token. The
// default does nothing. (The caller masks the ID tokens it receives.)
func WithSourceMask(f func(string)) SourceOption {
	return func(o *sourceOptions) { o.mask = f }
}

func makeSourceOptions(opts []SourceOption) *sourceOptions {
	o := &sourceOptions{userAgent: "pypi-publish", mask: func(string) {}, metadata: metadataClient()}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if o.client == nil {
		o.client = defaultClient()
	}
	// Tokens and the credentials that fetch them go only where they were
	// sent.
	o.client = noRedirects(o.client)
	if o.mask == nil {
		o.mask = func(string) {}
	}
	return o
}

// Detect picks the platform to get ID tokens from, runs the checks that
// need no network for it, and returns its token source. With force set
// (see [ParsePlatform]) that platform is used whatever the environment
// says. Otherwise the first that applies, in this order: GitHub Actions
// (GITHUB_ACTIONS is "true"), Google Cloud with impersonation
// (GOOGLE_SERVICE_ACCOUNT_NAME is set: an explicit choice), GitLab CI/CD
// (GITLAB_CI is "true"), Google Cloud's metadata server (a Compute Engine
// machine). Errors are [*Error]: TP-17 when no platform applies, GitHub's
// TP-01 to TP-04, TP-18 for a GitLab job without ID tokens. Detect does no
// I/O.
func Detect(a Ambient, force Platform, opts ...SourceOption) (TokenSource, error) {
	o := makeSourceOptions(opts)
	p := force
	if p == "" {
		switch {
		case a.GitHub.GitHubActions:
			p = GitHubActions
		case a.Google.ServiceAccount != "":
			p = GoogleCloud
		case a.GitLab.CI:
			p = GitLabCI
		case a.Google.OnGCE:
			p = GoogleCloud
		default:
			return nil, noPlatform(a)
		}
	}
	switch p {
	case GitHubActions:
		env := a.GitHub
		env.GitHubActions = true // forced or detected: the GITHUB_ACTIONS check is done
		env.RequestURLSet, env.RequestTokenSet = a.RequestURL != "", a.RequestToken != ""
		if err := Preflight(env); err != nil {
			return nil, err
		}
		return &GitHubSource{RequestURL: a.RequestURL, RequestToken: a.RequestToken, o: o}, nil
	case GitLabCI:
		if len(a.GitLab.IDTokens) == 0 {
			return nil, gitlabNoTokens(a.GitLab)
		}
		return &GitLabSource{env: a.GitLab}, nil
	case GoogleCloud:
		return newGoogleSource(a.Google, o), nil
	}
	_, err := ParsePlatform(string(p))
	if err == nil {
		err = fmt.Errorf("unknown platform %q", p)
	}
	return nil, err
}

// noPlatform is TP-17: no platform to get an ID token from.
func noPlatform(a Ambient) *Error {
	var b strings.Builder
	b.WriteString("Trusted publishing proves who is publishing with an OIDC ID token from the CI platform. Looked for:\n\n")
	b.WriteString("* GitHub Actions: `GITHUB_ACTIONS` is not `true`.\n")
	b.WriteString("* GitLab CI/CD: `GITLAB_CI` is not `true`.\n")
	b.WriteString("* Google Cloud: `GOOGLE_SERVICE_ACCOUNT_NAME` is not set, and this machine does not say it is a " +
		"Compute Engine VM (`/sys/class/dmi/id/product_name`).\n")
	b.WriteString("* " + ActiveStateNote + "\n")
	b.WriteString("* Other CI services (Buildkite, CircleCI, …): PyPI has no trusted publishers for them.\n")
	if a.GitLab.ServerURL != "" || len(a.GitLab.IDTokens) > 0 {
		b.WriteString("\nSome GitLab variables are set; `--id-token-source=gitlab` uses them whatever `GITLAB_CI` says.\n")
	}
	return &Error{
		ID: IDNoPlatform,
		Message: "Trusted publishing needs an OIDC ID token from GitHub Actions, GitLab CI/CD or Google Cloud, " +
			"and this run is on none of them (GITHUB_ACTIONS and GITLAB_CI are not \"true\", GOOGLE_SERVICE_ACCOUNT_NAME is not set, " +
			"and this is not a Compute Engine machine).",
		Hint: "Run it in one of those CI systems (see docs/other-ci.md), name one with --id-token-source, " +
			"or authenticate with an API token (INPUT_PASSWORD, or the password input).",
		Details: section(IDNoPlatform, "No CI platform found", b.String(),
			"Publish from GitHub Actions, GitLab CI/CD or Google Cloud (Cloud Build, Compute Engine) with a trusted publisher "+
				"on PyPI, or pass an API token as the password. The password is empty, which is why trusted publishing was chosen. See "+DocsURL),
	}
}

// readBounded reads resp's body, at most max bytes, and fails when there
// is more.
func readBounded(resp *http.Response, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("the answer is larger than %d bytes", max)
	}
	return b, nil
}

// maxIDTokenAnswer bounds the answers that carry an ID token (GitHub's
// are about 2 KiB, Google's 1 KiB).
const maxIDTokenAnswer = 64 << 10

// tokenTimeout bounds one request for an ID token (a retry gets a new
// one); metadataTimeout one request to the metadata server.
const (
	tokenTimeout    = 30 * time.Second
	metadataTimeout = 10 * time.Second
)

// otherIDTokens lists the ID token variables other than name with the
// audience each one carries (never their values).
func otherIDTokens(vars map[string]string, name string) []string {
	var out []string
	for k, v := range vars {
		if k == name {
			continue
		}
		aud := "not a JWT"
		if c, err := DecodeClaims(strings.TrimSpace(v)); err == nil {
			aud = "aud " + c.String("aud")
		}
		out = append(out, fmt.Sprintf("%s (%s)", k, aud))
	}
	sort.Strings(out)
	return out
}
