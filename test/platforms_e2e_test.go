package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// Trusted publishing outside GitHub Actions: the binary in a GitLab CI/CD
// job and on Google Cloud, against the fake token sources (the job's
// variables; a metadata server and IAM Credentials on loopback), the fake
// index with GitLab and Google publishers, and the fake Sigstore.

var (
	gitlabPub    = oidctest.GitLabPublisher{Namespace: "octo-group", Project: "octo-project", WorkflowFilepath: ".gitlab-ci.yml", Environment: "pypi"}
	gitlabSigner = attest.Identity{Platform: attest.PlatformGitLab, Repository: "octo-group/octo-project", Workflow: ".gitlab-ci.yml"}
	googleSigner = attest.Identity{Platform: attest.PlatformGoogle, Email: oidctest.GoogleTargetAccount}
)

// platformIndex is a PyPI-rules fake index trusting the given publishers,
// verifying uploaded attestations for signer against the fake Sigstore.
func platformIndex(t *testing.T, sf *attesttest.Sigstore, signer attest.Identity, opts ...oidctest.IndexOption) (*publishtest.Server, *oidctest.Index) {
	t.Helper()
	idx := oidctest.NewIndex(opts...)
	srv := publishtest.New(
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithAuth(func(_, password string) error { return idx.Validate(password) }),
		publishtest.WithAttestationVerifier(attesttest.Verifier(sf.Root, signer)),
	)
	t.Cleanup(srv.Close)
	return srv, idx
}

// ciEnv is a run outside GitHub Actions (GITHUB_ACTIONS unset) against
// srv as PyPI, with the Sigstore endpoints pointed at sf and the outputs
// written to a --json file.
func ciEnv(t *testing.T, srv *publishtest.Server, sf *attesttest.Sigstore, vars map[string]string) (Env, string) {
	t.Helper()
	jsonPath := filepath.Join(t.TempDir(), "outputs.json")
	env := Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL()},
		Vars: map[string]string{
			"GITHUB_ACTIONS": "", "GITHUB_OUTPUT": "", "GITHUB_STEP_SUMMARY": "",
			"PYPI_PUBLISH_INDEX_KIND":   "pypi",
			"PYPI_PUBLISH_FULCIO_URL":   sf.Fulcio.URL,
			"PYPI_PUBLISH_REKOR_URL":    sf.Rekor.URL,
			"PYPI_PUBLISH_TRUSTED_ROOT": sf.RootPath,
		},
		Files: demoFiles(),
		Args:  []string{"--json", jsonPath},
	}
	for k, v := range vars {
		env.Vars[k] = v
	}
	return env, jsonPath
}

// checkTerminal fails on a workflow command or GitHub-only wording in a
// run outside GitHub Actions.
func checkTerminal(t *testing.T, r *Run) {
	t.Helper()
	for _, line := range strings.Split(r.Output(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("workflow command outside GitHub Actions: %q", line)
		}
	}
	for _, bad := range []string{"%0A", "step summary", "Docker action", "RUNNER_TEMP"} {
		if strings.Contains(r.Output(), bad) {
			t.Errorf("terminal output contains %q", bad)
		}
	}
}

// jsonOutputs reads the --json file.
func jsonOutputs(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("--json file: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("--json file %s: %v", b, err)
	}
	return m
}

