package console_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/console"
)

// inject is an upload answer that, printed raw, would be four workflow
// commands (issue 12).
const inject = "OK\n::add-mask::OK\n::error title=Pwned::owned\n::stop-commands::zzz ##[error]v1"

// commands returns the lines of log the runner would treat as commands.
func commands(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		t := strings.TrimLeft(l, " \t\u00a0")
		if strings.HasPrefix(t, "::") || strings.Contains(l, "##[") {
			out = append(out, l)
		}
	}
	return out
}

func TestSafe_inert(t *testing.T) {
	t.Parallel()
	raw, buf := newGitHub(t, "", "")
	c := console.Safe(raw)
	if console.Safe(c) != c {
		t.Errorf("Safe(Safe(c)) wrapped twice")
	}
	c.Infof("index answer: %s", inject)
	c.Infof("%s", "::warning::at the start")
	c.Infof("%v", errors.New(inject))
	c.Infof("files: %v", []string{"a\n::error::b"})
	c.Debugf("answer: %s", inject)
	c.Noticef("", "%s is already on the index", "evil\n::error title=FN::x.whl")
	c.Warningf("Check", "%s", inject)
	c.Errorf("Upload failed", "%s", "400 \x1b[8mhidden\x1b[0m\u202e")
	c.Group("Uploaded %s", "evil\n::endgroup::\n::error::x.whl")
	c.EndGroup()
	want := []string{
		"::debug::answer: OK%0A\\::add-mask::OK%0A\\::error title=Pwned::owned%0A\\::stop-commands::zzz #\\#[error]v1",
		"::notice::evil%0A\\::error title=FN::x.whl is already on the index",
		"::warning title=Check::OK%0A\\::add-mask::OK%0A\\::error title=Pwned::owned%0A\\::stop-commands::zzz #\\#[error]v1",
		`::error title=Upload failed::400 \x1b[8mhidden\x1b[0m\u202e`,
		`::group::Uploaded evil\n::endgroup::\n::error::x.whl`,
		"::endgroup::",
	}
	if diff := cmp.Diff(want, commands(buf.String())); diff != "" {
		t.Errorf("workflow commands mismatch (-want +got):\n%s\nlog:\n%s", diff, buf.String())
	}
	for _, wantLine := range []string{
		`index answer: OK\n::add-mask::OK\n::error title=Pwned::owned\n::stop-commands::zzz #\#[error]v1`,
		`\::warning::at the start`,
		`files: [a\n::error::b]`,
	} {
		if !strings.Contains(buf.String(), wantLine+"\n") {
			t.Errorf("log lacks line %q:\n%s", wantLine, buf.String())
		}
	}
}

func TestSafe_scrubs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "out"), filepath.Join(dir, "sum")
	raw, buf := newGitHub(t, out, sum)
	c := console.Safe(raw)
	const tok = "pypi-AgEIcHlwaS5vcmcCJGE4ZjI1ZDNkLTg3ZjItNDYyZS05ZmI1"
	basic := base64.StdEncoding.EncodeToString([]byte("__token__:" + tok))
	c.AddMask(tok)
	c.AddMask(tok) // once
	c.AddMask(basic)
	c.Infof("echo %s", tok)
	c.Warningf("Echo "+tok, "Basic %s and %s…", basic, tok[:20])
	c.SetOutputs(map[string]string{"files": `["` + tok + `"]`})
	c.AddSummary("| x | " + tok + " |")
	log := buf.String()
	if n := strings.Count(log, "::add-mask::"+tok+"\n"); n != 1 {
		t.Errorf("mask of the token printed %d times, want 1", n)
	}
	rest := strings.ReplaceAll(strings.ReplaceAll(log, "::add-mask::"+tok+"\n", ""), "::add-mask::"+basic+"\n", "")
	got := []string{rest, read(t, out), read(t, sum)}
	for _, text := range got {
		for _, s := range []string{tok, basic, tok[:20]} {
			if strings.Contains(text, s) {
				t.Errorf("secret %.9s… left in %q", s, text)
			}
		}
	}
	if !strings.Contains(rest, "::warning title=Echo ***::Basic *** and ***…") {
		t.Errorf("warning not scrubbed as expected:\n%s", rest)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
