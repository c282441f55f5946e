package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

func TestEntryPointsProblem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      string
		wantBad string // substring of the problem; "" for a valid file
	}{
		{name: "setuptools_style", in: "[console_scripts]\nmaple-syrup = maple_syrup.cli:main\n\n[maple_syrup.plugins]\ndefault = maple_syrup.plugins:Default\n"},
		{name: "extras_and_spaces", in: "[console_scripts]\nx = pkg.mod : obj.attr [fast, color]\n"},
		{name: "module_only", in: "[pytest11]\nplugin = pkg.plugin\n"},
		{name: "comments", in: "# generated\n; too\n[gui_scripts]\nviewer=pkg.gui:run\n"},
		{name: "crlf", in: "[console_scripts]\r\nx = a:b\r\n"},
		{name: "unicode_name", in: "[console_scripts]\nnaïve = pkg:main\n"},
		{name: "not_utf8", in: "[console_scripts]\nx = a:b\xff\n", wantBad: "UTF-8"},
		{name: "no_section", in: "x = a:b\n", wantBad: "before any [section]"},
		{name: "no_equals", in: "[console_scripts]\nx a:b\n", wantBad: "has no '='"},
		{name: "script_with_slash", in: "[console_scripts]\nbin/x = a:b\n", wantBad: "bare name"},
		{name: "script_with_space", in: "[gui_scripts]\nmy tool = a:b\n", wantBad: "bare name"},
		{name: "not_an_object", in: "[console_scripts]\nx = a:b:c\n", wantBad: "does not name an object"},
		{name: "path_not_object", in: "[console_scripts]\nx = ./run.sh\n", wantBad: "does not name an object"},
		{name: "duplicate_key", in: "[console_scripts]\nx = a:b\nx = a:c\n", wantBad: "twice"},
		{name: "duplicate_section", in: "[a]\nx = a:b\n[a]\ny = a:c\n", wantBad: "twice"},
		{name: "continuation", in: "[console_scripts]\nx = a:b\n  more\n", wantBad: "continuation"},
		{name: "bad_header", in: "[console_scripts\nx = a:b\n", wantBad: "section header"},
		{name: "other_sections_names_free", in: "[my.plugins]\nsome name/with slash = a:b\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := entryPointsProblem([]byte(tc.in))
			if tc.wantBad == "" && got != "" {
				t.Errorf("entryPointsProblem(%q) = %q, want valid", tc.in, got)
			}
			if tc.wantBad != "" && !strings.Contains(got, tc.wantBad) {
				t.Errorf("entryPointsProblem(%q) = %q, want it to mention %q", tc.in, got, tc.wantBad)
			}
		})
	}
}

// TestCheckEntryPoints: an invalid file is an error for PyPI, a warning
// elsewhere, and only for wheels (VA-10).
func TestCheckEntryPoints(t *testing.T) {
	t.Parallel()
	d := &Distribution{Filename: "demo_pkg-1.0-py3-none-any.whl", Kind: Wheel, Metadata: &Metadata{Headers: []Header{
		{"Metadata-Version", "2.1"}, {"Name", "demo-pkg"}, {"Version", "1.0"}, {"Summary", "x"}, {"Description-Content-Type", "text/plain"},
	}, Body: "x", BodyPresent: true}, EntryPoints: []byte("[console_scripts]\nbin/x = a:b\n")}
	for target, want := range map[Target]Severity{TargetPyPI: SeverityError, TargetOther: SeverityWarning} {
		var got []Problem
		for _, p := range Check([]*Distribution{d}, target) {
			if p.Rule == "wheel-entry-points" {
				got = append(got, p)
			}
		}
		if len(got) != 1 || got[0].Severity != want {
			t.Errorf("Check(target %d) entry-point problems = %+v, want one with severity %v", target, got, want)
		}
	}
}

// TestEntryPointsProblem_realFiles: every entry_points.txt of the Python
// packages installed on this machine (real files written by setuptools,
// flit, hatchling, poetry) is valid, so the rule blocks no real release.
func TestEntryPointsProblem_realFiles(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("/usr/lib/python3/dist-packages/*.dist-info/entry_points.txt")
	eggs, _ := filepath.Glob("/usr/lib/python3/dist-packages/*.egg-info/entry_points.txt")
	files = append(files, eggs...)
	if len(files) == 0 {
		testtool.Missing(t, "no installed Python packages with entry points here (apt-get install python3-setuptools twine)")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if why := entryPointsProblem(b); why != "" {
			t.Errorf("%s: %s", f, why)
		}
	}
	t.Logf("%d real entry_points.txt files checked", len(files))
}