// checkSuccess checks a successful trusted publish with attestations:
// both files on the index with attestations PyPI's checks accept, the
// outputs, the plain log, no secret anywhere.
func checkSuccess(t *testing.T, r *Run, srv *publishtest.Server, idx *oidctest.Index, jsonPath string, secrets []string) {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	checkTerminal(t, r)
	ups := srv.Uploads()
	if len(ups) != 2 {
		t.Fatalf("%d uploads, want 2", len(ups))
	}
	for _, u := range ups {
		if u.Attestations == "" {
			t.Errorf("%s was uploaded without attestations", u.Filename)
		}
	}
	out := jsonOutputs(t, jsonPath)
	if out["trusted-publishing"] != true || len(out["attestation-files"].([]any)) != 2 {
		t.Errorf("outputs = %v, want trusted publishing and two attestation files", out)
	}
	for _, w := range []string{"notice: Generated attestations for 2 distributions.", "Uploaded " + demoWheel, "Authentication  trusted publishing"} {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("log lacks %q", w)
		}
	}
	if idx.Burns() != 1 {
		t.Errorf("burns = %d, want 1", idx.Burns())
	}
	checkSecrets(t, r, append(secrets, idx.Tokens()...))
}

func gitlabToken(t *testing.T, aud string, claims map[string]any) string {
	t.Helper()
	tok, err := oidctest.GitLabToken(aud, claims, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestGitLab_success: a GitLab job with PYPI_ID_TOKEN and SIGSTORE_ID_TOKEN
// publishes with trusted publishing and attestations for its project's
// pipeline, as PyPI checks them.
func TestGitLab_success(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	srv, idx := platformIndex(t, sf, gitlabSigner, oidctest.WithGitLabPublishers(gitlabPub))
	pypiTok, sigTok := gitlabToken(t, "pypi", nil), gitlabToken(t, "sigstore", nil)
	env, jsonPath := ciEnv(t, srv, sf, map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": pypiTok, "SIGSTORE_ID_TOKEN": sigTok,
		"CI_PROJECT_PATH": "octo-group/octo-project"})
	r := runAction(t, newWorkspace(t), env)
	checkSuccess(t, r, srv, idx, jsonPath, []string{pypiTok, sigTok})
	if idx.Mints() != 1 {
		t.Errorf("mints = %d, want 1", idx.Mints())
	}
}

// TestGitLab_failures runs each GitLab diagnostic through the binary.
func TestGitLab_failures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		audience string // the index's; "" is pypi
		vars     func(t *testing.T) map[string]string
		pubs     []oidctest.GitLabPublisher
		args     []string
		wantCode int
		want     []string
	}{
		{name: "TP-18_no_id_tokens", vars: func(*testing.T) map[string]string {
			return map[string]string{"CI_PROJECT_PATH": "octo-group/octo-project", "CI_CONFIG_PATH": ".gitlab-ci.yml"}
		}, wantCode: 1, want: []string{"error: Trusted publishing failed (TP-18)", "no variable ending in _ID_TOKEN", "CI_PROJECT_PATH", "PYPI_ID_TOKEN:", "aud: pypi"}},
		{name: "TP-18_testpypi_with_pypi_variable", audience: "testpypi", vars: func(t *testing.T) map[string]string {
			return map[string]string{"PYPI_ID_TOKEN": gitlabToken(t, "testpypi", nil)}
		}, wantCode: 1, want: []string{"TP-18", "TESTPYPI_ID_TOKEN is not set", "PYPI_ID_TOKEN (aud testpypi)"}},
		{name: "TP-18_list_audience", vars: func(t *testing.T) map[string]string {
			return map[string]string{"PYPI_ID_TOKEN": gitlabToken(t, "pypi", map[string]any{"aud": []string{"pypi", "sigstore"}})}
		}, wantCode: 1, want: []string{"TP-18", "a list"}},
		{name: "TP-10_no_publisher", pubs: []oidctest.GitLabPublisher{{Namespace: "octo-group", Project: "octo-project", WorkflowFilepath: "release.yml"}},
			wantCode: 1, want: []string{"TP-10", "Publisher with matching claims was not found", "Namespace                     octo-group",
				"Top-level pipeline file path  .gitlab-ci.yml", "provider=gitlab&namespace=octo-group&project=octo-project&workflow_filepath=.gitlab-ci.yml",
				"ci_config_ref_uri"}},
		{name: "TP-10_environment_case", vars: func(t *testing.T) map[string]string {
			return map[string]string{"PYPI_ID_TOKEN": gitlabToken(t, "pypi", map[string]any{"environment": "PyPI"})}
		}, wantCode: 1, want: []string{"TP-10", "Check failed for optional claim 'environment'", "exactly"}},
		{name: "TP-17_forced_github_outside_actions", args: []string{"--id-token-source=github"}, wantCode: 1,
			want: []string{"TP-01", "ACTIONS_ID_TOKEN_REQUEST_URL"}},
		{name: "AT-13_no_sigstore_token", vars: func(t *testing.T) map[string]string {
			return map[string]string{"PYPI_ID_TOKEN": gitlabToken(t, "pypi", nil), "SIGSTORE_ID_TOKEN": ""}
		}, want: []string{"notice: Attestations are skipped: the GitLab job has no Sigstore ID token", "SIGSTORE_ID_TOKEN: aud: sigstore"}},
		{name: "AT-14_self_managed", pubs: []oidctest.GitLabPublisher{{Namespace: "octo-group", Project: "octo-project", WorkflowFilepath: ".gitlab-ci.yml", IssuerURL: "https://gitlab.example.com"}},
			vars: func(t *testing.T) map[string]string {
				return map[string]string{
					"PYPI_ID_TOKEN":     gitlabToken(t, "pypi", map[string]any{"iss": "https://gitlab.example.com", "ci_config_ref_uri": "gitlab.example.com/octo-group/octo-project//.gitlab-ci.yml@refs/tags/v1.0.0"}),
					"SIGSTORE_ID_TOKEN": gitlabToken(t, "sigstore", map[string]any{"iss": "https://gitlab.example.com"}),
				}
			}, want: []string{"notice: Attestations are skipped: PyPI verifies GitLab attestations only from gitlab.com", "gitlab.example.com"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sf := newSigstoreFakes(t)
			pubs := tc.pubs
			if pubs == nil {
				pubs = []oidctest.GitLabPublisher{gitlabPub}
			}
			aud := tc.audience
			if aud == "" {
				aud = "pypi"
			}
			srv, idx := platformIndex(t, sf, gitlabSigner, oidctest.WithGitLabPublishers(pubs...), oidctest.WithAudience(aud))
			vars := map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": gitlabToken(t, "pypi", nil), "SIGSTORE_ID_TOKEN": gitlabToken(t, "sigstore", nil)}
			if tc.vars != nil {
				vars = map[string]string{"GITLAB_CI": "true"}
				for k, v := range tc.vars(t) {
					vars[k] = v
				}
			}
			env, _ := ciEnv(t, srv, sf, vars)
			env.Args = append(env.Args, tc.args...)
			for k, v := range vars {
				if strings.HasSuffix(k, "_ID_TOKEN") {
					env.Secrets = append(env.Secrets, v)
				}
			}
			r := runAction(t, newWorkspace(t), env)
			if r.Code != tc.wantCode {
				t.Fatalf("exit code = %d, want %d", r.Code, tc.wantCode)
			}
			checkTerminal(t, r)
			for _, w := range tc.want {
				if !strings.Contains(r.Stdout, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if tc.wantCode != 0 && len(srv.Uploads()) != 0 {
				t.Errorf("%d uploads, want none", len(srv.Uploads()))
			}
			checkSecrets(t, r, idx.Tokens())
		})
	}
}

// TestGitLab_singleUseToken: a job's ID token is exchanged once. A second
// publish in the same job (same PYPI_ID_TOKEN) is refused as reused and
// not retried (TP-14), and a minted token that runs out cannot be renewed
// (TP-20).
func TestGitLab_singleUseToken(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	srv, idx := platformIndex(t, sf, gitlabSigner, oidctest.WithGitLabPublishers(gitlabPub))
	vars := map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": gitlabToken(t, "pypi", nil)}
	env, _ := ciEnv(t, srv, sf, vars)
	env.Inputs["attestations"] = "false"
	if r := runAction(t, newWorkspace(t), env); r.Code != 0 {
		t.Fatalf("first run: exit code = %d, want 0", r.Code)
	}
	env.Inputs["skip-existing"] = "true"
	r := runAction(t, newWorkspace(t), env)
	if r.Code != 1 {
		t.Fatalf("second run: exit code = %d, want 1", r.Code)
	}
	for _, w := range []string{"(TP-14)", "invalid-reuse-token", "once per job"} {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("second run lacks %q", w)
		}
	}
	if got := idx.Requests("mint-token"); got != 2 {
		t.Errorf("mint requests = %d, want 2 (no retry with the same token)", got)
	}

	// A minted token that lives a nanosecond: the index calls it expired
	// at the first upload (UP-09), and GitLab has no fresh ID token to
	// mint another (TP-20).
	srv2, _ := platformIndex(t, sf, gitlabSigner, oidctest.WithGitLabPublishers(gitlabPub), oidctest.WithMintedLifetime(time.Nanosecond))
	env2, _ := ciEnv(t, srv2, sf, map[string]string{"GITLAB_CI": "true", "PYPI_ID_TOKEN": gitlabToken(t, "pypi", nil)})
	env2.Inputs["attestations"] = "false"
	r = runAction(t, newWorkspace(t), env2)
	if r.Code != 1 || !strings.Contains(r.Stdout, "TP-20") || !strings.Contains(r.Stdout, "cannot renew") {
		t.Errorf("expired GitLab token: exit %d, want 1 with TP-20:\n%s", r.Code, r.Stdout)
	}
	if len(srv2.Files()) != 0 {
		t.Errorf("%d files on the index with an expired token, want none", len(srv2.Files()))
	}
}

