package distname_test

import (
	"errors"
	"os/exec"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/distname"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// pairs are file names whose IDs are compared; want says whether packaging
// parses them to equal tuples.
var pairs = []struct {
	a, b string
	want bool
}{
	{"pkg-1.0.tar.gz", "pkg-1.0.tar.gz", true},
	{"Pkg_Name-1.0.tar.gz", "pkg-name-1.0.tar.gz", true},
	{"pkg-1.0.tar.gz", "pkg-1.0.0.tar.gz", true},
	{"pkg-1.0.tar.gz", "pkg-1.1.tar.gz", false},
	{"pkg-1.0.tar.gz", "pkg-1.0.zip", true},
	{"pkg-1.0-py3-none-any.whl", "pkg-1.0-py3-none-any.whl", true},
	{"pkg-1.0-py2.py3-none-any.whl", "pkg-1.0-py3.py2-none-any.whl", true},
	{"pkg-1.0-py3-none-any.whl", "pkg-1.0-1-py3-none-any.whl", false},
	{"pkg-1.0-1-py3-none-any.whl", "pkg-1.0-01-py3-none-any.whl", true},
	{"pkg-1.0-1a-py3-none-any.whl", "pkg-1.0-1b-py3-none-any.whl", false},
	{"pkg-1.0rc1-py3-none-any.whl", "pkg-1.0c1-py3-none-any.whl", true},
	{"pkg-1.0-PY3-None-Any.whl", "pkg-1.0-py3-none-any.whl", true},
	{"pkg-1.0.post1.tar.gz", "pkg-1.0-1.tar.gz", false}, // "1.0-1" is name "pkg-1.0", version "1"
	{"pkg-1.0a1.dev2+Local.1.tar.gz", "pkg-1.0alpha1.dev2+local_1.tar.gz", true},
	{"pkg-1.0+01.tar.gz", "pkg-1.0+1.tar.gz", true},
	{"pkg-99999999999999999999999.tar.gz", "pkg-99999999999999999999998.tar.gz", false},
	{"pkg-0!1.0.tar.gz", "pkg-1.tar.gz", true},
	{"café-1.0-py3-none-any.whl", "CAFÉ-1.0-py3-none-any.whl", true},
}

var invalid = []string{
	"pkg.tar.gz", "pkg-1.0.txt", "pkg-1.0-py3-any.whl", "pkg-x.y.tar.gz", "p__k-1.0-py3-none-any.whl",
	"pkg-1.0-x-py3-none-any.whl", "pkg-1.0.TAR.GZ",
}

// stricter are names packaging 23 accepts and we refuse on purpose: an
// empty project name, an empty tag, a Python tag that is not an identifier
// (the last two as packaging 26.3 does).
var stricter = []string{"-1.0.tar.gz", "-1.0-py3-none-any.whl", "pkg-1.0-py3.-none-any.whl", "pkg-1.0-3py-none-any.whl"}

func TestIdentify(t *testing.T) {
	t.Parallel()
	for _, tc := range pairs {
		a, errA := distname.Identify(tc.a)
		b, errB := distname.Identify(tc.b)
		if errA != nil || errB != nil {
			t.Errorf("Identify(%q), Identify(%q) errors %v, %v", tc.a, tc.b, errA, errB)
			continue
		}
		if got := a == b; got != tc.want {
			t.Errorf("Identify(%q) == Identify(%q) is %v, want %v (%+v, %+v)", tc.a, tc.b, got, tc.want, a, b)
		}
	}
	for _, bad := range append(invalid, stricter...) {
		if id, err := distname.Identify(bad); !errors.Is(err, distname.ErrInvalid) {
			t.Errorf("Identify(%q) = %+v, %v; want an error wrapping ErrInvalid", bad, id, err)
		}
	}
}

// TestIdentifyMatchesPackaging asks Debian's python3-packaging whether each
// pair parses to equal tuples, and whether each invalid name is refused.
func TestIdentifyMatchesPackaging(t *testing.T) {
	t.Parallel()
	python := testtool.Python(t, "packaging.utils")
	var names [][2]string
	for _, p := range pairs {
		names = append(names, [2]string{p.a, p.b})
	}
	for _, n := range invalid {
		names = append(names, [2]string{n, n})
	}
	const script = `import json, sys
from packaging.utils import parse_wheel_filename, parse_sdist_filename
def parse(n):
    try:
        if n.endswith(".whl"):
            return parse_wheel_filename(n)
        return parse_sdist_filename(n)
    except Exception:
        return None
out = []
for a, b in json.load(sys.stdin):
    pa, pb = parse(a), parse(b)
    out.append(None if pa is None or pb is None else pa == pb)
json.dump(out, sys.stdout)
`
	var want []*bool
	testtool.RunJSON(t, exec.CommandContext(t.Context(), python, "-c", script), names, &want)
	for i, n := range names {
		a, errA := distname.Identify(n[0])
		b, errB := distname.Identify(n[1])
		switch {
		case want[i] == nil && errA == nil && errB == nil:
			t.Errorf("Identify accepts %q and %q; packaging refuses one", n[0], n[1])
		case want[i] != nil && (errA != nil || errB != nil):
			t.Errorf("Identify(%q), Identify(%q) errors %v, %v; packaging accepts both", n[0], n[1], errA, errB)
		case want[i] != nil && (a == b) != *want[i]:
			t.Errorf("Identify(%q) == Identify(%q) is %v; packaging says %v", n[0], n[1], a == b, *want[i])
		}
	}
}

func FuzzIdentify(f *testing.F) {
	for _, p := range pairs {
		f.Add(p.a)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := distname.Identify(s)
		if err == nil && (id.Name == "" || id.Version == "") {
			t.Errorf("Identify(%q) = %+v without error, want a name and a version", s, id)
		}
	})
}
