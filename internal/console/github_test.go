package console_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/internal/console"
)

func newGitHub(t *testing.T, out, sum string) (*console.GitHub, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	a := githubactions.New(githubactions.WithWriter(&buf), githubactions.WithGetenv(func(string) string { return "" }))
	return console.NewGitHub(a, out, sum), &buf
}

func TestGitHub_lines(t *testing.T) {
	t.Parallel()
	c, buf := newGitHub(t, "", "")
	c.AddMask("s3cret")
	c.AddMask("")
	c.Infof("plain %s", "line")
	c.Debugf("debug %d", 1)
	c.Noticef("", "note %s", "x")
	c.Noticef("T", "titled")
	c.Warningf("Check a,b:c", "multi\nline %s", "50%")
	c.Errorf("Failed", "bad")
	c.Group("Uploaded %s", "x.whl")
	c.EndGroup()
	want := strings.Join([]string{
		"::add-mask::s3cret",
		"plain line",
		"::debug::debug 1",
		"::notice::note x",
		"::notice title=T::titled",
		"::warning title=Check a%2Cb%3Ac::multi%0Aline 50%25",
		"::error title=Failed::bad",
		"::group::Uploaded x.whl",
		"::endgroup::",
		"",
	}, "\n")
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("log mismatch (-want +got):\n%s", diff)
	}
}

var delimRE = regexp.MustCompile(`ghadelimiter_[0-9a-f]{24}`)

func TestGitHub_outputsAndSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "out"), filepath.Join(dir, "sum")
	c, buf := newGitHub(t, out, sum)
	c.SetOutputs(map[string]string{"b": "2\nline", "a": "1"})
	c.AddSummary("## one")
	c.AddSummary("two")
	gotOut, _ := os.ReadFile(out)
	wantOut := "a<<D\n1\nD\nb<<D\n2\nline\nD\n"
	if diff := cmp.Diff(wantOut, delimRE.ReplaceAllString(string(gotOut), "D")); diff != "" {
		t.Errorf("GITHUB_OUTPUT mismatch (-want +got):\n%s", diff)
	}
	gotSum, _ := os.ReadFile(sum)
	if diff := cmp.Diff("## one\ntwo\n", string(gotSum)); diff != "" {
		t.Errorf("GITHUB_STEP_SUMMARY mismatch (-want +got):\n%s", diff)
	}
	if buf.Len() != 0 {
		t.Errorf("log = %q, want nothing", buf.String())
	}
}

func TestGitHub_unsetFiles(t *testing.T) {
	t.Parallel()
	c, buf := newGitHub(t, "", "")
	c.SetOutputs(map[string]string{"a": "1"})
	c.AddSummary("x")
	want := "::debug::GITHUB_OUTPUT is not set; outputs are not written\n::debug::GITHUB_STEP_SUMMARY is not set; no step summary is written\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("log mismatch (-want +got):\n%s", diff)
	}
}

// An output or summary file that cannot be written is a warning naming
// the file and the reason, never a panic (act's host mode, issue 18).
func TestGitHub_unwritableFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "dir", "file")
	c, buf := newGitHub(t, missing, dir) // a directory cannot be opened for writing
	c.SetOutputs(map[string]string{"a": "1"})
	c.AddSummary("x")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log = %q, want two warnings", buf.String())
	}
	for i, want := range []struct{ title, path, why string }{
		{"Outputs not written", missing, "no such file or directory"},
		{"Step summary not written", dir, "is a directory"},
	} {
		l := lines[i]
		if !strings.HasPrefix(l, "::warning title="+want.title+"::") || !strings.Contains(l, want.path) || !strings.Contains(l, want.why) {
			t.Errorf("line %d = %q, want a warning %q naming %s and %q", i, l, want.title, want.path, want.why)
		}
	}
}
