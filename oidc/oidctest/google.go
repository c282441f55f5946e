package oidctest

import (
	"encoding/json"
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

// GoogleIssuer is Google's OIDC issuer.
const GoogleIssuer = "https://accounts.google.com"

// Google's service accounts in the fake: the machine's default account and
// the one it may impersonate.
const (
	GoogleDefaultAccount = "123456789-compute@developer.gserviceaccount.com"
	GoogleTargetAccount  = "publisher@octo-project.iam.gserviceaccount.com"
)

// GoogleOptions configures a [Google].
type GoogleOptions struct {
	// Accounts are the service accounts by e-mail, each with its unique
	// ID (the "sub" claim). The default has GoogleDefaultAccount and
	// GoogleTargetAccount.
	Accounts map[string]string
	// Default is the machine's default service account; the default is
	// GoogleDefaultAccount.
	Default string
	// CanImpersonate lists the accounts the default account may make ID
	// tokens for (roles/iam.serviceAccountOpenIdTokenCreator); the default
	// is GoogleTargetAccount.
	CanImpersonate []string
	// Claims are merged into every ID token (a nil value removes a claim).
	Claims map[string]any
}

// Google is a fake of Google's metadata server and IAM Credentials on one
// loopback server (both on the same URL, as [oidc.GoogleEnv] lets the
// caller set them apart). It is strict as the real ones are:
//
//   - GET /computeMetadata/v1/instance/service-accounts/default/identity
//     ?audience=…[&format=full] with "Metadata-Flavor: Google" answers the
//     JWT as text/plain; without the header 403; without an audience 400.
//   - GET …/default/token?scopes=… answers {"access_token", "expires_in",
//     "token_type"}.
//   - POST /v1/projects/-/serviceAccounts/{account}:generateIdToken with
//     "Authorization: Bearer <access token>" and {"audience",
//     "includeEmail"} answers {"token"}; 401 for a wrong access token, 403
//     for an account the default may not impersonate, 404 for an unknown
//     one.
//
// Every metadata answer carries "Metadata-Flavor: Google". Tokens are
// RS256, signed with [Key]. It is safe for concurrent use.
type Google struct {
	srv  *httptest.Server
	o    GoogleOptions
	mu   sync.Mutex
	fail map[string][]failure
	// access tokens handed out
	access   map[string]bool
	issued   []string
	requests map[string]int
}

// NewGoogle starts the fake; it stops when tb's test ends.
func NewGoogle(tb testing.TB, o GoogleOptions) *Google {
	tb.Helper()
	g := StartGoogle(o)
	tb.Cleanup(g.Close)
	return g
}

// StartGoogle starts the fake outside a test; the caller must Close it.
func StartGoogle(o GoogleOptions) *Google {
	if o.Accounts == nil {
		o.Accounts = map[string]string{GoogleDefaultAccount: "104000000000000000001", GoogleTargetAccount: "104000000000000000002"}
	}
	if o.Default == "" {
		o.Default = GoogleDefaultAccount
	}
	if o.CanImpersonate == nil {
		o.CanImpersonate = []string{GoogleTargetAccount}
	}
	g := &Google{o: o, fail: map[string][]failure{}, access: map[string]bool{}, requests: map[string]int{}}
	g.srv = httptest.NewServer(g)
	return g
}

// Close stops the server.
func (g *Google) Close() { g.srv.Close() }

// URL is the server's root, for GCE_METADATA_HOST (without "http://") and
// the IAM hook.
func (g *Google) URL() string { return g.srv.URL }

// Host is the URL's host:port, the value of GCE_METADATA_HOST.
func (g *Google) Host() string { return strings.TrimPrefix(g.srv.URL, "http://") }

// FailNext makes the next n requests to endpoint ("identity", "token" or
// "generateIdToken") fail with status and body; status 0 drops the
// connection.
func (g *Google) FailNext(endpoint string, n, status int, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for range n {
		g.fail[endpoint] = append(g.fail[endpoint], failure{status, body})
	}
}

// Issued returns every ID token and access token handed out, oldest first.
func (g *Google) Issued() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.issued...)
}

