package oidctest

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Publisher is a trusted publisher configured on the fake index, as on
// PyPI's "GitHub" form.
type Publisher struct {
	Owner       string // repository owner, compared exactly with repository_owner
	Repository  string // repository name (without the owner)
	Workflow    string // workflow file name, e.g. "release.yml"
	Environment string // optional; "" accepts any environment
	// OwnerID, when set, must equal repository_owner_id (PyPI records it
	// when the publisher is added).
	OwnerID string
}

// PendingPublisher is a publisher registered before its project exists. The
// first mint that matches it creates Project and turns it into a normal
// publisher; if Project already exists, the mint is refused with
// invalid-pending-publisher and the pending publisher is dropped, as on
// PyPI.
type PendingPublisher struct {
	Publisher
	Project string
}

// Upload-password errors returned by [Index.Validate]; their messages are
// what PyPI puts in its 403 status line.
var (
	ErrTokenExpired = serverError("Invalid API Token: token is expired")
	ErrInvalidToken = serverError("Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.")
)

// serverError is an error whose text is a server's message, quoted verbatim.
type serverError string

func (e serverError) Error() string { return string(e) }

// IndexOption configures an [Index].
type IndexOption func(*Index)

// WithAudience sets the audience the index advertises and requires. The
// default is "pypi" (TestPyPI uses "testpypi").
func WithAudience(aud string) IndexOption { return func(i *Index) { i.audience = aud } }

// WithPublishers adds trusted publishers. The default is none, so every
// mint is refused with invalid-publisher.
func WithPublishers(p ...Publisher) IndexOption {
	return func(i *Index) { i.publishers = append(i.publishers, p...) }
}

// WithPendingPublishers adds pending publishers. The default is none.
func WithPendingPublishers(p ...PendingPublisher) IndexOption {
	return func(i *Index) { i.pending = append(i.pending, p...) }
}

// WithExistingProjects names projects that already exist on the index
// (compared normalized). The default is none.
func WithExistingProjects(names ...string) IndexOption {
	return func(i *Index) {
		for _, n := range names {
			i.projects[normalize(n)] = true
		}
	}
}

// WithVerifyKey sets the key JWTs must be signed with. The default is [Key].
func WithVerifyKey(k *rsa.PublicKey) IndexOption { return func(i *Index) { i.key = k } }

// WithIssuer sets the one issuer the index knows. The default is [Issuer].
func WithIssuer(iss string) IndexOption { return func(i *Index) { i.issuer = iss } }

// WithIndexClock sets the clock for JWT checks, minting and [Index.Validate].
// The default is time.Now.
func WithIndexClock(now func() time.Time) IndexOption { return func(i *Index) { i.now = now } }

// WithMintedLifetime sets how long minted tokens live. The default is 15
// minutes, as on PyPI.
func WithMintedLifetime(d time.Duration) IndexOption { return func(i *Index) { i.lifetime = d } }

// Leeway is the clock tolerance PyPI allows on exp, iat and nbf.
const Leeway = 30 * time.Second

// Index is the fake index side of trusted publishing: an http.Handler for
// /_/oidc/audience (GET), /_/oidc/mint-token and its legacy alias
// /_/oidc/github/mint-token (POST), and /_/oidc/burn-token (POST). It also
// accepts the same paths with the "/_/oidc" prefix stripped.
//
// Minting checks, in PyPI's order: the body is a JSON object with a string
// "token" (else 422 invalid-payload), the JWT decodes and has "iss" (else
// "malformed JWT"), the issuer is known ("unknown trusted publishing
// issuer"), trusted publishing is enabled (not-enabled), the RS256
// signature, a single audience equal to the configured one, exp/iat (and nbf
// when present) within a 30 s leeway (invalid-token), a matching publisher
// (invalid-publisher, with PyPI's reasons), and an unused jti
// (invalid-reuse-token). It is safe for concurrent use.
type Index struct {
	audience string
	key      *rsa.PublicKey
	issuer   string
	now      func() time.Time
	lifetime time.Duration

	mu           sync.Mutex
	publishers   []Publisher
	gitlab       []GitLabPublisher
	google       []GooglePublisher
	pending      []PendingPublisher
	projects     map[string]bool // normalized names
	disabled     bool
	unsupported  bool
	omitExpires  bool
	usedJTI      map[string]bool
	tokens       map[string]time.Time // minted token -> expiry
	burned       map[string]bool
	order        []string
	failures     map[string][]failure
	mints, burns int
	requests     map[string]int
}

