package action_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

const (
	checkDir = repo + "/dist/testdata/check"
	distsDir = repo + "/dist/testdata/dists"
)

// ghVars is what GitHub's runner says about the workflow.
func ghVars(kind string) map[string]string {
	return map[string]string{
		"GITHUB_REPOSITORY": "octo-org/octo-repo", "GITHUB_REPOSITORY_OWNER": "octo-org",
		"GITHUB_WORKFLOW_REF": wfRef, "PYPI_PUBLISH_INDEX_KIND": kind,
	}
}

func tokenInputs(srv *publishtest.Server) map[string]string {
	return map[string]string{"repository-url": srv.UploadURL(), "password": testToken}
}

func with(m map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var (
	up2   = []string{"uploaded", "uploaded"}
	none2 = []string{"not-attempted", "not-attempted"}
)

// TestRun runs whole publishes in-process against the fakes, one situation
// per case: what the run returns, what the log shows, what the outputs
// and the summary say.
func TestRun(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		prepare  func(t *testing.T) setup
		wantID   string // the error's situation; "-" for an error without one
		statuses []string
		log      []string // substrings of the log, each must appear
		noLog    []string
		summary  []string
		outputs  map[string]string
	}{
		{
			name: "token_pypi_uploads_and_nudges",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				return setup{inputs: tokenInputs(srv), vars: ghVars("pypi"), files: demoFiles(), secrets: []string{testToken}}
			},
			statuses: up2,
			log: []string{"::add-mask::" + testToken, "::group::Uploaded " + wheel, "index answer: 200 OK",
				"release: https://pypi.org/project/pypi-publish-demo/1.0.0/", "::warning title=Consider trusted publishing::",
				"::group::Hashes of the distributions", "All 2 distributions passed the checks."},
			summary: []string{"## pypi-publish: Published to PyPI", "| Authentication | API token |",
				"https://pypi.org/manage/project/pypi-publish-demo/settings/publishing/?provider=github&owner=octo-org&repository=octo-repo&workflow_filename=release.yml"},
			outputs: map[string]string{"release-urls": `["https://pypi.org/project/pypi-publish-demo/1.0.0/"]`, "trusted-publishing": "false",
				"uploaded-files": `["` + wheel + `","` + sdist + `"]`, "skipped-files": "[]"},
		},
		{
			name: "third_party_identical_skipped",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t, publishtest.WithMode(publishtest.ThirdParty))
				srv.Seed("pypi-publish-demo", "1.0.0", wheel, mustRead(t, filepath.Join(repo, "demo", wheel)))
				return setup{inputs: with(tokenInputs(srv), "index-url", srv.SimpleURL(), "concurrency", "2"), files: demoFiles()}
			},
			statuses: []string{"skipped-identical", "uploaded"},
			// One notice for the run (UP-02), none for attestations nobody
			// asked for.
			log: []string{wheel + ": skipped: the index already has this file, byte for byte",
				"::notice::Uploaded 1 file; 1 file already on the index, byte for byte (same SHA-256): " + wheel + ".",
				"::debug::attestations are skipped: they need trusted publishing"},
			noLog:   []string{"Consider trusted publishing", "release:", "::notice::" + wheel, "::notice::Attestations are skipped"},
			outputs: map[string]string{"skipped-files": `["` + wheel + `"]`, "release-urls": "[]"},
		},
		{
			name: "nothing_new",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t, publishtest.WithMode(publishtest.ThirdParty))
				for _, f := range []string{wheel, sdist} {
					srv.Seed("pypi-publish-demo", "1.0.0", f, mustRead(t, filepath.Join(repo, "demo", f)))
				}
				return setup{inputs: with(tokenInputs(srv), "index-url", srv.SimpleURL()), files: demoFiles()}
			},
			statuses: []string{"skipped-identical", "skipped-identical"},
			log:      []string{"::notice::Nothing was uploaded: all 2 files are already on the index, byte for byte (same SHA-256): " + wheel + ", " + sdist + "."},
		},
		{
			name: "conflict_fails_before_upload",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				srv.Seed("pypi-publish-demo", "1.0.0", wheel, []byte("other bytes"))
				return setup{inputs: with(tokenInputs(srv), "index-url", srv.SimpleURL()), vars: ghVars("pypi"), files: demoFiles()}
			},
			wantID:   "UP-04",
			statuses: []string{"failed", "not-attempted"},
			log:      []string{"::error title=Upload failed (UP-04)::", "Not uploaded: " + wheel + ", " + sdist},
			summary:  []string{"## pypi-publish: Publishing to PyPI failed", "### What went wrong", "**How to fix:**"},
		},
		{
			name: "conflict_skipped_with_skip_existing",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				srv.Seed("pypi-publish-demo", "1.0.0", wheel, []byte("other bytes"))
				return setup{inputs: with(tokenInputs(srv), "index-url", srv.SimpleURL(), "skip-existing", "true"), vars: ghVars("pypi"), files: demoFiles()}
			},
			statuses: []string{"skipped-existing", "uploaded"},
			log: []string{"::warning title=File skipped::" + wheel,
				"::notice::Uploaded 1 file; 1 file skipped because the index has a file of that name whose contents are other or unknown (skip-existing): " + wheel + "."},
			noLog: []string{"every distribution is already on the index"},
		},
		{
			name: "partial_failure",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				srv.Script(sdist, publishtest.Fail(400, "Invalid distribution file."))
				return setup{inputs: tokenInputs(srv), vars: ghVars("pypi"), files: demoFiles()}
			},
			wantID:   "UP-14",
			statuses: []string{"uploaded", "failed"},
			log:      []string{"On the index: " + wheel + ".", "Not uploaded: " + sdist + ".", "The release is incomplete"},
			outputs:  map[string]string{"uploaded-files": `["` + wheel + `"]`},
		},
		{
			name: "retried_then_uploaded",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				srv.Script(wheel, publishtest.Unavailable(), publishtest.Unavailable())
				return setup{inputs: with(tokenInputs(srv), "verbose", "false", "print-hash", "false"), files: demoFiles()}
			},
			statuses: up2,
			log:      []string{"::warning title=Upload retried::Attempt 1 of 4 for " + wheel, "after 3 attempts"},
			noLog:    []string{"Hashes of the distributions"},
		},
		{
			name: "cancelled",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				return setup{inputs: tokenInputs(srv), files: demoFiles(), ctx: ctx}
			},
			wantID: "-",
			log:    []string{"::error title=Cancelled::"},
		},
		{
			name: "dry_run",
			prepare: func(t *testing.T) setup {
				return setup{inputs: map[string]string{"dry-run": "true"}, vars: ghVars("pypi"), files: demoFiles()}
			},
			statuses: none2,
			log:      []string{"::notice::Dry run: all 2 distributions passed the checks; nothing was uploaded."},
			summary:  []string{"## pypi-publish: Dry run for PyPI: nothing uploaded", "| Authentication | trusted publishing |"},
		},
		{
			name: "invalid_inputs",
			prepare: func(t *testing.T) setup {
				return setup{inputs: map[string]string{"repository-url": "ftp://x/", "concurrency": "0", "password": " pypi-padded "}, secrets: []string{"pypi-padded"}}
			},
			wantID:  "IN-03",
			log:     []string{"::add-mask:: pypi-padded ", "::add-mask::pypi-padded", "title=Password has surrounding whitespace", "::error title=Invalid inputs::"},
			summary: []string{"| Index | `ftp://x/` |", "concurrency must be between 1 and 32"},
			outputs: map[string]string{"files": "[]"},
		},
		{
			name: "odd_boolean_and_slash_added",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t)
				return setup{inputs: map[string]string{"repository-url": srv.URL() + "/legacy", "password": testToken, "print-hash": "yes"}, vars: ghVars("pypi"), files: demoFiles()}
			},
			statuses: up2,
			log:      []string{"title=Unusual boolean input::Input print-hash=\"yes\"", "title=Missing trailing slash::"},
		},
		{
			name: "packages_dir_missing",
			prepare: func(t *testing.T) setup {
				return setup{inputs: map[string]string{"packages-dir": "nope"}}
			},
			wantID: "DS-01",
			log:    []string{"::error title=packages-dir not found::"},
		},
		{
			name: "unrelated_files_and_signatures",
			prepare: func(t *testing.T) setup {
				files := demoFiles()
				files["dist/notes.txt"] = filepath.Join(repo, "demo", "README.md")
				files["dist/"+wheel+".asc"] = filepath.Join(repo, "demo", "README.md")
				return setup{inputs: map[string]string{"dry-run": "true"}, files: files}
			},
			statuses: none2,
			log:      []string{"title=Unrelated files ignored::", "dist/notes.txt", "::notice::GPG signatures are not uploaded"},
		},
		{
			name: "glob_matches_files_besides_directories",
			prepare: func(t *testing.T) setup {
				files := demoFiles()
				files["stray-1.0.tar.gz"] = files["dist/"+sdist]
				return setup{inputs: map[string]string{"dry-run": "true", "packages-dir": "*"}, files: files}
			},
			statuses: none2,
			log:      []string{"::warning title=Pattern matched files::These files matched a packages-dir pattern but are not uploaded", "stray-1.0.tar.gz"},
		},
		{
			name: "unreadable_distribution",
			prepare: func(t *testing.T) setup {
				files := demoFiles()
				files["dist/truncated-1.0-py3-none-any.whl"] = filepath.Join(distsDir, "truncated-1.0-py3-none-any.whl")
				return setup{inputs: map[string]string{"dry-run": "true"}, files: files}
			},
			wantID:   "VA-10",
			statuses: []string{"not-attempted", "failed", "not-attempted"},
			summary:  []string{"failed: ", "| VA-10 unreadable |"},
		},
		{
			name: "unreadable_distribution_checks_off",
			prepare: func(t *testing.T) setup {
				files := demoFiles()
				files["dist/truncated-1.0-py3-none-any.whl"] = filepath.Join(distsDir, "truncated-1.0-py3-none-any.whl")
				return setup{inputs: map[string]string{"verify-metadata": "false"}, files: files}
			},
			wantID:   "VA-10",
			statuses: []string{"not-attempted", "failed", "not-attempted"},
			log:      []string{"::error title=Unreadable distributions::1 of 3 distributions could not be read"},
		},
		{
			name: "refused_by_the_checks",
			prepare: func(t *testing.T) setup {
				files := map[string]string{"dist/demo_pkg-1.0-cp312-cp312-linux_x86_64.whl": filepath.Join(checkDir, "demo_pkg-1.0-cp312-cp312-linux_x86_64.whl")}
				return setup{inputs: map[string]string{"password": testToken}, vars: ghVars("pypi"), files: files}
			},
			wantID:  "VA-01",
			log:     []string{"::group::Checks: ", "::error title=Distributions would be rejected::"},
			summary: []string{"### Checks"},
		},
		{
			name: "warnings_only_on_a_third_party_index",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t, publishtest.WithMode(publishtest.ThirdParty))
				files := map[string]string{"dist/localver-1.0+abc-py3-none-any.whl": filepath.Join(checkDir, "localver-1.0+abc-py3-none-any.whl")}
				return setup{inputs: with(tokenInputs(srv), "attestations", "false"), files: files}
			},
			statuses: []string{"uploaded"},
			log:      []string{"::warning title=Warnings from the checks::1 warnings:"},
			noLog:    []string{"Attestations are skipped"},
		},
		{
			name: "password_refused_for_pypi",
			prepare: func(t *testing.T) setup {
				return setup{inputs: map[string]string{"user": "me", "password": "hunter2"}, vars: ghVars(""), files: demoFiles(), secrets: []string{"hunter2"}}
			},
			wantID:  "AU-01",
			log:     []string{"::error title=Passwords are not accepted by PyPI::"},
			summary: []string{"settings/publishing/?provider=github&owner=octo-org"},
		},
		{
			name: "password_on_a_third_party_index",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t, publishtest.WithMode(publishtest.ThirdParty))
				return setup{inputs: map[string]string{"repository-url": srv.UploadURL(), "user": "me", "password": "hunter2"}, files: demoFiles(), secrets: []string{"hunter2"}}
			},
			statuses: up2,
			log:      []string{"::debug::username and password authentication against"},
		},
		{
			name: "token_without_prefix",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t, publishtest.WithMode(publishtest.ThirdParty))
				return setup{inputs: map[string]string{"repository-url": srv.UploadURL(), "password": "abc123"}, files: demoFiles()}
			},
			statuses: up2,
			log:      []string{"title=Unexpected API token format::The password does not start with pypi-, the prefix"},
		},
		{
			name: "token_without_prefix_pypi",
			prepare: func(t *testing.T) setup {
				return setup{inputs: map[string]string{"password": "abc123", "dry-run": "true", "attestations": "false"}, files: demoFiles()}
			},
			statuses: none2,
			log:      []string{"as every PyPI API token does"},
			noLog:    []string{"It is also needed for attestations", "settings/publishing"},
		},
		{
			name: "plain_http_to_another_host",
			prepare: func(t *testing.T) setup {
				srv := tokenIndex(t, publishtest.WithMode(publishtest.ThirdParty))
				return setup{inputs: map[string]string{"repository-url": "http://index.invalid/legacy/", "password": testToken},
					files: demoFiles(), client: &http.Client{Transport: rewrite{srv.URL()}}}
			},
			statuses: up2,
			log:      []string{"title=Credentials over plain HTTP::"},
		},
		{
			name: "stray_attestation_files_with_attestations_off",
			prepare: func(t *testing.T) setup {
				files := demoFiles()
				files["dist/"+wheel+".publish.attestation"] = filepath.Join(repo, "demo", "README.md")
				return setup{inputs: map[string]string{"dry-run": "true", "attestations": "false"}, files: files}
			},
			statuses: none2,
			log:      []string{"::notice::Attestation files are not uploaded because attestations are off: dist/" + wheel + ".publish.attestation"},
			summary:  []string{"| Attestations | off (attestations: false) |"},
		},
		{
			name: "workspace_unset_absolute_packages_dir",
			prepare: func(t *testing.T) setup {
				ws := t.TempDir()
				for dst, src := range demoFiles() {
					copyFile(t, src, filepath.Join(ws, dst))
				}
				return setup{inputs: map[string]string{"packages-dir": filepath.Join(ws, "dist"), "dry-run": "true"},
					vars: map[string]string{"GITHUB_WORKSPACE": filepath.Join(ws, "missing")}}
			},
			statuses: none2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, tc.prepare(t))
			checkResult(t, r, tc.wantID, tc.statuses, tc.log, tc.noLog, tc.summary, tc.outputs)
		})
	}
}

