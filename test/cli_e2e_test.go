package test

import (
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// The binary as a command: help, flags, exit statuses and the plain log.

// shell is a run from a plain shell: no GitHub Actions variables.
func shell(args ...string) Env {
	return Env{
		Vars:  map[string]string{"GITHUB_ACTIONS": "", "GITHUB_OUTPUT": "", "GITHUB_STEP_SUMMARY": "", "GITHUB_WORKSPACE": ""},
		Files: demoFiles(),
		Args:  args,
	}
}

func TestCLI_help(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"--dry-run", "--help"}} {
		r := runAction(t, newWorkspace(t), shell(args...))
		if r.Code != 0 {
			t.Errorf("%q: exit code = %d, want 0", args, r.Code)
		}
		for _, w := range []string{"Usage:", "pypi-publish demo", "pypi-publish version", "--packages-dir DIR (default dist)",
			"--dry-run (default false)", "--verify-metadata (default true)", "--json FILE", "--id-token-source SOURCE (default auto)",
			"INPUT_<NAME>", "PYPI_ID_TOKEN", "GOOGLE_SERVICE_ACCOUNT_NAME", "Exit status: 0"} {
			if !strings.Contains(r.Stdout, w) {
				t.Errorf("%q: usage lacks %q", args, w)
			}
		}
		if r.Stderr != "" {
			t.Errorf("%q: stderr = %q, want nothing", args, r.Stderr)
		}
	}
}

func TestCLI_usageErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{args: []string{"--verbose", "--dry-run", "true"}, want: "boolean flags are --dry-run or --dry-run=false"},
		{args: []string{"--packages-dir"}, want: "flag needs an argument"},
		{args: []string{"--no-such-flag"}, want: "no-such-flag"},
		{args: []string{"--id-token-source=circleci"}, want: "auto, github, gitlab or google"},
	}
	for _, tc := range cases {
		srv := publishtest.New()
		env := shell(append([]string{"--repository-url=" + srv.UploadURL()}, tc.args...)...)
		r := runAction(t, newWorkspace(t), env)
		srv.Close()
		if r.Code != 2 {
			t.Errorf("%q: exit code = %d, want 2", tc.args, r.Code)
		}
		if !strings.Contains(r.Stderr, tc.want) || !strings.Contains(r.Stderr, "--help") {
			t.Errorf("%q: stderr = %q, want %q and a pointer to --help", tc.args, r.Stderr, tc.want)
		}
		if r.Stdout != "" || len(srv.Uploads()) != 0 {
			t.Errorf("%q: a usage error did something: stdout %q, %d uploads", tc.args, r.Stdout, len(srv.Uploads()))
		}
	}
}

// TestCLI_verboseDryRun is the case of issue 14: `--verbose
// --dry-run=true` once made dry-run the value of verbose and uploaded every
// file. Run in the project directory, as the README says.
func TestCLI_verboseDryRun(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	t.Cleanup(srv.Close)
	env := shell("--verbose", "--dry-run=true", "--repository-url="+srv.UploadURL())
	env.Inputs = map[string]string{"password": "pypi-cli-dry-run-token-value"}
	r := runAction(t, newWorkspace(t), env)
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("%d uploads in a dry run, want none", n)
	}
	checkTerminal(t, r)
	if !strings.Contains(r.Stdout, "notice: Dry run: all 2 distributions passed the checks; nothing was uploaded.") {
		t.Errorf("output lacks the dry-run notice:\n%s", r.Stdout)
	}
}

// TestCLI_readmeExample runs the README's by-hand command in a project
// directory holding dist/: a dry run against TestPyPI, with no credentials
// and no network.
func TestCLI_readmeExample(t *testing.T) {
	t.Parallel()
	r := runAction(t, newWorkspace(t), shell("--dry-run", "--repository-url=https://test.pypi.org/legacy/"))
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	checkTerminal(t, r)
	for _, w := range []string{"All 2 distributions passed the checks.", "pypi-publish: Dry run for TestPyPI: nothing uploaded"} {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// TestCLI_upload: an upload with an API token from a shell, outputs in the
// --json file; the token never printed.
func TestCLI_upload(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	t.Cleanup(srv.Close)
	sf := newSigstoreFakes(t)
	env, jsonPath := ciEnv(t, srv, sf, map[string]string{"PYPI_PUBLISH_INDEX_KIND": "", "GITHUB_WORKSPACE": ""})
	env.Inputs["password"] = "pypi-cli-upload-token-value"
	r := runAction(t, newWorkspace(t), env)
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0", r.Code)
	}
	checkTerminal(t, r)
	out := jsonOutputs(t, jsonPath)
	if len(out["uploaded-files"].([]any)) != 2 || out["trusted-publishing"] != false {
		t.Errorf("--json outputs = %v", out)
	}
	if strings.Contains(r.Stdout, "debug:") {
		t.Error("debug lines without --debug")
	}
	env.Args = append(env.Args, "--debug")
	r = runAction(t, newWorkspace(t), env)
	if !strings.Contains(r.Stdout, "debug: inputs: user=\"__token__\" password=<set>") {
		t.Errorf("--debug shows no debug lines:\n%s", r.Stdout)
	}
}