// NewIndex returns a fake index handler.
func NewIndex(opts ...IndexOption) *Index {
	i := &Index{
		audience: "pypi",
		key:      &Key().PublicKey,
		issuer:   Issuer,
		now:      time.Now,
		lifetime: 15 * time.Minute,
		usedJTI:  map[string]bool{},
		tokens:   map[string]time.Time{},
		burned:   map[string]bool{},
		failures: map[string][]failure{},
		requests: map[string]int{},
		projects: map[string]bool{},
	}
	for _, o := range opts {
		if o != nil {
			o(i)
		}
	}
	return i
}

// SetDisabled switches trusted publishing off (audience 403, mint 422
// not-enabled) or back on.
func (i *Index) SetDisabled(v bool) { i.mu.Lock(); i.disabled = v; i.mu.Unlock() }

// SetUnsupported makes every endpoint answer 404, like an index without
// trusted publishing.
func (i *Index) SetUnsupported(v bool) { i.mu.Lock(); i.unsupported = v; i.mu.Unlock() }

// SetOmitExpires makes successful mints leave out "expires".
func (i *Index) SetOmitExpires(v bool) { i.mu.Lock(); i.omitExpires = v; i.mu.Unlock() }

// FailNext makes the next n requests to endpoint ("audience", "mint-token"
// or "burn-token") fail with status and body; status 0 drops the connection.
func (i *Index) FailNext(endpoint string, n, status int, body string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for range n {
		i.failures[endpoint] = append(i.failures[endpoint], failure{status, body})
	}
}

// Mints returns how many tokens were minted.
func (i *Index) Mints() int { i.mu.Lock(); defer i.mu.Unlock(); return i.mints }

// Burns returns how many minted tokens were revoked through burn-token.
func (i *Index) Burns() int { i.mu.Lock(); defer i.mu.Unlock(); return i.burns }

// Requests returns how many requests reached endpoint ("audience",
// "mint-token", "burn-token"), scripted failures included.
func (i *Index) Requests(endpoint string) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.requests[endpoint]
}

// Tokens returns every minted token, oldest first.
func (i *Index) Tokens() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.order...)
}

// Validate checks an upload password as PyPI checks a trusted-publishing
// token: nil for a minted, unexpired, unburned token; [ErrTokenExpired]
// ("Invalid API Token: token is expired") after its expiry; [ErrInvalidToken]
// otherwise.
func (i *Index) Validate(password string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	exp, ok := i.tokens[password]
	if !ok || i.burned[password] {
		return ErrInvalidToken
	}
	if !i.now().Before(exp) {
		return ErrTokenExpired
	}
	return nil
}

// ServeHTTP implements the endpoints.
func (i *Index) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/_/oidc")
	p = strings.TrimPrefix(p, "/")
	endpoint := ""
	switch p {
	case "audience":
		endpoint = "audience"
	case "mint-token", "github/mint-token":
		endpoint = "mint-token"
	case "burn-token":
		endpoint = "burn-token"
	}
	i.mu.Lock()
	unsupported := i.unsupported
	var f *failure
	if endpoint != "" {
		i.requests[endpoint]++
		if q := i.failures[endpoint]; len(q) > 0 {
			f = &q[0]
			i.failures[endpoint] = q[1:]
		}
	}
	i.mu.Unlock()
	if endpoint == "" || unsupported {
		http.NotFound(w, r)
		return
	}
	if f != nil {
		serveFailure(w, *f)
		return
	}
	want := http.MethodPost
	if endpoint == "audience" {
		want = http.MethodGet
	}
	if r.Method != want {
		w.Header().Set("Allow", want)
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	switch endpoint {
	case "audience":
		i.serveAudience(w)
	case "mint-token":
		i.serveMint(w, r)
	case "burn-token":
		i.serveBurn(w, r)
	}
}

func (i *Index) serveAudience(w http.ResponseWriter) {
	i.mu.Lock()
	disabled := i.disabled
	i.mu.Unlock()
	if disabled {
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "Trusted publishing functionality not enabled"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"audience": i.audience})
}

type apiError struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

func refuse(w http.ResponseWriter, code, description string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Token request failed",
		"errors":  []apiError{{code, description}},
	})
}

// readToken parses {"token": "<string>"} strictly, like PyPI's pydantic model.
func readToken(r *http.Request) (string, string) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return "", "body could not be read"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return "", "1 validation error for TokenPayload: the body is not a JSON object"
	}
	raw, ok := m["token"]
	if !ok {
		return "", "1 validation error for TokenPayload\ntoken\n  Field required"
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", "1 validation error for TokenPayload\ntoken\n  Input should be a valid string"
	}
	return s, ""
}

