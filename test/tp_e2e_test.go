package test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// tpIndex is a fake index with the trusted-publishing endpoints of idx
// mounted and uploads authenticated by idx.Validate (or by auth, if set).
func tpIndex(t *testing.T, idx *oidctest.Index, auth func(user, password string) error) *publishtest.Server {
	t.Helper()
	if auth == nil {
		auth = func(_, password string) error { return idx.Validate(password) }
	}
	srv := publishtest.New(
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithAuth(auth),
	)
	t.Cleanup(srv.Close)
	return srv
}

// githubVars is the runner's environment of a push to this project's
// release workflow with id-token: write, the token service at tokenURL, and
// the index kind for PYPI_PUBLISH_INDEX_KIND.
func githubVars(tokenURL, requestToken, kind string) map[string]string {
	return map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   tokenURL,
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": requestToken,
		"GITHUB_REPOSITORY":              tpRepository,
		"GITHUB_REPOSITORY_OWNER":        "octo-org",
		"GITHUB_WORKFLOW_REF":            tpWorkflowRef,
		"GITHUB_EVENT_NAME":              "push",
		"GITHUB_SERVER_URL":              "https://github.com",
		"PYPI_PUBLISH_INDEX_KIND":        kind,
	}
}

// tpEnv is a GitHub Actions environment with id-token: write for the fake
// token service gh. Attestations are off: these tests are about the token.
func tpEnv(gh *oidctest.GitHub, srv *publishtest.Server, kind string) Env {
	return Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "attestations": "false"},
		Vars:   githubVars(gh.URL(), gh.RequestToken(), kind),
		Files:  demoFiles(),
	}
}

// tpPublisher matches oidctest.DefaultClaims.
var tpPublisher = oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"}

// checkTPSecrets checks, after a run, that no GitHub JWT, request token or
// minted token appears anywhere except in its own ::add-mask:: line, and
// that every minted token is masked before anything else mentions it.
func checkTPSecrets(t *testing.T, r *Run, gh *oidctest.GitHub, idx *oidctest.Index) {
	t.Helper()
	secrets := append(gh.Issued(), gh.RequestToken())
	secrets = append(secrets, idx.Tokens()...)
	var parts []string
	for _, s := range gh.Issued() {
		// A JWT's payload and signature are secret on their own, too.
		for _, p := range strings.Split(s, ".")[1:] {
			if len(p) >= 16 {
				parts = append(parts, p)
			}
		}
	}
	checkSecrets(t, r, secrets)
	for _, p := range parts {
		for _, line := range strings.Split(r.Output()+"\n"+r.Summary, "\n") {
			if strings.Contains(line, p) && !strings.HasPrefix(line, "::add-mask::") {
				t.Errorf("part of a GitHub token leaked: %q", line)
			}
		}
	}
	for _, tok := range idx.Tokens() {
		if !strings.Contains(r.Stdout, "::add-mask::"+tok) {
			t.Errorf("minted token %.9s… was never masked", tok)
		}
	}
}

// TestTP_success is the trusted-publishing path end to end: audience, a
// GitHub token, the mint, the uploads with the minted token, the mask, and
// the best-effort burn at the end.
func TestTP_success(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"pypi", "other"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			gh := oidctest.NewGitHub(t)
			idx := oidctest.NewIndex(oidctest.WithPublishers(tpPublisher))
			srv := tpIndex(t, idx, nil)
			r := runAction(t, newWorkspace(t), tpEnv(gh, srv, kind))
			if r.Code != 0 {
				t.Fatalf("exit code = %d, want 0", r.Code)
			}
			if got := len(srv.Files()); got != 2 {
				t.Errorf("index holds %d files, want 2", got)
			}
			if got := idx.Mints(); got != 1 {
				t.Errorf("mints = %d, want 1", got)
			}
			if got := r.Outputs["trusted-publishing"]; got != "true" {
				t.Errorf("trusted-publishing output = %q, want true", got)
			}
			if got := idx.Burns(); got != 1 {
				t.Errorf("burns = %d, want 1 (the token is revoked after the uploads)", got)
			}
			if errs := annotations(r, "error"); len(errs) != 0 {
				t.Errorf("error annotations: %q", errs)
			}
			checkTPSecrets(t, r, gh, idx)
		})
	}
}