// checkResult compares a run with what a case wants.
func checkResult(t *testing.T, r result, wantID string, wantStatuses, wantLog, noLog, wantSummary []string, wantOutputs map[string]string) {
	t.Helper()
	switch {
	case wantID == "" && r.err != nil:
		t.Fatalf("Run() = %v, want success\nlog:\n%s", r.err, r.log)
	case wantID != "" && r.err == nil:
		t.Fatalf("Run() = nil, want %s\nlog:\n%s", wantID, r.log)
	case wantID != "" && wantID != "-" && errorID(r.err) != wantID:
		t.Errorf("Run() error ID = %q (%v), want %s", errorID(r.err), r.err, wantID)
	}
	if wantStatuses != nil {
		if diff := cmp.Diff(wantStatuses, statuses(t, r)); diff != "" {
			t.Errorf("statuses mismatch (-want +got):\n%s", diff)
		}
	}
	for _, w := range wantLog {
		if !strings.Contains(r.log, w) {
			t.Errorf("log lacks %q\nlog:\n%s", w, r.log)
		}
	}
	for _, w := range noLog {
		if strings.Contains(r.log, w) {
			t.Errorf("log has %q, want it absent", w)
		}
	}
	for _, w := range wantSummary {
		if !strings.Contains(r.summary, w) {
			t.Errorf("summary lacks %q\nsummary:\n%s", w, r.summary)
		}
	}
	for k, want := range wantOutputs {
		if got := r.outputs[k]; got != want {
			t.Errorf("output %s = %q, want %q", k, got, want)
		}
	}
	if n := strings.Count(r.log, "::error"); (r.err != nil) != (n == 1) || n > 1 {
		t.Errorf("log has %d error annotations; want one exactly when the run fails", n)
	}
	if len(r.outputs) != 7 {
		t.Errorf("outputs = %v, want all seven", r.outputs)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	return []byte(readFile(t, p))
}

// TestRun_unwritableRunnerFiles: output and summary files that cannot be
// written are warnings naming them; the publish stays a success.
func TestRun_unwritableRunnerFiles(t *testing.T) {
	t.Parallel()
	srv := tokenIndex(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "not", "mounted", "step_summary")
	r := runAction(t, setup{inputs: tokenInputs(srv), files: demoFiles(),
		vars: map[string]string{"GITHUB_OUTPUT": dir, "GITHUB_STEP_SUMMARY": missing}})
	if r.err != nil {
		t.Fatalf("Run() = %v, want success", r.err)
	}
	if n := len(srv.Uploads()); n != 2 {
		t.Errorf("%d uploads, want 2", n)
	}
	for _, want := range []string{"::warning title=Outputs not written::", dir + ": is a directory",
		"::warning title=Step summary not written::", missing + ": no such file or directory"} {
		if !strings.Contains(r.log, want) {
			t.Errorf("log lacks %q\nlog:\n%s", want, r.log)
		}
	}
}