func (i *Index) serveMint(w http.ResponseWriter, r *http.Request) {
	tok, problem := readToken(r)
	if problem != "" {
		refuse(w, "invalid-payload", problem)
		return
	}
	header, claims, err := parseUnverified(tok)
	iss, _ := claims["iss"].(string)
	if err != nil || iss == "" {
		refuse(w, "invalid-payload", "malformed JWT")
		return
	}
	kind := i.kindOf(iss)
	if kind == "" {
		refuse(w, "invalid-payload", "unknown trusted publishing issuer")
		return
	}
	i.mu.Lock()
	disabled := i.disabled
	i.mu.Unlock()
	if disabled {
		refuse(w, "not-enabled", kind+" trusted publishing functionality not enabled")
		return
	}
	if !i.verify(header, claims, tok) {
		refuse(w, "invalid-token", "malformed or invalid token")
		return
	}
	if code, desc := i.matchAny(kind, claims); code != "" {
		refuse(w, code, desc)
		return
	}
	jti := str(claims, "jti")
	now := i.now()
	i.mu.Lock()
	if jti != "" && i.usedJTI[jti] {
		i.mu.Unlock()
		refuse(w, "invalid-reuse-token", "invalid token: already used")
		return
	}
	if jti != "" { // Google's tokens have none
		i.usedJTI[jti] = true
	}
	token := "pypi-" + randomHex(32)
	expires := now.Add(i.lifetime)
	i.tokens[token] = expires
	i.order = append(i.order, token)
	i.mints++
	omit := i.omitExpires
	i.mu.Unlock()
	resp := map[string]any{"success": true, "token": token}
	if !omit {
		resp["expires"] = expires.Unix()
	}
	writeJSON(w, http.StatusOK, resp)
}

