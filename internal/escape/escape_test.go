package escape_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/pypi-publish/pypi-publish/internal/escape"
)

func TestControls(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		keep bool
		want string
	}{
		{"plain", "evil-1.0.whl 50% done", false, "evil-1.0.whl 50% done"},
		{"newline_escaped", "a\n::error::x", false, `a\n::error::x`},
		{"newline_kept", "a\n::error::x", true, "a\n::error::x"},
		{"crlf_kept_as_lf", "a\r\nb", true, "a\nb"},
		{"lone_cr", "a\rb", true, `a\rb`},
		{"tab_kept", "a\tb", false, "a\tb"},
		{"ansi", "\x1b[31mred", false, `\x1b[31mred`},
		{"nul_del", "a\x00b\x7f", false, `a\x00b\x7f`},
		{"c1_nel", "a\u0085b", true, `a\u0085b`},
		{"line_separator", "a\u2028b", true, `a\u2028b`},
		{"bidi", "txt\u202egnp.exe", false, `txt\u202egnp.exe`},
		{"zero_width", "a\u200bb\ufeff", false, `a\u200bb\ufeff`},
		{"invalid_utf8", "a\xffb", false, `a\xffb`},
		{"unicode_kept", "Zoë 日本 — ok", false, "Zoë 日本 — ok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := escape.Controls(tc.in, tc.keep); got != tc.want {
				t.Errorf("Controls(%q, %t) = %q, want %q", tc.in, tc.keep, got, tc.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"index answer: OK", "index answer: OK"},
		{"::add-mask::OK", `\::add-mask::OK`},
		{"  \t::error title=x::y", "  \t\\::error title=x::y"},
		{"\u00a0::warning::y", "\u00a0\\::warning::y"},
		{"Programming Language :: Python", "Programming Language :: Python"},
		{"x ##[error]boom", `x #\#[error]boom`},
		{"##[add-mask]s", `#\#[add-mask]s`},
	}
	for _, tc := range cases {
		if got := escape.Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := escape.Lines("ok\n::stop-commands::z\n##[x]"), "ok\n\\::stop-commands::z\n#\\#[x]"; got != want {
		t.Errorf("Lines() = %q, want %q", got, want)
	}
}

func TestMarkdown(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"plain", "File already exists", "File already exists"},
		{"version", "4.0.0", "4.0.0"},
		{"heading_and_html", "# Pwned\n<img src=x onerror=alert(1)>", "\\# Pwned\\\n\\<img src=x onerror=alert(1)\\>"},
		{"link", "[click](https://evil.example)", `\[click\](https\://evil.example)`},
		{"www_autolink", "see www.evil.example", `see www\.evil.example`},
		{"email_autolink", "me@evil.example", `me\@evil.example`},
		{"entity_and_pipe", "a &amp; b | c", `a \&amp; b \| c`},
		{"backticks_emphasis", "`code` *b* _i_ ~s~", "\\`code\\` \\*b\\* \\_i\\_ \\~s\\~"},
		{"list_and_quote_lines", "- item\n> quote\n1. first\n2) second\n===", "\\- item\\\n\\> quote\\\n1\\. first\\\n2\\) second\\\n\\==="},
		{"indented_marker", "  + item", "  \\+ item"},
		{"dash_inside", "not-attempted", "not-attempted"},
		{"math", "$x$", `\$x\$`},
		{"colon_plain", "failed: 400", "failed: 400"},
		{"mailto", "mailto:me", `mailto\:me`},
		{"trailing_newline_dropped", "a\n", "a"},
		{"control", "a\x1bb", `a\\x1bb`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := escape.Markdown(tc.in); got != tc.want {
				t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got, want := escape.Inline("a\nb|c"), `a b\|c`; got != want {
		t.Errorf("Inline() = %q, want %q", got, want)
	}
}

func TestCode(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want, cell string }{
		{"evil.whl", "`evil.whl`", "`evil.whl`"},
		{"a`b", "``a`b``", "``a`b``"},
		{"`x`", "`` `x` ``", "`` `x` ``"},
		{"a ``` b", "````a ``` b````", "````a ``` b````"},
		{"a|b", "`a|b`", "`a\\|b`"},
		{"a\nb", "`a b`", "`a b`"},
		{"", "`  `", "`  `"},
	}
	for _, tc := range cases {
		if got := escape.Code(tc.in); got != tc.want {
			t.Errorf("Code(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := escape.Cell(tc.in); got != tc.cell {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.cell)
		}
	}
}

func TestBlock(t *testing.T) {
	t.Parallel()
	in := "400 Bad\n```\n# heading\n<script>x</script>\n````"
	got := escape.Block(in)
	want := "`````text\n" + in + "\n`````\n"
	if got != want {
		t.Errorf("Block() = %q, want %q", got, want)
	}
	if got := escape.Block("plain\n"); got != "```text\nplain\n```\n" {
		t.Errorf("Block(plain) = %q", got)
	}
}

// FuzzLine: whatever the text, one value made inert with Controls and
// Line is one line that the runner cannot read as a workflow command.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"OK\n::add-mask::OK", " ::error::x", "a ##[error]b", "\u2028::x", "\r::x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := escape.Line(escape.Controls(s, false))
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("line break left in %q", got)
		}
		if strings.HasPrefix(strings.TrimLeftFunc(got, unicode.IsSpace), "::") || strings.Contains(got, "##[") {
			t.Fatalf("command left in %q", got)
		}
	})
}
