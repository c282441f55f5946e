package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

const testToken = "pypi-AgEIcHlwaS5vcmcCJGE0ZTIzZmFkLWUyZTEtNDc1Yy05ZTdkLTRjZGU0MGI5ZmE0MgACKlszLCJmb28iXQ"

// demoFiles puts both demo distributions into dist/.
func demoFiles() map[string]string {
	return map[string]string{
		"dist/" + demoWheel: demoDist(demoWheel),
		"dist/" + demoSdist: demoDist(demoSdist),
	}
}

type fileOut struct {
	Filename string  `json:"filename"`
	Path     string  `json:"path"`
	Size     int64   `json:"size"`
	SHA256   string  `json:"sha256"`
	Status   string  `json:"status"`
	URL      *string `json:"url"`
}

func filesOutput(t *testing.T, r *Run) []fileOut {
	t.Helper()
	var fs []fileOut
	if err := json.Unmarshal([]byte(r.Outputs["files"]), &fs); err != nil {
		t.Fatalf("files output %q: %v", r.Outputs["files"], err)
	}
	return fs
}

func statuses(t *testing.T, r *Run) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range filesOutput(t, r) {
		out[f.Filename] = f.Status
	}
	return out
}

func heldFiles(srv *publishtest.Server) []string {
	var out []string
	for _, f := range srv.Files() {
		out = append(out, f.Filename)
	}
	return out
}