// kindOf returns the provider of an issuer ("github", "gitlab", "google"),
// or "" for an issuer the index does not know.
func (i *Index) kindOf(iss string) string {
	switch iss {
	case i.issuer:
		return "github"
	case GitLabIssuer:
		return "gitlab"
	case GoogleIssuer:
		return "google"
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, p := range i.gitlab {
		if p.IssuerURL != "" && p.IssuerURL == iss {
			return "gitlab" // an organization's own GitLab instance
		}
	}
	return ""
}

// matchAny finds the publisher for verified claims of a provider and
// returns "" or the refusal's code and description.
func (i *Index) matchAny(kind string, claims map[string]any) (code, desc string) {
	var reason string
	var reuse bool
	switch kind {
	case "gitlab":
		reason, reuse = i.matchGitLab(claims)
	case "google":
		reason = i.matchGoogle(claims)
	default:
		if refused := i.reifyPending(claims); refused {
			return "invalid-pending-publisher", "valid token, but project already exists"
		}
		i.mu.Lock()
		pubs := append([]Publisher(nil), i.publishers...)
		i.mu.Unlock()
		reason, reuse = i.match(claims, pubs)
	}
	switch {
	case reuse:
		return "invalid-reuse-token", "invalid token: already used"
	case reason != "":
		return "invalid-publisher", "valid token, but no corresponding publisher (" + reason + ")"
	}
	return "", ""
}

// verify checks signature, audience and times as PyPI's PyJWT call does.
func (i *Index) verify(header, claims map[string]any, tok string) bool {
	if alg, _ := header["alg"].(string); alg != "RS256" {
		return false
	}
	if !verifySignature(i.key, tok) {
		return false
	}
	// Strict audience: exactly one, as a string.
	if aud, ok := claims["aud"].(string); !ok || aud != i.audience {
		return false
	}
	now := i.now()
	exp, ok1 := num(claims, "exp")
	iat, ok2 := num(claims, "iat")
	if !ok1 || !ok2 {
		return false
	}
	if now.After(time.Unix(exp, 0).Add(Leeway)) {
		return false
	}
	if time.Unix(iat, 0).After(now.Add(Leeway)) {
		return false
	}
	if _, present := claims["nbf"]; present {
		nbf, ok := num(claims, "nbf")
		if !ok || time.Unix(nbf, 0).After(now.Add(Leeway)) {
			return false
		}
	}
	return true
}

// reifyPending looks for a pending publisher matching the claims. If its
// project exists, it is dropped and refused is true; otherwise the project
// is created and the publisher becomes a normal one.
func (i *Index) reifyPending(c map[string]any) (refused bool) {
	i.mu.Lock()
	pend := append([]PendingPublisher(nil), i.pending...)
	i.mu.Unlock()
	for k, p := range pend {
		if reason, _ := i.match(c, []Publisher{p.Publisher}); reason != "" {
			continue
		}
		i.mu.Lock()
		defer i.mu.Unlock()
		i.pending = append(i.pending[:k:k], i.pending[k+1:]...)
		if i.projects[normalize(p.Project)] {
			return true
		}
		i.projects[normalize(p.Project)] = true
		i.publishers = append(i.publishers, p.Publisher)
		return false
	}
	return false
}

// Projects returns the normalized names of the projects the index knows:
// those given with WithExistingProjects and those created by pending
// publishers.
func (i *Index) Projects() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := make([]string, 0, len(i.projects))
	for n := range i.projects {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// normalize is PEP 503 name normalization. The fake keeps its own copy on
// purpose, independent of the product's internal/pep503, so that it does
// not share the product's bugs.
func normalize(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			if !dash {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	return b.String()
}

// match finds a publisher among pubs for the claims as PyPI does
// (warehouse/oidc/models/github.py) and returns "" or PyPI's reason; reuse reports a
// used jti.
func (i *Index) match(c map[string]any, pubs []Publisher) (reason string, reuse bool) {
	repo := str(c, "repository")
	owner, name, _ := strings.Cut(repo, "/")
	workflow := workflowFile(str(c, "job_workflow_ref"))
	if workflow == "" {
		return "Could not job extract workflow filename from OIDC claims", false
	}
	env := strings.ToLower(str(c, "environment"))
	var candidates []Publisher
	for _, p := range pubs {
		if strings.EqualFold(p.Owner, owner) && strings.EqualFold(p.Repository, name) &&
			p.Workflow == workflow && (p.OwnerID == "" || p.OwnerID == str(c, "repository_owner_id")) {
			candidates = append(candidates, p)
		}
	}
	// Prefer a publisher with the claim's environment, then one without.
	var pub *Publisher
	for k := range candidates {
		if strings.ToLower(candidates[k].Environment) == env && env != "" {
			pub = &candidates[k]
			break
		}
	}
	if pub == nil {
		for k := range candidates {
			if candidates[k].Environment == "" {
				pub = &candidates[k]
				break
			}
		}
	}
	if pub == nil {
		if len(candidates) > 0 {
			return "Check failed for optional claim 'environment'", false
		}
		return "Publisher with matching claims was not found", false
	}
	for _, k := range []string{"repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "jti", "event_name", "ref", "sha"} {
		if _, ok := c[k]; !ok {
			return fmt.Sprintf("Missing claim '%s'", k), false
		}
	}
	if !strings.EqualFold(repo, pub.Owner+"/"+pub.Repository) {
		return "Check failed for required claim 'repository'", false
	}
	if str(c, "repository_owner") != pub.Owner {
		return "Check failed for required claim 'repository_owner'", false
	}
	ref, sha := str(c, "ref"), str(c, "sha")
	if ref == "" && sha == "" {
		return "The ref and sha claims are empty", false
	}
	base := pub.Owner + "/" + pub.Repository + "/.github/workflows/" + pub.Workflow
	var expected []string
	for _, r := range []string{ref, sha} {
		if r != "" {
			expected = append(expected, base+"@"+r)
		}
	}
	slices.Sort(expected)
	if jwr := str(c, "job_workflow_ref"); !slices.Contains(expected, jwr) {
		return fmt.Sprintf("The job_workflow_ref claim does not match, expecting one of %s, got '%s'", pyList(expected), jwr), false
	}
	i.mu.Lock()
	used := i.usedJTI[str(c, "jti")]
	i.mu.Unlock()
	if used {
		return "already used", true
	}
	if str(c, "event_name") == "pull_request_target" {
		return "Publishing from a workflow invoked via 'pull_request_target' is not supported.", false
	}
	if pub.Environment != "" && !strings.EqualFold(pub.Environment, str(c, "environment")) {
		return "Check failed for optional claim 'environment'", false
	}
	return "", false
}

func (i *Index) serveBurn(w http.ResponseWriter, r *http.Request) {
	// PyPI answers 202 whatever happens and never reports the outcome.
	if tok, problem := readToken(r); problem == "" {
		i.mu.Lock()
		if _, ok := i.tokens[tok]; ok && !i.burned[tok] {
			i.burned[tok] = true
			i.burns++
		}
		i.mu.Unlock()
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"message": "Accepted", "errors": []apiError{}})
}

// workflowFile extracts "<file>.yml" before "@" as PyPI does.
func workflowFile(ref string) string {
	at := strings.IndexByte(ref, '@')
	if at < 0 {
		return ""
	}
	head := ref[:at]
	file := head[strings.LastIndexByte(head, '/')+1:]
	if !strings.HasSuffix(file, ".yml") && !strings.HasSuffix(file, ".yaml") || len(file) <= len(".yml") {
		return ""
	}
	return file
}

func str(c map[string]any, k string) string {
	switch v := c[k].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

func num(c map[string]any, k string) (int64, bool) {
	n, ok := c[k].(json.Number)
	if !ok {
		return 0, false
	}
	if v, err := n.Int64(); err == nil {
		return v, true
	}
	f, err := n.Float64()
	return int64(f), err == nil
}

// pyList renders strings like Python's repr of a list of str.
func pyList(s []string) string {
	q := make([]string, len(s))
	for k, v := range s {
		q[k] = "'" + v + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}
