package oidctest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
)

func TestGitHub_Requests(t *testing.T) {
	t.Parallel()
	gh := oidctest.NewGitHub(t)
	base := gh.URL()
	cases := []struct {
		name       string
		method     string
		url        string
		auth       string
		wantStatus int
	}{
		{name: "ok", method: "GET", url: base + "&audience=pypi", auth: "Bearer " + gh.RequestToken(), wantStatus: 200},
		{name: "ok_lowercase_bearer", method: "GET", url: base + "&audience=sigstore", auth: "bearer " + gh.RequestToken(), wantStatus: 200},
		{name: "no_auth", method: "GET", url: base + "&audience=pypi", wantStatus: 401},
		{name: "wrong_token", method: "GET", url: base + "&audience=pypi", auth: "Bearer nope", wantStatus: 401},
		{name: "basic_auth", method: "GET", url: base + "&audience=pypi", auth: "Basic " + gh.RequestToken(), wantStatus: 401},
		{name: "no_audience", method: "GET", url: base, auth: "Bearer " + gh.RequestToken(), wantStatus: 400},
		{name: "two_audiences", method: "GET", url: base + "&audience=a&audience=b", auth: "Bearer " + gh.RequestToken(), wantStatus: 400},
		{name: "query_replaced", method: "GET", url: strings.Split(base, "?")[0] + "?audience=pypi", auth: "Bearer " + gh.RequestToken(), wantStatus: 400},
		{name: "post", method: "POST", url: base + "&audience=pypi", auth: "Bearer " + gh.RequestToken(), wantStatus: 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(context.Background(), tc.method, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("%s %s: status = %d, want %d", tc.method, tc.name, resp.StatusCode, tc.wantStatus)
			}
		})
	}
}

func TestGitHub_Tokens(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	gh := oidctest.NewGitHub(t, oidctest.WithGitHubClock(func() time.Time { return now }),
		oidctest.WithClaims(map[string]any{"environment": nil, "ref": "refs/heads/main"}), oidctest.WithTokenLifetime(time.Minute))
	ctx := context.Background()
	a, err := gh.IDToken(ctx, "pypi")
	if err != nil {
		t.Fatalf("IDToken() error = %v", err)
	}
	b, err := gh.IDToken(ctx, "pypi")
	if err != nil {
		t.Fatalf("IDToken() error = %v", err)
	}
	ca, cb := payload(t, a), payload(t, b)
	if ca["jti"] == cb["jti"] {
		t.Errorf("two tokens share jti %v", ca["jti"])
	}
	got := map[string]any{}
	for _, k := range []string{"iss", "aud", "iat", "nbf", "exp", "ref", "environment"} {
		got[k] = ca[k]
	}
	want := map[string]any{"iss": oidctest.Issuer, "aud": "pypi", "iat": float64(now.Unix()), "nbf": float64(now.Unix()),
		"exp": float64(now.Add(time.Minute).Unix()), "ref": "refs/heads/main", "environment": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{a, b}, gh.Issued()); diff != "" {
		t.Errorf("Issued() mismatch (-want +got):\n%s", diff)
	}
	gh.FailNext(1, 503, "busy")
	if _, err := gh.IDToken(ctx, "pypi"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("IDToken() after FailNext = %v, want a 503 error", err)
	}
	if got := gh.Requests(); got != 3 {
		t.Errorf("Requests() = %d, want 3", got)
	}
}

func payload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64URL(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	badKeyOnce sync.Once
	badKey     *rsa.PrivateKey
)

func untrustedKey() *rsa.PrivateKey {
	badKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		badKey = k
	})
	return badKey
}

// claimsAt returns DefaultClaims with times around now and a fresh jti.
func claimsAt(now time.Time, jti string) map[string]any {
	c := oidctest.DefaultClaims()
	c["aud"] = "pypi"
	c["iat"] = now.Unix()
	c["nbf"] = now.Unix()
	c["exp"] = now.Add(5 * time.Minute).Unix()
	c["jti"] = jti
	return c
}

type mintResult struct {
	Status int
	Code   string
	Desc   string
	Token  bool
}

func post(t *testing.T, srv *httptest.Server, path, body string) mintResult {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m struct {
		Token  string `json:"token"`
		Errors []struct{ Code, Description string }
	}
	_ = json.Unmarshal(b, &m)
	r := mintResult{Status: resp.StatusCode, Token: strings.HasPrefix(m.Token, "pypi-")}
	if len(m.Errors) > 0 {
		r.Code, r.Desc = m.Errors[0].Code, m.Errors[0].Description
	}
	return r
}

