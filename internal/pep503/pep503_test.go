package pep503_test

import (
	"os/exec"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/pep503"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

var names = []string{
	"", "foo", "Foo", "FOO-bar", "foo_bar", "foo.bar", "Foo__Bar.baz", "a-_-.b", "-lead", "trail_", "...",
	"Django", "zope.interface", "ruamel.yaml.clib", "Ünïcode_Náme", "\u0130stanbul", "ΑΣ", "x\u212ay",
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"foo", "foo"},
		{"Foo__Bar.baz", "foo-bar-baz"},
		{"a-_-.b", "a-b"},
		{"-lead", "-lead"},
		{"trail_", "trail-"},
		{"...", "-"},
		{"Ünïcode_Náme", "ünïcode-náme"},
		{"\u0130x", "i\u0307x"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := pep503.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNormalizeMatchesPackaging compares Normalize with Debian's
// python3-packaging canonicalize_name.
func TestNormalizeMatchesPackaging(t *testing.T) {
	t.Parallel()
	python := testtool.Python(t, "packaging.utils")
	var want []string
	testtool.RunJSON(t, exec.CommandContext(t.Context(), python, "-c",
		"import json,sys\nfrom packaging.utils import canonicalize_name as c\njson.dump([c(n) for n in json.load(sys.stdin)], sys.stdout)"), names, &want)
	for i, n := range names {
		if n == "ΑΣ" {
			continue // final sigma: see Normalize
		}
		if got := pep503.Normalize(n); got != want[i] {
			t.Errorf("Normalize(%q) = %q, packaging %q", n, got, want[i])
		}
	}
}