// TestTP_remint: a token with less than 3 minutes left is replaced before
// each file (TP-16), and a token the index calls expired is replaced once
// and the file retried (UP-09).
func TestTP_remint(t *testing.T) {
	t.Parallel()
	t.Run("short_lifetime", func(t *testing.T) {
		t.Parallel()
		gh := oidctest.NewGitHub(t)
		// Two minutes: under the 3-minute margin, so every file re-mints.
		idx := oidctest.NewIndex(oidctest.WithPublishers(tpPublisher), oidctest.WithMintedLifetime(2*time.Minute))
		srv := tpIndex(t, idx, nil)
		r := runAction(t, newWorkspace(t), tpEnv(gh, srv, "pypi"))
		if r.Code != 0 {
			t.Fatalf("exit code = %d, want 0", r.Code)
		}
		if got := idx.Mints(); got != 3 {
			t.Errorf("mints = %d, want 3 (one, then one before each of the 2 files)", got)
		}
		if got, want := len(gh.Issued()), idx.Mints(); got != want {
			t.Errorf("GitHub tokens = %d, want one per mint (%d)", got, want)
		}
		if got := len(srv.Files()); got != 2 {
			t.Errorf("index holds %d files, want 2", got)
		}
		checkTPSecrets(t, r, gh, idx)
	})
	t.Run("expired_on_the_index", func(t *testing.T) {
		t.Parallel()
		gh := oidctest.NewGitHub(t)
		idx := oidctest.NewIndex(oidctest.WithPublishers(tpPublisher))
		var mu sync.Mutex
		expired := false
		srv := tpIndex(t, idx, func(_, password string) error {
			mu.Lock()
			defer mu.Unlock()
			if !expired {
				expired = true
				return oidctest.ErrTokenExpired
			}
			return idx.Validate(password)
		})
		r := runAction(t, newWorkspace(t), tpEnv(gh, srv, "pypi"))
		if r.Code != 0 {
			t.Fatalf("exit code = %d, want 0", r.Code)
		}
		if got := idx.Mints(); got != 2 {
			t.Errorf("mints = %d, want 2 (the first, and one after \"token is expired\")", got)
		}
		if got := len(srv.Files()); got != 2 {
			t.Errorf("index holds %d files, want 2", got)
		}
		checkTPSecrets(t, r, gh, idx)
	})
}

