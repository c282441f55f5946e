package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// TestRunnerFiles_unwritable is issue 18 item 2: a GITHUB_OUTPUT or
// GITHUB_STEP_SUMMARY the action cannot open (under act's host mode the
// summary's path is outside the container) is a warning that names the
// file and the reason; a publish that uploaded everything exits 0.
func TestRunnerFiles_unwritable(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	missing := filepath.Join(dir, "not", "mounted", "step_summary")
	asDir := filepath.Join(dir, "output-is-a-directory")
	if err := os.Mkdir(asDir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken},
		Vars:   map[string]string{"GITHUB_OUTPUT": asDir, "GITHUB_STEP_SUMMARY": missing},
		Files:  demoFiles(),
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	if n := len(srv.Uploads()); n != 2 {
		t.Errorf("%d uploads, want 2", n)
	}
	warns := strings.Join(annotations(r, "warning"), "\n")
	for _, want := range []string{"title=Outputs not written", asDir, "is a directory", "title=Step summary not written", missing, "no such file or directory"} {
		if !strings.Contains(warns, want) {
			t.Errorf("warnings lack %q:\n%s", want, warns)
		}
	}
	if errs := annotations(r, "error"); len(errs) != 0 {
		t.Errorf("errors = %q, want none", errs)
	}
}