// googleVars points the binary at the fake Google.
func googleVars(g *oidctest.Google, account string) map[string]string {
	return map[string]string{"GOOGLE_SERVICE_ACCOUNT_NAME": account, "GCE_METADATA_HOST": g.Host(), "PYPI_PUBLISH_IAM_URL": g.URL()}
}

// TestGoogle_success: on Google Cloud, with impersonation
// (GOOGLE_SERVICE_ACCOUNT_NAME, as in Cloud Build) and straight from a
// Compute Engine machine's metadata server.
func TestGoogle_success(t *testing.T) {
	t.Parallel()
	t.Run("impersonation", func(t *testing.T) {
		t.Parallel()
		g := oidctest.NewGoogle(t, oidctest.GoogleOptions{})
		sf := newSigstoreFakes(t)
		srv, idx := platformIndex(t, sf, googleSigner, oidctest.WithGooglePublishers(oidctest.GooglePublisher{Email: oidctest.GoogleTargetAccount}))
		env, jsonPath := ciEnv(t, srv, sf, googleVars(g, oidctest.GoogleTargetAccount))
		r := runAction(t, newWorkspace(t), env)
		checkSuccess(t, r, srv, idx, jsonPath, g.Issued())
	})
	t.Run("compute_engine", func(t *testing.T) {
		t.Parallel()
		g := oidctest.NewGoogle(t, oidctest.GoogleOptions{})
		sf := newSigstoreFakes(t)
		signer := attest.Identity{Platform: attest.PlatformGoogle, Email: oidctest.GoogleDefaultAccount}
		srv, idx := platformIndex(t, sf, signer, oidctest.WithGooglePublishers(oidctest.GooglePublisher{Email: oidctest.GoogleDefaultAccount}))
		product := filepath.Join(t.TempDir(), "product_name")
		if err := os.WriteFile(product, []byte("Google Compute Engine\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		vars := googleVars(g, "")
		vars["PYPI_PUBLISH_PRODUCT_NAME_FILE"] = product
		env, jsonPath := ciEnv(t, srv, sf, vars)
		r := runAction(t, newWorkspace(t), env)
		checkSuccess(t, r, srv, idx, jsonPath, g.Issued())
		if g.Requests("generateIdToken") != 0 {
			t.Errorf("IAM was asked %d times on Compute Engine, want 0", g.Requests("generateIdToken"))
		}
	})
}

// TestGoogle_failures runs each Google Cloud diagnostic through the binary.
func TestGoogle_failures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		vars   func(g *oidctest.Google) map[string]string
		script func(g *oidctest.Google)
		pubs   []oidctest.GooglePublisher
		args   []string
		want   []string
	}{
		{name: "TP-19_impersonation_denied", vars: func(g *oidctest.Google) map[string]string { return googleVars(g, oidctest.GoogleDefaultAccount) },
			want: []string{"(TP-19)", "403", "roles/iam.serviceAccountOpenIdTokenCreator"}},
		{name: "TP-19_unknown_account", vars: func(g *oidctest.Google) map[string]string {
			return googleVars(g, "nobody@octo-project.iam.gserviceaccount.com")
		},
			want: []string{"(TP-19)", "404", "e-mail address or unique ID"}},
		{name: "TP-19_identity_not_served", args: []string{"--id-token-source=google"}, vars: func(g *oidctest.Google) map[string]string { return googleVars(g, "") },
			script: func(g *oidctest.Google) { g.FailNext("identity", 1, 404, "Not Found") },
			want:   []string{"(TP-19)", "identity", "GOOGLE_SERVICE_ACCOUNT_NAME"}},
		{name: "TP-19_no_metadata_server", args: []string{"--id-token-source=google"},
			vars: func(*oidctest.Google) map[string]string { return map[string]string{"GCE_METADATA_HOST": "127.0.0.1:1"} },
			want: []string{"(TP-19)", "only on Google Cloud", "API token"}},
		{name: "TP-10_no_publisher", pubs: []oidctest.GooglePublisher{{Email: "someone-else@octo-project.iam.gserviceaccount.com"}},
			vars: func(g *oidctest.Google) map[string]string { return googleVars(g, oidctest.GoogleTargetAccount) },
			want: []string{"(TP-10)", "Publisher with matching claims was not found", "Email               " + oidctest.GoogleTargetAccount,
				"provider=google&email=publisher%40octo-project.iam.gserviceaccount.com", "email_verified"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := oidctest.NewGoogle(t, oidctest.GoogleOptions{})
			if tc.script != nil {
				tc.script(g)
			}
			sf := newSigstoreFakes(t)
			pubs := tc.pubs
			if pubs == nil {
				pubs = []oidctest.GooglePublisher{{Email: oidctest.GoogleTargetAccount}}
			}
			srv, idx := platformIndex(t, sf, googleSigner, oidctest.WithGooglePublishers(pubs...))
			env, _ := ciEnv(t, srv, sf, tc.vars(g))
			env.Args = append(env.Args, tc.args...)
			r := runAction(t, newWorkspace(t), env)
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			checkTerminal(t, r)
			for _, w := range tc.want {
				if !strings.Contains(r.Stdout, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if len(srv.Uploads()) != 0 {
				t.Errorf("%d uploads, want none", len(srv.Uploads()))
			}
			checkSecrets(t, r, append(g.Issued(), idx.Tokens()...))
		})
	}
}

// TestNoPlatform: trusted publishing outside any CI platform fails with
// TP-17, which names what was looked for (ActiveState included), in plain
// text.
func TestNoPlatform(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	srv, _ := platformIndex(t, sf, gitlabSigner)
	env, _ := ciEnv(t, srv, sf, nil)
	r := runAction(t, newWorkspace(t), env)
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	checkTerminal(t, r)
	for _, w := range []string{"error: Trusted publishing failed (TP-17)", "GITHUB_ACTIONS", "GITLAB_CI", "GOOGLE_SERVICE_ACCOUNT_NAME",
		"ActiveState is not supported", "Details are in the summary above."} {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}
