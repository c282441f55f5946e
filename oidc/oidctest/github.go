package oidctest

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultClaims returns the claims a [GitHub] puts in every token unless
// overridden (times, aud and jti are added per token): a tag push of
// octo-org/octo-repo running .github/workflows/release.yml in environment
// "pypi".
func DefaultClaims() map[string]any {
	return map[string]any{
		"iss":                   Issuer,
		"sub":                   "repo:octo-org/octo-repo:environment:pypi",
		"repository":            "octo-org/octo-repo",
		"repository_owner":      "octo-org",
		"repository_owner_id":   "1342004",
		"repository_id":         "583231",
		"workflow_ref":          "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
		"job_workflow_ref":      "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
		"ref":                   "refs/tags/v1.0.0",
		"sha":                   "e2b4f1a2c3d4e5f60718293a4b5c6d7e8f901234",
		"environment":           "pypi",
		"event_name":            "push",
		"actor":                 "octocat",
		"runner_environment":    "github-hosted",
		"repository_visibility": "public",
	}
}

// GitHubOption configures a [GitHub].
type GitHubOption func(*GitHub)

// WithClaims overrides claims of every issued token; a nil value removes a
// claim. The default is [DefaultClaims].
func WithClaims(c map[string]any) GitHubOption {
	return func(g *GitHub) { mergeClaims(g.claims, c) }
}

// WithSigningKey sets the signing key. The default is [Key].
func WithSigningKey(k *rsa.PrivateKey) GitHubOption {
	return func(g *GitHub) { g.key = k }
}

// WithGitHubClock sets the clock for iat, nbf and exp. The default is time.Now.
func WithGitHubClock(now func() time.Time) GitHubOption {
	return func(g *GitHub) { g.now = now }
}

// WithTokenLifetime sets exp - iat. The default is 5 minutes.
func WithTokenLifetime(d time.Duration) GitHubOption {
	return func(g *GitHub) { g.lifetime = d }
}

// WithRequestToken sets the bearer token the service expects (the value of
// ACTIONS_ID_TOKEN_REQUEST_TOKEN). The default is random.
func WithRequestToken(tok string) GitHubOption {
	return func(g *GitHub) { g.requestToken = tok }
}

// GitHub is a fake GitHub Actions OIDC token service. It answers
// GET <URL>&audience=<aud> with {"value": "<JWT>"} when the request carries
// "Authorization: Bearer <request token>", and rejects everything else as
// GitHub does (401 without or with a wrong token, 400 without an audience,
// 405 for other methods). Each JWT has a unique jti. It is safe for
// concurrent use.
type GitHub struct {
	srv          *httptest.Server
	key          *rsa.PrivateKey
	requestToken string
	now          func() time.Time
	lifetime     time.Duration

	mu       sync.Mutex
	claims   map[string]any
	failures []failure
	issued   []string
	requests int
}

type failure struct {
	status int // 0: drop the connection
	body   string
}

// NewGitHub starts a fake token service; it is closed when tb's test ends.
func NewGitHub(tb testing.TB, opts ...GitHubOption) *GitHub {
	tb.Helper()
	g := StartGitHub(opts...)
	tb.Cleanup(g.Close)
	return g
}

// StartGitHub starts a fake token service outside a test (examples, the
// demo); the caller must call Close.
func StartGitHub(opts ...GitHubOption) *GitHub {
	g := &GitHub{
		key:          Key(),
		requestToken: "ghrt-" + randomHex(20),
		now:          time.Now,
		lifetime:     5 * time.Minute,
		claims:       DefaultClaims(),
	}
	for _, o := range opts {
		if o != nil {
			o(g)
		}
	}
	g.srv = httptest.NewServer(g)
	return g
}

// Close stops the server.
func (g *GitHub) Close() { g.srv.Close() }

// URL is the value for ACTIONS_ID_TOKEN_REQUEST_URL. Like GitHub's, it
// already has a query, so clients must append "&audience=…".
func (g *GitHub) URL() string { return g.srv.URL + "/_apis/distributedtask/token?api-version=2.0" }

// RequestToken is the value for ACTIONS_ID_TOKEN_REQUEST_TOKEN.
func (g *GitHub) RequestToken() string { return g.requestToken }

// SetClaims overrides claims of tokens issued from now on (nil removes).
func (g *GitHub) SetClaims(c map[string]any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	mergeClaims(g.claims, c)
}

// FailNext makes the next n requests fail with status and body; status 0
// drops the connection without an answer.
func (g *GitHub) FailNext(n, status int, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for range n {
		g.failures = append(g.failures, failure{status, body})
	}
}

// Issued returns every JWT issued so far, oldest first.
func (g *GitHub) Issued() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.issued...)
}

// Requests returns how many requests reached the service.
func (g *GitHub) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// Token issues a JWT for audience directly, without HTTP.
func (g *GitHub) Token(audience string) (string, error) {
	g.mu.Lock()
	c := maps.Clone(g.claims)
	g.mu.Unlock()
	now := g.now()
	c["aud"] = audience
	c["iat"] = now.Unix()
	c["nbf"] = now.Unix()
	c["exp"] = now.Add(g.lifetime).Unix()
	c["jti"] = randomHex(16)
	for k, v := range c {
		if v == nil {
			delete(c, k)
		}
	}
	tok, err := Sign(g.key, c)
	if err != nil {
		return "", err
	}
	g.mu.Lock()
	g.issued = append(g.issued, tok)
	g.mu.Unlock()
	return tok, nil
}

// IDToken fetches a token over HTTP the way go-githubactions' GetIDToken
// does (GET URL&audience=…, bearer request token, {"value": …}); pass it to
// oidc.WithIDToken.
func (g *GitHub) IDToken(ctx context.Context, audience string) (string, error) {
	u := g.URL() + "&audience=" + url.QueryEscape(audience)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("failed to build token request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.requestToken)
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		return "", fmt.Errorf("failed to request token: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("failed to read token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("failed to request token: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return "", fmt.Errorf("failed to decode token response: %w", err)
	}
	if v.Value == "" {
		return "", fmt.Errorf("failed to decode token response: no value")
	}
	return v.Value, nil
}

// ServeHTTP implements the token endpoint.
func (g *GitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.requests++
	var f *failure
	if len(g.failures) > 0 {
		f = &g.failures[0]
		g.failures = g.failures[1:]
	}
	g.mu.Unlock()
	if f != nil {
		serveFailure(w, *f)
		return
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "method not allowed"})
		return
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") || tok != g.requestToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Unauthorized"})
		return
	}
	q := r.URL.Query()
	aud := q.Get("audience")
	if len(q["audience"]) != 1 || aud == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "exactly one audience is required"})
		return
	}
	if q.Get("api-version") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "api-version is required"})
		return
	}
	jwt, err := g.Token(aud)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(jwt), "value": jwt})
}

func mergeClaims(dst, src map[string]any) {
	for k, v := range src {
		dst[k] = v
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// serveFailure answers a scripted failure; status 0 drops the connection.
func serveFailure(w http.ResponseWriter, f failure) {
	if f.status == 0 {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if strings.HasPrefix(strings.TrimSpace(f.body), "{") {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, f.body)
}