// Requests returns how many requests reached endpoint.
func (g *Google) Requests(endpoint string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests[endpoint]
}

// ServeHTTP implements the endpoints.
func (g *Google) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const sa = "/computeMetadata/v1/instance/service-accounts/default/"
	endpoint := ""
	switch {
	case r.URL.Path == sa+"identity":
		endpoint = "identity"
	case r.URL.Path == sa+"token":
		endpoint = "token"
	case strings.HasPrefix(r.URL.Path, "/v1/projects/-/serviceAccounts/") && strings.HasSuffix(r.URL.Path, ":generateIdToken"):
		endpoint = "generateIdToken"
	}
	g.mu.Lock()
	g.requests[endpoint]++
	var f *failure
	if q := g.fail[endpoint]; len(q) > 0 {
		f = &q[0]
		g.fail[endpoint] = q[1:]
	}
	g.mu.Unlock()
	if endpoint != "generateIdToken" {
		w.Header().Set("Metadata-Flavor", "Google")
	}
	switch {
	case endpoint == "":
		http.NotFound(w, r)
	case f != nil:
		serveFailure(w, *f)
	case endpoint == "generateIdToken":
		g.serveGenerate(w, r)
	case r.Method != http.MethodGet:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case r.Header.Get("Metadata-Flavor") != "Google":
		http.Error(w, "Missing Metadata-Flavor:Google header.", http.StatusForbidden)
	case endpoint == "identity":
		g.serveIdentity(w, r)
	default:
		g.serveAccessToken(w)
	}
}

func (g *Google) serveIdentity(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	aud := q.Get("audience")
	if aud == "" {
		http.Error(w, "non-empty audience parameter required", http.StatusBadRequest)
		return
	}
	tok, err := g.token(g.o.Default, aud, q.Get("format") == "full")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, tok)
}

func (g *Google) serveAccessToken(w http.ResponseWriter) {
	tok := "ya29.fake-" + randomHex(24)
	g.mu.Lock()
	g.access[tok] = true
	g.issued = append(g.issued, tok)
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

func (g *Google) serveGenerate(w http.ResponseWriter, r *http.Request) {
	scheme, bearer, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	g.mu.Lock()
	ok := strings.EqualFold(scheme, "bearer") && g.access[bearer]
	g.mu.Unlock()
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		googleAPIError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "POST with a JSON body is required")
		return
	}
	if !ok {
		googleAPIError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
		return
	}
	name, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), "/v1/projects/-/serviceAccounts/"), ":generateIdToken"))
	var body struct {
		Audience     string `json:"audience"`
		IncludeEmail bool   `json:"includeEmail"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	if err := dec.Decode(&body); err != nil || body.Audience == "" {
		googleAPIError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "audience is required")
		return
	}
	if _, known := g.o.Accounts[name]; !known {
		googleAPIError(w, http.StatusNotFound, "NOT_FOUND", "Not found; Gaia id not found for email "+name)
		return
	}
	allowed := false
	for _, a := range g.o.CanImpersonate {
		allowed = allowed || a == name
	}
	if !allowed {
		googleAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getOpenIdToken' denied on resource (or it may not exist).")
		return
	}
	tok, err := g.token(name, body.Audience, body.IncludeEmail)
	if err != nil {
		googleAPIError(w, http.StatusInternalServerError, "INTERNAL", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": tok})
}

// token signs an ID token of account for audience; withEmail adds email
// and email_verified (format=full, includeEmail).
func (g *Google) token(account, audience string, withEmail bool) (string, error) {
	now := time.Now()
	c := map[string]any{
		"iss": GoogleIssuer, "aud": audience, "azp": g.o.Accounts[account], "sub": g.o.Accounts[account],
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if withEmail {
		c["email"], c["email_verified"] = account, true
	}
	maps.Copy(c, g.o.Claims)
	for k, v := range c {
		if v == nil {
			delete(c, k)
		}
	}
	tok, err := Sign(Key(), c)
	if err == nil {
		g.mu.Lock()
		g.issued = append(g.issued, tok)
		g.mu.Unlock()
	}
	return tok, err
}

func googleAPIError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "status": code}})
}
