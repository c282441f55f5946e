package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

const testToken = "pypi-main-test-token-0123456789"

// distDir copies the bundled samples into a new dist/ directory.
func distDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pypi_publish_demo-1.0.0-py3-none-any.whl", "pypi_publish_demo-1.0.0.tar.gz"} {
		b, err := os.ReadFile(filepath.Join("demo", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRealMain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		args       []string
		env        []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{name: "version", args: []string{"version"}, wantStdout: []string{"pypi-publish " + Version() + "\n"}},
		{name: "version_flag", args: []string{"--version"}, wantStdout: []string{"pypi-publish " + Version()}},
		{name: "help", args: []string{"help"}, wantStdout: []string{"Usage:", "--dry-run (default false)", "Exit status"}},
		{name: "help_flag", args: []string{"--help"}, wantStdout: []string{"Usage:", "GITLAB_CI"}},
		{name: "help_short", args: []string{"-h"}, wantStdout: []string{"Usage:"}},
		{name: "help_after_flags", args: []string{"--dry-run", "-h"}, wantStdout: []string{"Usage:"}},
		{name: "unknown_flag", args: []string{"--nope=1"}, wantCode: 2, wantStderr: []string{"nope", "--help"}},
		{name: "stray_argument", args: []string{"extra"}, wantCode: 2, wantStderr: []string{`unexpected argument "extra"`}},
		{name: "bool_with_space", args: []string{"--dry-run", "true"}, wantCode: 2, wantStderr: []string{"--dry-run=false"}},
		{name: "bad_id_token_source", args: []string{"--id-token-source=activestate"}, wantCode: 2, wantStderr: []string{"pypi-publisher"}},
		{name: "usage_error_on_github", args: []string{"--nope"}, env: []string{"GITHUB_ACTIONS=true"}, wantCode: 2,
			wantStdout: []string{"::error title=Invalid arguments (IN-08)::"}},
		{name: "undecodable_input", args: []string{"--concurrency=many"}, wantCode: 1, wantStdout: []string{"error: Invalid inputs", "Concurrency"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := realMain(t.Context(), &stdout, &stderr, append([]string{"PYPI_PUBLISH_PRODUCT_NAME_FILE=/nonexistent"}, tc.env...), tc.args)
			if code != tc.wantCode {
				t.Errorf("realMain(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// The case of issue 14: "--verbose --dry-run=true" made --dry-run=true
// the value of --verbose and uploaded every file. Now it is a dry run:
// nothing reaches the index, and the terminal log has no workflow command.
func TestRealMain_verboseDryRun(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	t.Cleanup(srv.Close)
	var stdout, stderr bytes.Buffer
	env := []string{"INPUT_PASSWORD=" + testToken, "PYPI_PUBLISH_PRODUCT_NAME_FILE=/nonexistent"}
	args := []string{"--verbose", "--dry-run=true", "--repository-url=" + srv.UploadURL(), "--packages-dir=" + distDir(t)}
	if code := realMain(t.Context(), &stdout, &stderr, env, args); code != 0 {
		t.Fatalf("realMain(%q) = %d, want 0\n%s%s", args, code, stdout.String(), stderr.String())
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("%d uploads in a dry run, want none", n)
	}
	out := stdout.String()
	for _, w := range []string{"notice: Dry run: all 2 distributions passed the checks; nothing was uploaded.", "Dry run for third-party index: nothing uploaded"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	checkPlain(t, out+stderr.String(), testToken)
}

// checkPlain fails on a workflow command, a %0A escape, GitHub-only
// wording or a secret in a terminal run's output.
func checkPlain(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("workflow command in a terminal run: %q", line)
		}
	}
	for _, bad := range append([]string{"%0A", "Docker action", "RUNNER_TEMP", "step summary"}, secrets...) {
		if strings.Contains(out, bad) {
			t.Errorf("terminal output contains %q:\n%s", bad, out)
		}
	}
}

// An upload from a terminal: plain lines, the summary at the end, the
// outputs in the --json file.
func TestRealMain_terminalUpload(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	t.Cleanup(srv.Close)
	jsonPath := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	env := []string{"INPUT_PASSWORD=" + testToken, "PYPI_PUBLISH_PRODUCT_NAME_FILE=/nonexistent"}
	args := []string{"--repository-url", srv.UploadURL(), "--packages-dir", distDir(t), "--json", jsonPath}
	if code := realMain(t.Context(), &stdout, &stderr, env, args); code != 0 {
		t.Fatalf("realMain = %d, want 0\n%s%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	checkPlain(t, out+stderr.String(), testToken)
	if n := len(srv.Uploads()); n != 2 {
		t.Errorf("%d uploads, want 2", n)
	}
	for _, w := range []string{"Uploaded pypi_publish_demo-1.0.0.tar.gz\n  size ", "pypi-publish: Published to third-party index\n====", "Authentication  API token"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("--json file: %v\n%s", err, b)
	}
	for _, k := range []string{"files", "uploaded-files", "skipped-files", "release-urls", "attestation-files", "trusted-publishing"} {
		if _, ok := got[k]; !ok {
			t.Errorf("--json file lacks %q: %s", k, b)
		}
	}
	if got["trusted-publishing"] != false || len(got["uploaded-files"].([]any)) != 2 {
		t.Errorf("--json file = %s", b)
	}
}

// A failed terminal run: exit 1, one error line at the end that points to
// the summary above it, and the hint about the working directory.
func TestRealMain_terminalFailure(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	env := []string{"INPUT_PASSWORD=" + testToken, "PYPI_PUBLISH_PRODUCT_NAME_FILE=/nonexistent"}
	args := []string{"--packages-dir=" + filepath.Join(t.TempDir(), "nothing-here")}
	if code := realMain(t.Context(), &stdout, &stderr, env, args); code != config.ExitFailure {
		t.Fatalf("realMain = %d, want 1\n%s", code, stdout.String())
	}
	out := stdout.String()
	checkPlain(t, out, testToken)
	if !strings.Contains(out, "error: packages-dir not found") || !strings.Contains(out, "working directory") {
		t.Errorf("output lacks the DS-01 error with the working-directory hint:\n%s", out)
	}
	if i, j := strings.Index(out, "pypi-publish: Publishing to PyPI failed"), strings.Index(out, "error: packages-dir"); i < 0 || j < i {
		t.Errorf("the summary does not come before the error line:\n%s", out)
	}
}