func sign(t *testing.T, k *rsa.PrivateKey, c map[string]any) string {
	t.Helper()
	s, err := oidctest.Sign(k, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func body(tok string) string {
	b, _ := json.Marshal(map[string]string{"token": tok})
	return string(b)
}

func TestIndex_Mint(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	pub := oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "PyPI"}
	ok := mintResult{Status: 200, Token: true}
	with := func(f func(c map[string]any)) map[string]any {
		c := claimsAt(now, "")
		f(c)
		return c
	}
	invalidToken := mintResult{Status: 422, Code: "invalid-token", Desc: "malformed or invalid token"}
	noPublisher := func(reason string) mintResult {
		return mintResult{Status: 422, Code: "invalid-publisher", Desc: "valid token, but no corresponding publisher (" + reason + ")"}
	}
	cases := []struct {
		name       string
		publishers []oidctest.Publisher
		body       string                // raw body, if set
		claims     map[string]any        // signed with the test key
		key        *rsa.PrivateKey       // default oidctest.Key()
		path       string                // default /_/oidc/mint-token
		tweak      func(*oidctest.Index) // before the request
		want       mintResult
	}{
		{name: "ok", claims: claimsAt(now, ""), want: ok},
		{name: "ok_legacy_path", claims: claimsAt(now, ""), path: "/_/oidc/github/mint-token", want: ok},
		{name: "ok_prefix_stripped", claims: claimsAt(now, ""), path: "/mint-token", want: ok},
		{name: "ok_exp_within_leeway", claims: with(func(c map[string]any) { c["exp"] = now.Add(-29 * time.Second).Unix() }), want: ok},
		{name: "ok_no_nbf", claims: with(func(c map[string]any) { delete(c, "nbf") }), want: ok},
		{name: "ok_environment_case_insensitive", claims: with(func(c map[string]any) { c["environment"] = "pypi" }), want: ok},
		{name: "ok_at_sha", claims: with(func(c map[string]any) {
			c["job_workflow_ref"] = "octo-org/octo-repo/.github/workflows/release.yml@" + c["sha"].(string)
		}), want: ok},
		{name: "ok_publisher_without_environment_accepts_any",
			publishers: []oidctest.Publisher{{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml"}},
			claims:     with(func(c map[string]any) { c["environment"] = "staging" }), want: ok},
		{name: "ok_owner_id", publishers: []oidctest.Publisher{{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", OwnerID: "1342004"}},
			claims: claimsAt(now, ""), want: ok},
		{name: "body_not_json", body: "token=abc", want: mintResult{Status: 422, Code: "invalid-payload", Desc: "1 validation error for TokenPayload: the body is not a JSON object"}},
		{name: "token_missing", body: `{}`, want: mintResult{Status: 422, Code: "invalid-payload", Desc: "1 validation error for TokenPayload\ntoken\n  Field required"}},
		{name: "token_not_string", body: `{"token": 5}`, want: mintResult{Status: 422, Code: "invalid-payload", Desc: "1 validation error for TokenPayload\ntoken\n  Input should be a valid string"}},
		{name: "malformed_jwt", body: body("abc.def"), want: mintResult{Status: 422, Code: "invalid-payload", Desc: "malformed JWT"}},
		{name: "no_iss", claims: with(func(c map[string]any) { delete(c, "iss") }), want: mintResult{Status: 422, Code: "invalid-payload", Desc: "malformed JWT"}},
		{name: "unknown_issuer", claims: with(func(c map[string]any) { c["iss"] = "https://token.actions.octo.ghe.com" }),
			want: mintResult{Status: 422, Code: "invalid-payload", Desc: "unknown trusted publishing issuer"}},
		{name: "disabled", claims: claimsAt(now, ""), tweak: func(i *oidctest.Index) { i.SetDisabled(true) },
			want: mintResult{Status: 422, Code: "not-enabled", Desc: "github trusted publishing functionality not enabled"}},
		{name: "bad_signature", claims: claimsAt(now, ""), key: untrustedKey(), want: invalidToken},
		{name: "wrong_audience", claims: with(func(c map[string]any) { c["aud"] = "testpypi" }), want: invalidToken},
		{name: "audience_list", claims: with(func(c map[string]any) { c["aud"] = []string{"pypi"} }), want: invalidToken},
		{name: "expired", claims: with(func(c map[string]any) { c["exp"] = now.Add(-31 * time.Second).Unix() }), want: invalidToken},
		{name: "no_exp", claims: with(func(c map[string]any) { delete(c, "exp") }), want: invalidToken},
		{name: "no_iat", claims: with(func(c map[string]any) { delete(c, "iat") }), want: invalidToken},
		{name: "iat_in_future", claims: with(func(c map[string]any) { c["iat"] = now.Add(time.Minute).Unix() }), want: invalidToken},
		{name: "nbf_in_future", claims: with(func(c map[string]any) { c["nbf"] = now.Add(time.Minute).Unix() }), want: invalidToken},
		{name: "no_publisher", publishers: []oidctest.Publisher{}, claims: claimsAt(now, ""), want: noPublisher("Publisher with matching claims was not found")},
		{name: "other_workflow", claims: with(func(c map[string]any) {
			c["job_workflow_ref"] = "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0"
		}), want: noPublisher("Publisher with matching claims was not found")},
		{name: "environment_missing", claims: with(func(c map[string]any) { delete(c, "environment") }),
			want: noPublisher("Check failed for optional claim 'environment'")},
		{name: "owner_id_differs", publishers: []oidctest.Publisher{{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", OwnerID: "1"}},
			claims: claimsAt(now, ""), want: noPublisher("Publisher with matching claims was not found")},
		{name: "owner_case_differs", publishers: []oidctest.Publisher{{Owner: "Octo-Org", Repository: "octo-repo", Workflow: "release.yml"}},
			claims: claimsAt(now, ""), want: noPublisher("Check failed for required claim 'repository_owner'")},
		{name: "reusable_workflow_elsewhere", claims: with(func(c map[string]any) {
			c["job_workflow_ref"] = "octo-org/shared/.github/workflows/release.yml@refs/heads/main"
		}), want: noPublisher("The job_workflow_ref claim does not match, expecting one of ['octo-org/octo-repo/.github/workflows/release.yml@e2b4f1a2c3d4e5f60718293a4b5c6d7e8f901234', 'octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0'], got 'octo-org/shared/.github/workflows/release.yml@refs/heads/main'")},
		{name: "ref_and_sha_empty", claims: with(func(c map[string]any) { c["ref"] = ""; c["sha"] = "" }),
			want: noPublisher("The ref and sha claims are empty")},
		{name: "missing_sha", claims: with(func(c map[string]any) { delete(c, "sha") }), want: noPublisher("Missing claim 'sha'")},
		{name: "pull_request_target", claims: with(func(c map[string]any) { c["event_name"] = "pull_request_target" }),
			want: noPublisher("Publishing from a workflow invoked via 'pull_request_target' is not supported.")},
		{name: "no_workflow_file", claims: with(func(c map[string]any) { c["job_workflow_ref"] = "octo-org/octo-repo@refs/tags/v1" }),
			want: noPublisher("Could not job extract workflow filename from OIDC claims")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pubs := tc.publishers
			if pubs == nil {
				pubs = []oidctest.Publisher{pub}
			}
			idx := oidctest.NewIndex(oidctest.WithIndexClock(func() time.Time { return now }), oidctest.WithPublishers(pubs...))
			if tc.tweak != nil {
				tc.tweak(idx)
			}
			srv := httptest.NewServer(idx)
			t.Cleanup(srv.Close)
			b := tc.body
			if b == "" {
				c := maps.Clone(tc.claims)
				if c["jti"] == "" {
					c["jti"] = tc.name
				}
				k := tc.key
				if k == nil {
					k = oidctest.Key()
				}
				b = body(sign(t, k, c))
			}
			path := tc.path
			if path == "" {
				path = "/_/oidc/mint-token"
			}
			got := post(t, srv, path, b)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mint mismatch (-want +got):\n%s", diff)
			}
			wantMints := 0
			if tc.want.Token {
				wantMints = 1
			}
			if idx.Mints() != wantMints {
				t.Errorf("Mints() = %d, want %d", idx.Mints(), wantMints)
			}
		})
	}
}

func TestIndex_ReuseAndValidate(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	idx := oidctest.NewIndex(oidctest.WithIndexClock(clock), oidctest.WithMintedLifetime(time.Minute),
		oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml"}))
	srv := httptest.NewServer(idx)
	t.Cleanup(srv.Close)
	jwt := sign(t, oidctest.Key(), claimsAt(now, "only-once"))
	if got := post(t, srv, "/_/oidc/mint-token", body(jwt)); !got.Token {
		t.Fatalf("first mint = %+v, want a token", got)
	}
	want := mintResult{Status: 422, Code: "invalid-reuse-token", Desc: "invalid token: already used"}
	if diff := cmp.Diff(want, post(t, srv, "/_/oidc/mint-token", body(jwt))); diff != "" {
		t.Errorf("second mint mismatch (-want +got):\n%s", diff)
	}
	toks := idx.Tokens()
	if len(toks) != 1 {
		t.Fatalf("Tokens() = %d tokens, want 1", len(toks))
	}
	tok := toks[0]
	if err := idx.Validate(tok); err != nil {
		t.Errorf("Validate(fresh) = %v, want nil", err)
	}
	if err := idx.Validate("pypi-unknown"); err != oidctest.ErrInvalidToken {
		t.Errorf("Validate(unknown) = %v, want ErrInvalidToken", err)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if err := idx.Validate(tok); err == nil || err.Error() != "Invalid API Token: token is expired" {
		t.Errorf("Validate(expired) = %v, want Invalid API Token: token is expired", err)
	}
	// Burn: always 202; only real tokens count.
	for _, b := range []string{body(tok), body(tok), body("pypi-nope"), "garbage"} {
		resp, err := http.Post(srv.URL+"/_/oidc/burn-token", "application/json", strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Errorf("burn %q: status = %d, want 202", b, resp.StatusCode)
		}
	}
	if got := idx.Burns(); got != 1 {
		t.Errorf("Burns() = %d, want 1", got)
	}
	if err := idx.Validate(tok); err != oidctest.ErrInvalidToken {
		t.Errorf("Validate(burned) = %v, want ErrInvalidToken", err)
	}
}

func TestIndex_Audience(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		method     string
		path       string
		tweak      func(*oidctest.Index)
		wantStatus int
		wantBody   string
	}{
		{name: "ok", method: "GET", path: "/_/oidc/audience", wantStatus: 200, wantBody: `{"audience":"testpypi"}`},
		{name: "disabled", method: "GET", path: "/_/oidc/audience", tweak: func(i *oidctest.Index) { i.SetDisabled(true) },
			wantStatus: 403, wantBody: `{"message":"Trusted publishing functionality not enabled"}`},
		{name: "unsupported", method: "GET", path: "/_/oidc/audience", tweak: func(i *oidctest.Index) { i.SetUnsupported(true) }, wantStatus: 404},
		{name: "post", method: "POST", path: "/_/oidc/audience", wantStatus: 405},
		{name: "get_mint", method: "GET", path: "/_/oidc/mint-token", wantStatus: 405},
		{name: "unknown_path", method: "GET", path: "/_/oidc/other", wantStatus: 404},
		{name: "scripted", method: "GET", path: "/_/oidc/audience", tweak: func(i *oidctest.Index) { i.FailNext("audience", 1, 502, "bad gateway") },
			wantStatus: 502, wantBody: "bad gateway"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idx := oidctest.NewIndex(oidctest.WithAudience("testpypi"))
			if tc.tweak != nil {
				tc.tweak(idx)
			}
			srv := httptest.NewServer(idx)
			t.Cleanup(srv.Close)
			req, err := http.NewRequestWithContext(context.Background(), tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if tc.wantBody != "" && string(b) != tc.wantBody {
				t.Errorf("body = %q, want %q", b, tc.wantBody)
			}
		})
	}
}

func base64URL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func TestIndex_PendingPublishers(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	pending := oidctest.PendingPublisher{
		Publisher: oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml"},
		Project:   "Sample_Project",
	}
	cases := []struct {
		name         string
		existing     []string
		want         []mintResult // one per mint, each with a fresh jti
		wantProjects []string
	}{
		{
			name:         "creates_the_project_then_acts_as_a_publisher",
			want:         []mintResult{{Status: 200, Token: true}, {Status: 200, Token: true}},
			wantProjects: []string{"sample-project"},
		},
		{
			name:     "project_exists",
			existing: []string{"sample.project"},
			want: []mintResult{
				{Status: 422, Code: "invalid-pending-publisher", Desc: "valid token, but project already exists"},
				// The pending publisher is gone afterwards.
				{Status: 422, Code: "invalid-publisher", Desc: "valid token, but no corresponding publisher (Publisher with matching claims was not found)"},
			},
			wantProjects: []string{"sample-project"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			idx := oidctest.NewIndex(oidctest.WithIndexClock(func() time.Time { return now }),
				oidctest.WithPendingPublishers(pending), oidctest.WithExistingProjects(tc.existing...))
			srv := httptest.NewServer(idx)
			t.Cleanup(srv.Close)
			var got []mintResult
			for n := range tc.want {
				got = append(got, post(t, srv, "/_/oidc/mint-token", body(sign(t, oidctest.Key(), claimsAt(now, fmt.Sprint("jti-", n))))))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mints mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantProjects, idx.Projects()); diff != "" {
				t.Errorf("Projects() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
