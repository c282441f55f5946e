package dist

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckFiles runs the reader and the preflight on the tiny real
// archives in testdata/check (see its README.md).
func TestCheckFiles(t *testing.T) {
	t.Parallel()
	names := []string{
		"Demo_Pkg-1.1-py3-none-any.whl",
		"demo_pkg-1.0-cp312-cp312-linux_x86_64.whl",
		"demo_pkg-1.0-py3-none-any.whl",
		"localver-1.0+abc-py3-none-any.whl",
		"norecord-1.0-py3-none-any.whl",
		"demo_pkg-1.0.tar.gz",
		"licmissing-1.0.tar.gz",
	}
	var dists []*Distribution
	for _, n := range names {
		kind := Wheel
		if strings.HasSuffix(n, ".tar.gz") {
			kind = Sdist
		}
		d, err := Read(File{Path: filepath.Join("testdata", "check", n), Filename: n, Kind: kind})
		if err != nil {
			t.Fatalf("Read(%s) failed: %v", n, err)
		}
		dists = append(dists, d)
	}
	want := map[string][]string{
		"Demo_Pkg-1.1-py3-none-any.whl":             {"VA-05 wheel-name-normalized"},
		"demo_pkg-1.0-cp312-cp312-linux_x86_64.whl": {"VA-06 platform-tag"},
		"localver-1.0+abc-py3-none-any.whl":         {"VA-07 local-version"},
		"norecord-1.0-py3-none-any.whl":             {"VA-10 wheel-member-record"},
		"licmissing-1.0.tar.gz":                     {"VA-10 license-file-missing", "VA-01 description-render"},
	}
	got := map[string][]string{}
	for _, p := range Check(dists, TargetPyPI) {
		if p.Severity == SeverityError {
			got[p.File] = append(got[p.File], p.ID+" "+p.Rule)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check() errors mismatch (-want +got):\n%s\n%s", diff, FormatProblems(Check(dists, TargetPyPI)))
	}
	for _, p := range Check(dists, TargetOther) {
		if p.Severity == SeverityError && p.Rule != "wheel-member-record" && p.Rule != "license-file-missing" {
			t.Errorf("TargetOther: %s %s should not be an error", p.File, p.Rule)
		}
	}
}
