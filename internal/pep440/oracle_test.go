package pep440_test

import (
	"os/exec"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// TestCanonicalMatchesPackaging compares Canonical with Debian's
// python3-packaging canonicalize_version (what Warehouse compares releases
// by, and what publish and attest compare versions with), valid and
// invalid versions alike.
func TestCanonicalMatchesPackaging(t *testing.T) {
	t.Parallel()
	python := testtool.Python(t, "packaging.utils")
	in := []string{"1.0", "1.0.0", "v1.0", "1.0.0RC1", "1.0c1", "1.0-pre2", "1.0alpha", "1.0-1", "1.0_post_3", "1.0.dev",
		"0!1.0", "3!1.0.0", "1.0+Ubuntu-1", "2.0.0rc1.post2.dev3", "01.002.0003", "1.0.0.0.0", "1.0.post", "0", "0.0.0",
		"1.0+01", "1.0+a.01.b", " 1.0 ", "1.0\t", "V1.0", "1.0.10", "10.0.0", "99999999999999999999999.0",
		"1.0.0+abc.0", "not a version", "1.0-", "", "1.0 .0", "1!", "1.0+"}
	var want []string
	testtool.RunJSON(t, exec.CommandContext(t.Context(), python, "-c",
		"import json,sys\nfrom packaging.utils import canonicalize_version as c\njson.dump([c(v) for v in json.load(sys.stdin)], sys.stdout)"), in, &want)
	for i, v := range in {
		if got := pep440.Canonical(v); got != want[i] {
			t.Errorf("Canonical(%q) = %q, packaging %q", v, got, want[i])
		}
	}
}
