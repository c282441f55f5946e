package publishtest

import (
	"os/exec"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// packagingScript prints, for each input, str(Version(v)) and
// canonicalize_version(v) with python3-packaging, or nulls when invalid, and
// canonicalize_name.
const packagingScript = `
import json, sys
from packaging.version import Version, InvalidVersion
from packaging.utils import canonicalize_version, canonicalize_name
out = []
for v in json.load(sys.stdin):
    try:
        out.append([str(Version(v)), canonicalize_version(v), canonicalize_name(v)])
    except InvalidVersion:
        out.append([None, None, canonicalize_name(v)])
json.dump(out, sys.stdout)
`

// TestVersionsMatchPackaging checks the fake's PEP 440 and PEP 503
// normalization against python3-packaging, the library Warehouse uses.
func TestVersionsMatchPackaging(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	testtool.Python(t, "packaging.version")
	t.Parallel()
	in := []string{"1.0", "1.0.0", "v1.0", "V2", "1.0.0RC1", "1.0c1", "1.0-pre2", "1.0.preview.3", "1.0alpha", "1.0-beta-2",
		"1.0-1", "1.0_post_3", "1.0.rev", "1.0r4", "1.0.dev", "1.0-DEV7", "0!1.0", "3!1.0.0", "1.0+Ubuntu-1", "1.0+abc_DEF.7",
		"2.0.0rc1.post2.dev3", "01.002.0003", "1.0.0.0.0", " 1.0 ", "1.0.post", "not a version", "1.0+", "1..0", "1.0-",
		"Zebra.Cake_Tools", "a---b", "A._-b"}
	var want [][3]*string
	testtool.RunJSON(t, exec.CommandContext(t.Context(), testtool.DebianPython, "-c", packagingScript), in, &want)
	for i, v := range in {
		got, ok := parseVersion(v)
		switch {
		case want[i][0] == nil && ok:
			t.Errorf("parseVersion(%q) = %+v, packaging says invalid", v, got)
		case want[i][0] != nil && !ok:
			t.Errorf("parseVersion(%q) invalid, packaging says %q", v, *want[i][0])
		case ok && (got.norm != *want[i][0] || got.canon != *want[i][1]):
			t.Errorf("parseVersion(%q) = %q, %q; packaging %q, %q", v, got.norm, got.canon, *want[i][0], *want[i][1])
		}
		if n := normalize(v); n != *want[i][2] {
			t.Errorf("normalize(%q) = %q, packaging %q", v, n, *want[i][2])
		}
	}
}
