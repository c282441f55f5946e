package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
)

func TestParsePlatform(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    oidc.Platform
		wantErr string
	}{
		{in: "", want: ""}, {in: "auto", want: ""}, {in: "GitLab", want: oidc.GitLabCI},
		{in: "github", want: oidc.GitHubActions}, {in: " google ", want: oidc.GoogleCloud},
		{in: "activestate", wantErr: "pypi-publisher"}, {in: "circleci", wantErr: "auto, github, gitlab or google"},
	}
	for _, tc := range cases {
		got, err := oidc.ParsePlatform(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParsePlatform(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePlatform(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestGitLabVariable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"pypi": "PYPI_ID_TOKEN", "testpypi": "TESTPYPI_ID_TOKEN", "sigstore": "SIGSTORE_ID_TOKEN",
		"my-index.example": "MY_INDEX_EXAMPLE_ID_TOKEN", "1x": "_X_ID_TOKEN"} {
		if got := oidc.GitLabVariable(in); got != want {
			t.Errorf("GitLabVariable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	gh := oidc.Env{GitHubActions: true}
	gl := oidc.GitLabEnv{CI: true, IDTokens: map[string]string{"PYPI_ID_TOKEN": "x"}}
	cases := []struct {
		name   string
		a      oidc.Ambient
		force  oidc.Platform
		want   oidc.Platform
		wantID string
	}{
		{name: "github", a: oidc.Ambient{GitHub: gh, RequestURL: "https://x/", RequestToken: "t"}, want: oidc.GitHubActions},
		{name: "github_without_permission", a: oidc.Ambient{GitHub: gh}, wantID: "TP-01"},
		{name: "gitlab", a: oidc.Ambient{GitLab: gl}, want: oidc.GitLabCI},
		{name: "gitlab_without_id_tokens", a: oidc.Ambient{GitLab: oidc.GitLabEnv{CI: true, ProjectPath: "g/p"}}, wantID: "TP-18"},
		{name: "google_impersonation_first", a: oidc.Ambient{GitLab: gl, Google: oidc.GoogleEnv{ServiceAccount: "sa@x"}}, want: oidc.GoogleCloud},
		{name: "gitlab_before_gce", a: oidc.Ambient{GitLab: gl, Google: oidc.GoogleEnv{OnGCE: true}}, want: oidc.GitLabCI},
		{name: "gce", a: oidc.Ambient{Google: oidc.GoogleEnv{OnGCE: true}}, want: oidc.GoogleCloud},
		{name: "github_first", a: oidc.Ambient{GitHub: gh, RequestURL: "u", RequestToken: "t", GitLab: gl}, want: oidc.GitHubActions},
		{name: "nothing", wantID: "TP-17"},
		{name: "forced_gitlab", a: oidc.Ambient{GitLab: oidc.GitLabEnv{IDTokens: map[string]string{"PYPI_ID_TOKEN": "x"}}}, force: oidc.GitLabCI, want: oidc.GitLabCI},
		{name: "forced_github_outside_actions", a: oidc.Ambient{RequestURL: "u", RequestToken: "t"}, force: oidc.GitHubActions, want: oidc.GitHubActions},
		{name: "forced_google", force: oidc.GoogleCloud, want: oidc.GoogleCloud},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src, err := oidc.Detect(tc.a, tc.force)
			if tc.wantID != "" {
				var oe *oidc.Error
				if !errors.As(err, &oe) || oe.ID != tc.wantID {
					t.Fatalf("Detect() = %v, want %s", err, tc.wantID)
				}
				if !errors.Is(err, oidc.ErrNotConfigured) {
					t.Errorf("errors.Is(Detect(), ErrNotConfigured) = false, want true")
				}
				return
			}
			if err != nil {
				t.Fatalf("Detect() error = %v", err)
			}
			if got := src.Platform(); got != tc.want {
				t.Errorf("Detect().Platform() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGitHubSource(t *testing.T) {
	t.Parallel()
	gh := oidctest.NewGitHub(t)
	src := oidc.NewGitHubSource(gh.URL(), gh.RequestToken())
	tok, err := src.IDToken(t.Context(), "pypi")
	if err != nil {
		t.Fatalf("IDToken() error = %v", err)
	}
	if c, _ := oidc.DecodeClaims(tok); c.String("aud") != "pypi" {
		t.Errorf("token aud = %q, want pypi", c.String("aud"))
	}
	for name, s := range map[string]*oidc.GitHubSource{
		"wrong_request_token": oidc.NewGitHubSource(gh.URL(), "wrong-request-token-value"),
		"bad_url":             oidc.NewGitHubSource("::", gh.RequestToken()),
	} {
		_, err := s.IDToken(t.Context(), "pypi")
		var oe *oidc.Error
		if !errors.As(err, &oe) || oe.ID != "TP-09" {
			t.Errorf("%s: IDToken() = %v, want TP-09", name, err)
		}
		if err != nil && strings.Contains(oe.Message+oe.Details, "wrong-request-token-value") {
			t.Errorf("%s: the request token leaked: %v", name, oe.Message)
		}
	}
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"value":"` + strings.Repeat("a", 70<<10) + `"}`))
	}))
	defer big.Close()
	if _, err := oidc.NewGitHubSource(big.URL+"/?api-version=2.0", "t").IDToken(t.Context(), "pypi"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("IDToken(oversized answer) = %v, want a bound error", err)
	}
}

func TestGitLabSource(t *testing.T) {
	t.Parallel()
	pypi, err := oidctest.GitLabToken("pypi", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := oidctest.GitLabToken("sigstore", nil, 0)
	list, _ := oidctest.GitLabToken("testpypi", map[string]any{"aud": []string{"testpypi", "pypi"}}, 0)
	cases := []struct {
		name     string
		vars     map[string]string
		audience string
		wantText []string // "" = success
	}{
		{name: "ok", vars: map[string]string{"PYPI_ID_TOKEN": pypi + "\n"}, audience: "pypi"},
		{name: "missing_lists_others", vars: map[string]string{"PYPI_ID_TOKEN": pypi, "SIGSTORE_ID_TOKEN": sig}, audience: "testpypi",
			wantText: []string{"TESTPYPI_ID_TOKEN", "PYPI_ID_TOKEN (aud pypi)", "SIGSTORE_ID_TOKEN (aud sigstore)", "aud: testpypi"}},
		{name: "wrong_audience", vars: map[string]string{"TESTPYPI_ID_TOKEN": pypi}, audience: "testpypi",
			wantText: []string{`"pypi", not "testpypi"`, "| `project_path` | `octo-group/octo-project` |"}},
		{name: "list_audience", vars: map[string]string{"TESTPYPI_ID_TOKEN": list}, audience: "testpypi", wantText: []string{"a list"}},
		{name: "not_a_jwt", vars: map[string]string{"PYPI_ID_TOKEN": "hello"}, audience: "pypi", wantText: []string{"JWT"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := oidc.NewGitLabSource(tc.vars)
			tok, err := src.IDToken(t.Context(), tc.audience)
			if len(tc.wantText) == 0 {
				if err != nil || tok != pypi {
					t.Fatalf("IDToken() = %.10q, %v; want the variable's token", tok, err)
				}
				return
			}
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != "TP-18" {
				t.Fatalf("IDToken() = %v, want TP-18", err)
			}
			all := oe.Message + oe.Hint + oe.Details
			for _, w := range tc.wantText {
				if !strings.Contains(all, w) {
					t.Errorf("TP-18 texts lack %q:\n%s", w, all)
				}
			}
			for _, v := range tc.vars {
				if len(v) > 16 && strings.Contains(all, strings.TrimSpace(v)) {
					t.Errorf("a token leaked into TP-18")
				}
			}
		})
	}
}

func TestGoogleSource(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		env      oidc.GoogleEnv
		script   func(g *oidctest.Google)
		wantMail string
		wantText []string // TP-19 texts; nil = success
	}{
		{name: "direct", wantMail: oidctest.GoogleDefaultAccount},
		{name: "impersonation", env: oidc.GoogleEnv{ServiceAccount: oidctest.GoogleTargetAccount}, wantMail: oidctest.GoogleTargetAccount},
		{name: "impersonation_denied", env: oidc.GoogleEnv{ServiceAccount: oidctest.GoogleDefaultAccount},
			wantText: []string{"403", "serviceAccountOpenIdTokenCreator", "getOpenIdToken"}},
		{name: "unknown_account", env: oidc.GoogleEnv{ServiceAccount: "nobody@x.iam.gserviceaccount.com"}, wantText: []string{"404", "unique ID"}},
		{name: "identity_not_served", script: func(g *oidctest.Google) { g.FailNext("identity", 1, 404, "Not Found") },
			wantText: []string{"404", "GOOGLE_SERVICE_ACCOUNT_NAME"}},
		{name: "access_token_outage", env: oidc.GoogleEnv{ServiceAccount: oidctest.GoogleTargetAccount},
			script: func(g *oidctest.Google) { g.FailNext("token", 1, 503, "down") }, wantText: []string{"access token", "503"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := oidctest.NewGoogle(t, oidctest.GoogleOptions{})
			if tc.script != nil {
				tc.script(g)
			}
			env := tc.env
			env.MetadataURL, env.IAMURL = g.URL(), g.URL()
			var masked []string
			src := oidc.NewGoogleSource(env, oidc.WithSourceMask(func(s string) { masked = append(masked, s) }))
			tok, err := src.IDToken(t.Context(), "pypi")
			if tc.wantText == nil {
				if err != nil {
					t.Fatalf("IDToken() error = %v", err)
				}
				c, _ := oidc.DecodeClaims(tok)
				if c.String("email") != tc.wantMail || c.String("aud") != "pypi" || c.String("email_verified") != "true" {
					t.Errorf("token claims = %v, want email %s, aud pypi, email_verified", c, tc.wantMail)
				}
				if tc.env.ServiceAccount != "" && len(masked) != 1 {
					t.Errorf("masked %d secrets, want the access token", len(masked))
				}
				return
			}
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != "TP-19" {
				t.Fatalf("IDToken() = %v, want TP-19", err)
			}
			all := oe.Message + " " + oe.Hint + " " + oe.Details
			for _, w := range tc.wantText {
				if !strings.Contains(all, w) {
					t.Errorf("TP-19 texts lack %q:\n%s", w, all)
				}
			}
			for _, s := range g.Issued() {
				if strings.Contains(all, s) {
					t.Errorf("a Google token leaked into TP-19")
				}
			}
		})
	}
}

// The metadata server's answer must say it is one, and an unreachable
// server fails within the deadline with a hint for users off Google Cloud.
func TestGoogleSource_notAMetadataServer(t *testing.T) {
	t.Parallel()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("a.b.c")) }))
	defer plain.Close()
	_, err := oidc.NewGoogleSource(oidc.GoogleEnv{MetadataURL: plain.URL}).IDToken(t.Context(), "pypi")
	if err == nil || !strings.Contains(err.Error(), "Metadata-Flavor") {
		t.Errorf("IDToken(plain server) = %v, want a Metadata-Flavor error", err)
	}
	plain.Close()
	_, err = oidc.NewGoogleSource(oidc.GoogleEnv{MetadataURL: plain.URL}).IDToken(t.Context(), "pypi")
	var oe *oidc.Error
	if !errors.As(err, &oe) || !strings.Contains(oe.Hint, "only on Google Cloud") {
		t.Errorf("IDToken(closed server) = %v, want TP-19 with the off-Google hint", err)
	}
}

// platformEnv is an exchanger on a fake index with GitLab and Google
// publishers, taking tokens from src.
func platformEnv(t *testing.T, src oidc.TokenSource, c *clock, idxOpts ...oidctest.IndexOption) (*oidc.Exchanger, *oidctest.Index, *recorder) {
	t.Helper()
	idx := oidctest.NewIndex(append([]oidctest.IndexOption{oidctest.WithIndexClock(c.Now)}, idxOpts...)...)
	srv := httptest.NewServer(idx)
	t.Cleanup(srv.Close)
	rec := &recorder{}
	ex, err := oidc.New(srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithTokenSource(src), oidc.WithClock(c.Now),
		oidc.WithLogf(rec.Logf), oidc.WithMask(rec.Mask), oidc.WithRetry(testBackoff), oidc.WithHTTPClient(srv.Client()),
		oidc.WithIndex("PyPI", "https://pypi.org"), oidc.WithProjects("sampleproject"))
	if err != nil {
		t.Fatal(err)
	}
	return ex, idx, rec
}

var gitlabPublisher = oidctest.GitLabPublisher{Namespace: "octo-group", Project: "octo-project", WorkflowFilepath: ".gitlab-ci.yml", Environment: "pypi"}

func TestMint_GitLab(t *testing.T) {
	t.Parallel()
	tok, _ := oidctest.GitLabToken("pypi", nil, 0)
	c := newClock()
	ex, idx, rec := platformEnv(t, oidc.NewGitLabSource(map[string]string{"PYPI_ID_TOKEN": tok}), c, oidctest.WithGitLabPublishers(gitlabPublisher))
	minted, err := ex.Mint(t.Context())
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	if minted.Platform != oidc.GitLabCI || minted.Claims.String("project_path") != "octo-group/octo-project" {
		t.Errorf("Mint() = platform %q, claims %v", minted.Platform, minted.Claims)
	}
	// A second exchange of the same job token is refused once, not retried.
	_, err = ex.Mint(t.Context())
	var oe *oidc.Error
	if !errors.As(err, &oe) || oe.ID != "TP-14" || !strings.Contains(oe.Hint, "once per job") {
		t.Fatalf("second Mint() = %v, want TP-14 with GitLab's hint", err)
	}
	if got := idx.Requests("mint-token"); got != 2 {
		t.Errorf("mint requests = %d, want 2 (no retry with the same token)", got)
	}
	// The minted token is used until it expires; then TP-20.
	src := ex.Source(minted)
	c.Advance(13 * time.Minute)
	if _, pass, err := src.Credentials(t.Context()); err != nil || pass != minted.Value {
		t.Errorf("Credentials() with 2 minutes left = %v; want the same token", err)
	}
	c.Advance(3 * time.Minute)
	if _, _, err := src.Credentials(t.Context()); !errors.As(err, &oe) || oe.ID != "TP-20" {
		t.Errorf("Credentials() after expiry = %v, want TP-20", err)
	}
	if err := src.Refresh(t.Context()); !errors.As(err, &oe) || oe.ID != "TP-20" {
		t.Errorf("Refresh() = %v, want TP-20", err)
	}
	_ = rec
}

func TestMint_GitLabRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		pub      oidctest.GitLabPublisher
		claims   map[string]any
		wantText []string
	}{
		{name: "no_publisher", pub: oidctest.GitLabPublisher{Namespace: "other", Project: "p", WorkflowFilepath: ".gitlab-ci.yml"},
			wantText: []string{"Publisher with matching claims was not found", "| Namespace | `octo-group` |", "| Project name | `octo-project` |",
				"| Top-level pipeline file path | `.gitlab-ci.yml` |", "| Environment name | `pypi` |",
				"https://pypi.org/manage/project/sampleproject/settings/publishing/?provider=gitlab&namespace=octo-group&project=octo-project&workflow_filepath=.gitlab-ci.yml&environment=pypi&issuer_url=https%3A%2F%2Fgitlab.com",
				"`ci_config_ref_uri`", `the variable PYPI\_ID\_TOKEN`}},
		{name: "environment_is_case_sensitive", pub: gitlabPublisher, claims: map[string]any{"environment": "PyPI"},
			wantText: []string{"Check failed for optional claim 'environment'"}},
		{name: "nested_group", pub: oidctest.GitLabPublisher{Namespace: "a/b", Project: "c", WorkflowFilepath: "ci/release.yml"},
			claims:   map[string]any{"project_path": "a/b/c", "sub": "project_path:a/b/c:ref_type:tag:ref:v1", "ci_config_ref_uri": "gitlab.com/a/b/c//ci/release.yml@refs/heads/main"},
			wantText: []string{"expecting one of"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok, _ := oidctest.GitLabToken("pypi", tc.claims, 0)
			ex, _, _ := platformEnv(t, oidc.NewGitLabSource(map[string]string{"PYPI_ID_TOKEN": tok}), newClock(), oidctest.WithGitLabPublishers(tc.pub))
			_, err := ex.Mint(t.Context())
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != "TP-10" {
				t.Fatalf("Mint() = %v, want TP-10", err)
			}
			all := oe.Message + "\n" + oe.Hint + "\n" + oe.Details
			for _, w := range tc.wantText {
				if !strings.Contains(all, w) {
					t.Errorf("TP-10 lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, tok) {
				t.Error("the GitLab token leaked")
			}
		})
	}
}

func TestMint_Google(t *testing.T) {
	t.Parallel()
	g := oidctest.NewGoogle(t, oidctest.GoogleOptions{})
	src := oidc.NewGoogleSource(oidc.GoogleEnv{ServiceAccount: oidctest.GoogleTargetAccount, MetadataURL: g.URL(), IAMURL: g.URL()})
	ex, _, _ := platformEnv(t, src, newClock(), oidctest.WithGooglePublishers(oidctest.GooglePublisher{Email: oidctest.GoogleTargetAccount}))
	tok, err := ex.Mint(t.Context())
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	// Google tokens have no jti: every mint gets a fresh one and works.
	srcTok := ex.Source(tok)
	if err := srcTok.Refresh(t.Context()); err != nil {
		t.Errorf("Refresh() error = %v", err)
	}

	wrong := oidc.NewGoogleSource(oidc.GoogleEnv{MetadataURL: g.URL(), IAMURL: g.URL()}) // the default account
	ex2, _, _ := platformEnv(t, wrong, newClock(), oidctest.WithGooglePublishers(oidctest.GooglePublisher{Email: oidctest.GoogleTargetAccount}))
	_, err = ex2.Mint(t.Context())
	var oe *oidc.Error
	if !errors.As(err, &oe) || oe.ID != "TP-10" {
		t.Fatalf("Mint(other account) = %v, want TP-10", err)
	}
	for _, w := range []string{"| Email | `" + oidctest.GoogleDefaultAccount + "` |", "provider=google&email=123456789-compute%40developer.gserviceaccount.com&sub=",
		"`email_verified`", oidctest.GoogleDefaultAccount} {
		if !strings.Contains(oe.Details+oe.Hint, w) {
			t.Errorf("TP-10 lacks %q:\n%s", w, oe.Details)
		}
	}
}

// A source's own *Error passes through Mint unchanged.
func TestMint_sourceErrorPassesThrough(t *testing.T) {
	t.Parallel()
	ex, _, _ := platformEnv(t, oidc.NewGitLabSource(map[string]string{"SIGSTORE_ID_TOKEN": "x.y.z"}), newClock())
	_, err := ex.Mint(context.Background())
	var oe *oidc.Error
	if !errors.As(err, &oe) || oe.ID != "TP-18" {
		t.Errorf("Mint() = %v, want TP-18", err)
	}
}
