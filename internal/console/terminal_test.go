package console

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exercise calls every method of c once, with outside text in the
// arguments.
func exercise(c Console) {
	c.AddMask("pypi-secret-token-value")
	c.Infof("plain %s", "line")
	c.Debugf("debug %s", "detail")
	c.Noticef("", "a notice about %s", "dist/a.whl")
	c.Warningf("Title", "a warning\nover two lines with %s", "pypi-secret-token-value")
	c.Group("Uploaded %s", "a.whl")
	c.Infof("size %s", "1 KiB")
	c.EndGroup()
	c.Errorf("Upload failed (UP-04)", "%s", "the file exists\nFix: rename it")
	c.SetOutputs(map[string]string{"files": "[]"})
	c.AddSummary("## pypi-publish: Published\n\n| | |\n|---|---|\n| Index | `https://x/legacy/` |\n")
}

func TestTerminal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		o    TerminalOptions
		want string
	}{
		{name: "plain", want: `plain line
notice: a notice about dist/a.whl
warning: Title
  a warning
  over two lines with ***
Uploaded a.whl
  size 1 KiB
error: Upload failed (UP-04)
  the file exists
  Fix: rename it

pypi-publish: Published
=======================

Index  https://x/legacy/
`},
		{name: "debug", o: TerminalOptions{Debug: true}, want: "debug: debug detail\n"},
		{name: "runner_view", o: TerminalOptions{RunnerView: true}, want: "Warning: Title\n  a warning\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			exercise(NewTerminal(&buf, tc.o))
			got := buf.String()
			if tc.name == "plain" {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("Terminal output mismatch (-want +got):\n%s", diff)
				}
			} else if !strings.Contains(got, tc.want) {
				t.Errorf("Terminal output lacks %q:\n%s", tc.want, got)
			}
			for _, line := range strings.Split(got, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.Contains(line, "%0A") {
					t.Errorf("a workflow command or escape in a terminal line: %q", line)
				}
			}
			if strings.Contains(got, "pypi-secret-token-value") {
				t.Error("a masked secret was printed")
			}
			if tc.o.Debug != strings.Contains(got, "debug detail") {
				t.Errorf("debug line shown = %v, want %v", !tc.o.Debug, tc.o.Debug)
			}
		})
	}
}

// Lines printed from many goroutines never interleave.
func TestTerminal_concurrent(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	c := NewTerminal(&buf, TerminalOptions{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				c.Warningf("", "goroutine %d says hello", i)
			}
		}()
	}
	wg.Wait()
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if !strings.HasPrefix(line, "warning: goroutine ") || !strings.HasSuffix(line, " says hello") {
			t.Fatalf("garbled line %q", line)
		}
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, want string }{
		{name: "table", in: "| File | Status | Link |\n|---|---|---|\n| `a_b.whl` | uploaded | [release](https://p/x/1/) |\n| `c.tar.gz` | failed |  |\n",
			want: "File      Status    Link\na_b.whl   uploaded  release: https://p/x/1/\nc.tar.gz  failed\n"},
		{name: "pipe_in_code_cell", in: "| A | B |\n|---|---|\n| `x\\|y` | z |\n", want: "A    B\nx|y  z\n"},
		{name: "escaped_pipe_in_cell", in: "| A | B |\n|---|---|\n| x \\| y | z |\n", want: "A      B\nx | y  z\n"},
		{name: "heading_levels", in: "### Trusted publishing: refused (TP-10)\n\n#### Claims\n", want: "Trusted publishing: refused (TP-10)\n-----------------------------------\n\nClaims:\n"},
		{name: "code_fence", in: "Add:\n\n```yaml\nid_tokens:\n  PYPI_ID_TOKEN:\n```\n", want: "Add:\n\n    id_tokens:\n      PYPI_ID_TOKEN:\n"},
		{name: "inline", in: "**How to fix:** see <https://docs.pypi.org/> and `pip install x` &lt;3 \\*not\\* *lists*\n* item\n",
			want: "How to fix: see https://docs.pypi.org/ and pip install x <3 *not* *lists*\n- item\n"},
		{name: "code_keeps_its_text", in: "``a`b`` and `&lt;`\n", want: "a`b and &lt;\n"},
		{name: "quote", in: "> the index said \\_this\\_\n", want: "the index said _this_\n"},
		{name: "lookalike_placeholder", in: "x\x0099\x01y\n", want: "x\x0099\x01y\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, PlainText(tc.in)); diff != "" {
				t.Errorf("PlainText(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// Every summary the report package renders comes out without Markdown.
func TestPlainText_reportGoldens(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "report", "testdata", "*.summary.md.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no report goldens: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out := PlainText(string(b))
		bads := []string{"|---", "**", "](", "\\_", "&lt;", "## "}
		if filepath.Base(f) == "hostile.summary.md.golden" {
			// Its outside text looks like Markdown on purpose and is
			// shown as that text; only our own Markdown must be gone.
			bads = []string{"|---", "\\[", "\\<", "`````"}
		}
		for _, bad := range bads {
			if strings.Contains(out, bad) {
				t.Errorf("%s: plain text still has %q:\n%s", filepath.Base(f), bad, out)
			}
		}
	}
}

func TestWithJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	var buf bytes.Buffer
	c := WithJSON(NewTerminal(&buf, TerminalOptions{}), path)
	c.SetOutputs(map[string]string{"files": `[{"filename":"a.whl","url":null}]`, "trusted-publishing": "true", "note": "not json"})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("JSON file %q: %v", b, err)
	}
	want := map[string]any{"files": []any{map[string]any{"filename": "a.whl", "url": nil}}, "trusted-publishing": true, "note": "not json"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON file mismatch (-want +got):\n%s", diff)
	}
	bad := WithJSON(NewTerminal(&buf, TerminalOptions{}), filepath.Join(dir, "missing", "out.json"))
	bad.SetOutputs(map[string]string{})
	if !strings.Contains(buf.String(), "warning: JSON file not written") {
		t.Errorf("an unwritable JSON file gave no warning:\n%s", buf.String())
	}
	if WithJSON(c, "") != c {
		t.Error("WithJSON(c, \"\") did not return c")
	}
}