// TestPublish_apiToken is the plain API-token path (issue 2): both files go
// up, wheel first, with the outputs, summary and form the index expects.
func TestPublish_apiToken(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	ws := newWorkspace(t)
	r := runAction(t, ws, Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken},
		Files:  demoFiles(),
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	ups := srv.Uploads()
	var order []string
	for _, u := range ups {
		order = append(order, u.Filename)
		if u.User != "__token__" {
			t.Errorf("upload user = %q, want __token__", u.User)
		}
		if ua := u.Header.Get("User-Agent"); !strings.HasPrefix(ua, "pypi-publish/") {
			t.Errorf("User-Agent = %q, want pypi-publish/...", ua)
		}
	}
	if diff := cmp.Diff([]string{demoWheel, demoSdist}, order); diff != "" {
		t.Errorf("upload order mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{demoWheel: "uploaded", demoSdist: "uploaded"}, statuses(t, r)); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	if got, want := r.Outputs["uploaded-files"], `["`+demoWheel+`","`+demoSdist+`"]`; got != want {
		t.Errorf("uploaded-files = %s, want %s", got, want)
	}
	if got := r.Outputs["trusted-publishing"]; got != "false" {
		t.Errorf("trusted-publishing = %q, want false", got)
	}
	for _, want := range []string{"| `" + demoWheel + "`", "API token", "uploaded"} {
		if !strings.Contains(r.Summary, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// print-hash and verbose default to true: one group with the digests.
	for _, want := range []string{"::group::Hashes of the distributions", "SHA256: ", "MD5: ", "BLAKE2-256: "} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if errs := annotations(r, "error"); len(errs) > 0 {
		t.Errorf("unexpected errors: %q", errs)
	}
}

// TestPublish_pypiNudge: API-token users on PyPI get one warning (AU-03)
// and the create-a-publisher links in the summary; release URLs point at
// PyPI.
func TestPublish_pypiNudge(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	ws := newWorkspace(t)
	r := runAction(t, ws, Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken, "index-url": srv.SimpleURL()},
		Vars: map[string]string{
			"PYPI_PUBLISH_INDEX_KIND": "pypi",
			"GITHUB_REPOSITORY":       "octo-org/demo",
			"GITHUB_REPOSITORY_OWNER": "octo-org",
			"GITHUB_WORKFLOW_REF":     "octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0",
		},
		Files: demoFiles(),
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	warns := annotations(r, "warning")
	if len(warns) != 1 || !strings.Contains(warns[0], "trusted publishing") {
		t.Errorf("warnings = %q, want exactly one trusted-publishing nudge", warns)
	}
	// One link builder (oidc.Publisher.SettingsURL) for the nudge and the
	// TP-10 details: the parameters in the order PyPI documents them.
	link := "https://pypi.org/manage/project/pypi-publish-demo/settings/publishing/?provider=github&owner=octo-org&repository=demo&workflow_filename=release.yml"
	if !strings.Contains(r.Summary, link) {
		t.Errorf("summary lacks the publisher link %s", link)
	}
	if got, want := r.Outputs["release-urls"], `["https://pypi.org/project/pypi-publish-demo/1.0.0/"]`; got != want {
		t.Errorf("release-urls = %s, want %s", got, want)
	}
}

// TestPublish_usernamePasswordRefusedForPyPI is AU-01: refused before any
// network call.
func TestPublish_usernamePasswordRefusedForPyPI(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "user": "alice", "password": "hunter2-long-password"},
		Vars:   map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi"},
		Files:  demoFiles(),
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	if errs := annotations(r, "error"); len(errs) != 1 || !strings.Contains(errs[0], "no longer accepts a username and password") {
		t.Errorf("errors = %q, want one AU-01 error", errs)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("index got %d uploads, want 0", n)
	}
}

// TestPublish_usernamePasswordThirdParty: allowed for other indexes (AU-02).
func TestPublish_usernamePasswordThirdParty(t *testing.T) {
	t.Parallel()
	srv := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	defer srv.Close()
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "user": "alice", "password": "hunter2-long-password"},
		Files:  demoFiles(),
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	for _, u := range srv.Uploads() {
		if u.User != "alice" {
			t.Errorf("user = %q, want alice", u.User)
		}
	}
}

func TestPublish_discoveryErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		inputs   map[string]string
		setup    func(t *testing.T, ws string)
		wantText []string
	}{
		{name: "DS_01_missing_dir", inputs: map[string]string{"packages-dir": "nope"}, wantText: []string{"nope"}},
		{name: "DS_03_empty_dir", wantText: []string{"*.whl"}},
		{name: "DS_04_download_artifact_layout", setup: func(t *testing.T, ws string) {
			copyFile(t, demoDist(demoWheel), filepath.Join(ws, "dist", "wheel-artifact", demoWheel))
			copyFile(t, demoDist(demoSdist), filepath.Join(ws, "dist", "sdist-artifact", demoSdist))
		}, wantText: []string{"merge-multiple"}},
		{name: "DS_04_lookalike_directory", setup: func(t *testing.T, ws string) {
			if err := os.MkdirAll(filepath.Join(ws, "dist", demoWheel), 0o755); err != nil {
				t.Fatal(err)
			}
		}, wantText: []string{demoWheel}},
		{name: "IN_04_glob_matches_nothing", inputs: map[string]string{"packages-dir": "dist\nbuild/*/wheels"}, wantText: []string{"build/*/wheels"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := publishtest.New()
			defer srv.Close()
			ws := newWorkspace(t)
			if tc.setup != nil {
				tc.setup(t, ws)
			}
			in := map[string]string{"repository-url": srv.UploadURL(), "password": testToken}
			for k, v := range tc.inputs {
				in[k] = v
			}
			r := runAction(t, ws, Env{Inputs: in})
			if r.Code != 1 {
				t.Fatalf("exit code = %d, want 1", r.Code)
			}
			errs := annotations(r, "error")
			if len(errs) != 1 {
				t.Fatalf("errors = %q, want exactly one", errs)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(errs[0], w) {
					t.Errorf("error %q lacks %q", errs[0], w)
				}
			}
			if n := len(srv.Uploads()); n != 0 {
				t.Errorf("index got %d uploads, want 0", n)
			}
			if !strings.Contains(r.Summary, "failed") {
				t.Errorf("summary does not say the run failed")
			}
		})
	}
}

