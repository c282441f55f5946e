package rst

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want string // substring of the first issue; "" means no issue
	}{
		{name: "clean", in: "Title\n=====\n\nText with *emphasis*.\n"},
		{name: "underline_short", in: "Long title\n=====\n\nText.\n", want: "Title underline too short."},
		{name: "overline_mismatch", in: "=====\nTitle\n-----\n\nText.\n", want: "Title overline & underline mismatch."},
		{name: "level_inconsistent", in: "A\n=\n\nB\n-\n\nC\n=\n\nD\n~\n\nE\n~\n\nF\n-\n\nG\n^\n", want: "Title level inconsistent."},
		{name: "unknown_directive", in: ".. toctree::\n", want: `Unknown directive type "toctree".`},
		{name: "unknown_role", in: "See :ref:`x`.\n", want: `Unknown interpreted text role "ref".`},
		{name: "raw_disabled", in: ".. raw:: html\n\n   <b>x</b>\n", want: `"raw" directive disabled.`},
		{name: "unterminated_strong", in: "**bold\n", want: "Inline strong start-string without end-string."},
		{name: "bullet_unindent", in: "- a\nb\n", want: "Bullet list ends without a blank line; unexpected unindent."},
		{name: "literal_missing", in: "Example::\n\nText.\n", want: "Literal block expected; none found."},
		{name: "malformed_table", in: "+--+--+\n|a |b|\n+--+--+\n", want: "Malformed table."},
		{name: "duplicate_target", in: "`x <https://a>`_ `x <https://b>`_\n", want: `Duplicate explicit target name: "x".`},
		{name: "unknown_target", in: "See docs_.\n", want: `Unknown target name: "docs".`},
		{name: "undefined_substitution", in: "A |b| c.\n", want: `Undefined substitution referenced: "b".`},
		{name: "anonymous_mismatch", in: "`a`__ `b`__\n\n__ https://a\n", want: "Anonymous hyperlink mismatch"},
		{name: "empty", in: "\n\n", want: "No content rendered"},
		{name: "markdown_passes_as_text", in: "# Title\n\nSome [link](https://x).\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Check(tc.in)
			if tc.want == "" {
				if len(got) != 0 {
					t.Errorf("Check(%q) = %v, want no issues", tc.in, got)
				}
				return
			}
			if len(got) == 0 || !strings.Contains(got[0].Message, tc.want) {
				t.Errorf("Check(%q) = %v, want first issue containing %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzRST(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "docs", "*.rst"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, is := range Check(s) {
			if is.Line < 1 || is.Message == "" {
				t.Fatalf("Check(%q) returned a malformed issue %+v", s, is)
			}
		}
	})
}