// TestTP_failures runs each trusted-publishing failure through the binary:
// exit 1, one error annotation naming the situation's facts, the details in
// the step summary, nothing uploaded, and no secret in any output.
func TestTP_failures(t *testing.T) {
	t.Parallel()
	forkEvent := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(forkEvent, []byte(`{"pull_request":{"head":{"repo":{"fork":true}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	reuse := `{"message":"Token request failed","errors":[{"code":"invalid-reuse-token","description":"invalid token: already used"}]}`
	cases := []struct {
		name        string
		kind        string
		publishers  []oidctest.Publisher
		claims      map[string]any
		env         func(e *Env)
		script      func(gh *oidctest.GitHub, idx *oidctest.Index)
		wantID      string
		wantError   []string // in the error annotation
		wantSummary []string
		wantMints   int // mint requests
	}{
		{
			name: "TP-01_no_id_token_permission",
			env: func(e *Env) {
				delete(e.Vars, "ACTIONS_ID_TOKEN_REQUEST_URL")
				delete(e.Vars, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
			},
			wantID:    "TP-01",
			wantError: []string{"id-token: write", "ACTIONS_ID_TOKEN_REQUEST_URL"},
		},
		{
			name: "TP-02_fork_pull_request",
			env: func(e *Env) {
				delete(e.Vars, "ACTIONS_ID_TOKEN_REQUEST_URL")
				delete(e.Vars, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
				e.Vars["GITHUB_EVENT_NAME"] = "pull_request"
				e.Vars["GITHUB_EVENT_PATH"] = forkEvent
			},
			wantID:    "TP-02",
			wantError: []string{"fork"},
		},
		{
			name:      "TP-03_pull_request_target",
			kind:      "pypi",
			env:       func(e *Env) { e.Vars["GITHUB_EVENT_NAME"] = "pull_request_target" },
			wantID:    "TP-03",
			wantError: []string{"pull_request_target"},
		},
		{
			name:      "TP-04_enterprise_server",
			kind:      "pypi",
			env:       func(e *Env) { e.Vars["GITHUB_SERVER_URL"] = "https://github.example.com" },
			wantID:    "TP-04",
			wantError: []string{"GitHub Enterprise", "https://github.example.com"},
		},
		{
			name:      "TP-04_enterprise_issuer",
			kind:      "other",
			claims:    map[string]any{"iss": "https://token.actions.octo.ghe.com"},
			wantID:    "TP-04",
			wantError: []string{"GitHub Enterprise", "octo.ghe.com"},
			wantMints: 1,
		},
		{
			name:      "TP-06_disabled",
			script:    func(_ *oidctest.GitHub, idx *oidctest.Index) { idx.SetDisabled(true) },
			wantID:    "TP-06",
			wantError: []string{"disabled", "Trusted publishing functionality not enabled"},
		},
		{
			name:      "TP-07_unsupported",
			script:    func(_ *oidctest.GitHub, idx *oidctest.Index) { idx.SetUnsupported(true) },
			wantID:    "TP-07",
			wantError: []string{"404"},
		},
		{
			name:      "TP-08_audience_outage",
			script:    func(_ *oidctest.GitHub, idx *oidctest.Index) { idx.FailNext("audience", 4, 503, "<html>down</html>") },
			wantID:    "TP-08",
			wantError: []string{"503"},
		},
		{
			name:      "TP-09_github_token_service",
			script:    func(gh *oidctest.GitHub, _ *oidctest.Index) { gh.FailNext(1, 500, "token service unavailable") },
			wantID:    "TP-09",
			wantError: []string{"GitHub"},
		},
		{
			name:       "TP-10_no_publisher",
			publishers: []oidctest.Publisher{},
			wantID:     "TP-10",
			wantError:  []string{"invalid-publisher", "Publisher with matching claims was not found"},
			wantSummary: []string{
				"`invalid-publisher`", "`repository_owner_id`", "`job_workflow_ref`", "`environment`",
				"| Owner | `octo-org` |", "| Repository name | `octo-repo` |", "| Workflow name | `release.yml` |", "| Environment name | `pypi` |",
				"https://docs.pypi.org/trusted-publishers/troubleshooting/",
			},
			wantMints: 1,
		},
		{
			name:        "TP-10_wrong_environment",
			claims:      map[string]any{"environment": "staging"},
			wantID:      "TP-10",
			wantError:   []string{"environment"},
			wantSummary: []string{"`staging`"},
			wantMints:   1,
		},
		{
			name: "TP-11_mint_outage",
			script: func(_ *oidctest.GitHub, idx *oidctest.Index) {
				idx.FailNext("mint-token", 4, 502, "<html>bad gateway</html>")
			},
			wantID:    "TP-11",
			wantError: []string{"502"},
			wantMints: 4,
		},
		{
			name:      "TP-14_reuse_twice",
			script:    func(_ *oidctest.GitHub, idx *oidctest.Index) { idx.FailNext("mint-token", 2, 422, reuse) },
			wantID:    "TP-14",
			wantError: []string{"invalid-reuse-token"},
			wantMints: 2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gh := oidctest.NewGitHub(t, oidctest.WithClaims(tc.claims))
			pubs := tc.publishers
			if pubs == nil {
				pubs = []oidctest.Publisher{tpPublisher}
			}
			idx := oidctest.NewIndex(oidctest.WithPublishers(pubs...))
			srv := tpIndex(t, idx, nil)
			if tc.script != nil {
				tc.script(gh, idx)
			}
			kind := tc.kind
			if kind == "" {
				kind = "other"
			}
			env := tpEnv(gh, srv, kind)
			if tc.env != nil {
				tc.env(&env)
			}
			r := runAction(t, newWorkspace(t), env)
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			errs := annotations(r, "error")
			if len(errs) != 1 {
				t.Fatalf("error annotations = %q, want exactly one", errs)
			}
			for _, w := range tc.wantError {
				if !strings.Contains(errs[0], w) {
					t.Errorf("error annotation %q does not contain %q", errs[0], w)
				}
			}
			for _, w := range append([]string{tc.wantID}, tc.wantSummary...) {
				if !strings.Contains(r.Summary, w) {
					t.Errorf("step summary does not contain %q:\n%s", w, r.Summary)
				}
			}
			if n := len(srv.Uploads()); n != 0 {
				t.Errorf("%d uploads, want none", n)
			}
			if got := idx.Requests("mint-token"); got != tc.wantMints {
				t.Errorf("mint requests = %d, want %d", got, tc.wantMints)
			}
			if idx.Mints() != 0 {
				t.Errorf("mints = %d, want 0", idx.Mints())
			}
			if strings.Contains(r.Output(), "goroutine") || strings.Contains(r.Output(), "Traceback") {
				t.Errorf("output has a stack trace")
			}
			checkTPSecrets(t, r, gh, idx)
		})
	}
}

// TestTP_reusableWorkflow is TP-05: a publish from a reusable workflow
// (workflow_ref ≠ job_workflow_ref) works when the publisher names the
// called file, with one warning that shows both refs.
func TestTP_reusableWorkflow(t *testing.T) {
	t.Parallel()
	called := "octo-org/octo-repo/.github/workflows/publish.yml@refs/tags/v1.0.0"
	gh := oidctest.NewGitHub(t, oidctest.WithClaims(map[string]any{"job_workflow_ref": called}))
	idx := oidctest.NewIndex(oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "publish.yml"}))
	srv := tpIndex(t, idx, nil)
	r := runAction(t, newWorkspace(t), tpEnv(gh, srv, "pypi"))
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	var found bool
	for _, w := range annotations(r, "warning") {
		if strings.Contains(w, tpWorkflowRef) && strings.Contains(w, called) {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning naming both %q and %q in %q", tpWorkflowRef, called, annotations(r, "warning"))
	}
	if got := len(srv.Files()); got != 2 {
		t.Errorf("index holds %d files, want 2", got)
	}
	checkTPSecrets(t, r, gh, idx)
}