// TestPublish_dryRun runs every check and makes no network call: the
// repository URL points at a port nobody listens on.
func TestPublish_dryRun(t *testing.T) {
	t.Parallel()
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": "http://127.0.0.1:1/legacy/", "dry-run": "true"},
		Files:  demoFiles(),
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	if diff := cmp.Diff(map[string]string{demoWheel: "not-attempted", demoSdist: "not-attempted"}, statuses(t, r)); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Summary, "Dry run") {
		t.Errorf("summary does not mention the dry run")
	}
}

// TestPublish_trustedPublishingWithoutPermission is TP-01: no password and
// no id-token permission.
func TestPublish_trustedPublishingWithoutPermission(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL()},
		Files:  demoFiles(),
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	errs := annotations(r, "error")
	if len(errs) != 1 || !strings.Contains(errs[0], "id-token") {
		t.Errorf("errors = %q, want one TP-01 error naming id-token", errs)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("index got %d uploads, want 0", n)
	}
}

// TestPublish_rerunSkipsIdentical: a re-run after a complete publish
// uploads nothing and succeeds (UP-02).
func TestPublish_rerunSkipsIdentical(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	env := Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken, "index-url": srv.SimpleURL()},
		Files:  demoFiles(),
	}
	if r := runAction(t, newWorkspace(t), env); r.Code != 0 {
		t.Fatalf("first run: exit code = %d, want 0", r.Code)
	}
	r := runAction(t, newWorkspace(t), env)
	if r.Code != 0 {
		t.Fatalf("second run: exit code = %d, want 0", r.Code)
	}
	if diff := cmp.Diff(map[string]string{demoWheel: "skipped-identical", demoSdist: "skipped-identical"}, statuses(t, r)); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	if n := len(srv.Uploads()); n != 2 {
		t.Errorf("index got %d uploads in all, want 2", n)
	}
}

// TestPublish_serverErrorShowsMessage: PyPI's own text and the fix are
// always shown, and the summary says what went up (UP-13).
func TestPublish_serverErrorShowsMessage(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	msg := "The description failed to render in the default format of reStructuredText. See https://pypi.org/help/#description-content-type for more information."
	srv.Script(demoSdist, publishtest.Fail(400, msg))
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken, "verbose": "false"},
		Files:  demoFiles(),
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	errs := annotations(r, "error")
	if len(errs) != 1 || !strings.Contains(errs[0], "The description failed to render") {
		t.Fatalf("errors = %q, want one with the server's message", errs)
	}
	if diff := cmp.Diff(map[string]string{demoWheel: "uploaded", demoSdist: "failed"}, statuses(t, r)); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Summary, "On the index: "+demoWheel) {
		t.Errorf("summary does not say which files went up")
	}
}

// TestPublish_missingTrailingSlash is IN-05 for PyPI hosts, and UP-19 for
// others: a redirect is never followed with credentials.
func TestPublish_redirectNotFollowed(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": strings.TrimSuffix(srv.UploadURL(), "/"), "password": testToken},
		Files:  demoFiles(),
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	errs := annotations(r, "error")
	if len(errs) != 1 || !strings.Contains(errs[0], "/legacy/") {
		t.Errorf("errors = %q, want one naming the trailing-slash fix", errs)
	}
	if got := heldFiles(srv); len(got) != 0 {
		t.Errorf("index holds %q, want nothing", got)
	}
}

// TestPublish_severalDirectoriesAndGlobs: packages-dir lists directories
// and globs, one per line, with spaces.
func TestPublish_severalDirectoriesAndGlobs(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	ws := newWorkspace(t)
	r := runAction(t, ws, Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken, "packages-dir": "wheel house\nbuild/*/sdist\n"},
		Files: map[string]string{
			"wheel house/" + demoWheel:     demoDist(demoWheel),
			"build/x86/sdist/" + demoSdist: demoDist(demoSdist),
		},
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	if diff := cmp.Diff([]string{demoWheel, demoSdist}, heldFiles(srv)); diff != "" {
		t.Errorf("index files mismatch (-want +got):\n%s", diff)
	}
}
