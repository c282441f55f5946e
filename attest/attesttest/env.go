package attesttest

import (
	"crypto/x509"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// Default identity of an Env.
const (
	DefaultRepository = "octo-org/hello-pkg"
	DefaultWorkflow   = "release.yml"
	DefaultRef        = "refs/tags/v1.0.0"
	// DefaultGitLabProject and DefaultServiceAccount are the identities of
	// GitLab and Google Envs.
	DefaultGitLabProject  = "octo-group/hello-pkg"
	DefaultServiceAccount = "publisher@octo-project.iam.gserviceaccount.com"
)

// EnvOptions configures NewEnv. The zero value works.
type EnvOptions struct {
	// Platform is whose tokens the issuer makes: attest.PlatformGitHub
	// (the default), attest.PlatformGitLab or attest.PlatformGoogle.
	Platform string
	// Repository, Workflow (file name) and Ref default to the constants;
	// on GitLab they are the project path, the top-level pipeline file
	// (default ".gitlab-ci.yml") and the tag. Repository is the e-mail of
	// the service account on Google (default DefaultServiceAccount).
	Repository, Workflow, Ref string
	// Claims are merged over the claims NewEnv builds.
	Claims map[string]any
	// Clock is shared by every fake and the signer; nil means time.Now.
	Clock func() time.Time
	// CertLifetime of Fulcio leaves; zero means 10 minutes.
	CertLifetime time.Duration
	// OmitExtensions are left out of Fulcio leaves.
	OmitExtensions []int
	// MutateLeaf edits Fulcio leaf templates (FulcioOptions.Mutate).
	MutateLeaf func(*x509.Certificate)
	// Rekor overrides the fake log's options; its Clock defaults to Clock.
	Rekor RekorOptions
}

// Env is a complete fake Sigstore for one test: token issuer, Fulcio,
// Rekor, and their trusted root.
type Env struct {
	Issuer   *Issuer
	Fulcio   *Fulcio
	Rekor    *Rekor
	RootJSON []byte
	Root     *attest.TrustedRoot
	// Identity is the workflow identity of the tokens (repository and
	// GITHUB_WORKFLOW_REF).
	Identity attest.Identity
	// Clock is the clock every part uses.
	Clock func() time.Time
}

// NewEnv starts the fakes; they stop when the test ends. It fails the
// test on error.
func NewEnv(t testing.TB, o EnvOptions) *Env {
	t.Helper()
	if o.Clock == nil {
		o.Clock = time.Now
	}
	claims, id := platformClaims(&o)
	for k, v := range o.Claims {
		claims[k] = v
	}
	iss, err := NewIssuer(claims)
	if err != nil {
		t.Fatal(err)
	}
	iss.Clock = o.Clock
	ro := o.Rekor
	if ro.Clock == nil {
		ro.Clock = o.Clock
	}
	sg, err := StartSigstore(FulcioOptions{VerifyToken: iss.Verify, Lifetime: o.CertLifetime, Clock: o.Clock, OmitExtensions: o.OmitExtensions, Mutate: o.MutateLeaf},
		ro, o.Clock().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sg.Close)
	return &Env{
		Issuer: iss, Fulcio: sg.Fulcio, Rekor: sg.Rekor, RootJSON: sg.RootJSON, Root: sg.Root,
		Identity: id(claims),
		Clock:    o.Clock,
	}
}

// platformClaims returns the token claims for o's platform (filling in
// o's defaults) and how to read the identity from the final claims.
func platformClaims(o *EnvOptions) (map[string]any, func(map[string]any) attest.Identity) {
	str := func(c map[string]any, k string) string { s, _ := c[k].(string); return s }
	switch o.Platform {
	case attest.PlatformGitLab:
		if o.Repository == "" {
			o.Repository = DefaultGitLabProject
		}
		if o.Workflow == "" {
			o.Workflow = ".gitlab-ci.yml"
		}
		if o.Ref == "" {
			o.Ref = "v1.0.0"
		}
		return GitLabClaims(o.Repository, o.Workflow, o.Ref), func(c map[string]any) attest.Identity {
			return attest.Identity{Platform: attest.PlatformGitLab, Repository: str(c, "project_path"), WorkflowRef: str(c, "ci_config_ref_uri")}
		}
	case attest.PlatformGoogle:
		if o.Repository == "" {
			o.Repository = DefaultServiceAccount
		}
		return GoogleClaims(o.Repository), func(c map[string]any) attest.Identity {
			return attest.Identity{Platform: attest.PlatformGoogle, Email: str(c, "email")}
		}
	}
	if o.Repository == "" {
		o.Repository = DefaultRepository
	}
	if o.Workflow == "" {
		o.Workflow = DefaultWorkflow
	}
	if o.Ref == "" {
		o.Ref = DefaultRef
	}
	return GitHubClaims(o.Repository, o.Workflow, o.Ref), func(c map[string]any) attest.Identity {
		return attest.Identity{Repository: str(c, "repository"), WorkflowRef: str(c, "workflow_ref")}
	}
}

// SignerOptions returns the options pointing a Signer at the fakes, with
// retries waiting about a millisecond.
func (e *Env) SignerOptions() []attest.Option {
	return []attest.Option{
		attest.WithFulcioURL(e.Fulcio.URL),
		attest.WithRekorURL(e.Rekor.URL),
		attest.WithIDToken(e.Issuer.IDToken),
		attest.WithTrustedRoot(e.Root),
		attest.WithClock(e.Clock),
		attest.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}),
		attest.WithRetry(retry.Backoff{Attempts: 4, Min: time.Millisecond, Max: 2 * time.Millisecond}),
	}
}

// Signer returns a Signer using the fakes, plus extra options.
func (e *Env) Signer(t testing.TB, extra ...attest.Option) *attest.Signer {
	t.Helper()
	s, err := attest.NewSigner(append(e.SignerOptions(), extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Verifier returns a function for publishtest's WithAttestationVerifier:
// it checks an upload's "attestations" field as PyPI does
// (attest.VerifyUpload) against the Env's root and identity.
func (e *Env) Verifier() func(filename, sha256 string, attestations []byte) error {
	return Verifier(e.Root, e.Identity)
}

// Verifier returns a WithAttestationVerifier function checking uploads
// against root for the trusted publisher id (repository and workflow file;
// the ref is not pinned, as on PyPI).
func Verifier(root *attest.TrustedRoot, id attest.Identity) func(filename, sha256 string, attestations []byte) error {
	return func(filename, sha256 string, attestations []byte) error {
		return attest.VerifyUpload(attestations, filename, sha256, id, root)
	}
}

// ManualClock is a settable clock for tests.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
