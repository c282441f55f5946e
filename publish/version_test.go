package publish

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestCanonicalVersionMatchesPackaging checks canonicalVersion against
// python3-packaging's canonicalize_version (what Warehouse compares
// releases by).
func TestCanonicalVersionMatchesPackaging(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import packaging.utils").Run(); err != nil {
		t.Skip("python3-packaging not installed")
	}
	t.Parallel()
	in := []string{"1.0", "1.0.0", "v1.0", "1.0.0RC1", "1.0c1", "1.0-pre2", "1.0alpha", "1.0-1", "1.0_post_3", "1.0.dev",
		"0!1.0", "3!1.0.0", "1.0+Ubuntu-1", "2.0.0rc1.post2.dev3", "01.002.0003", "1.0.0.0.0", "1.0.post"}
	b, _ := json.Marshal(in)
	cmd := exec.CommandContext(t.Context(), "/usr/bin/python3", "-c",
		"import json,sys\nfrom packaging.utils import canonicalize_version as c\njson.dump([c(v) for v in json.load(sys.stdin)], sys.stdout)")
	cmd.Stdin = strings.NewReader(string(b))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, v := range in {
		if got := canonicalVersion(v); got != want[i] {
			t.Errorf("canonicalVersion(%q) = %q, packaging %q", v, got, want[i])
		}
	}
}

func TestSdistVersion(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{{"p-1.0.tar.gz", "1.0"}, {"my-pkg-2.0.ZIP", "2.0"}, {"p.whl", ""}, {"nohyphen.tar.gz", ""}}
	for _, tc := range cases {
		if got, _ := sdistVersion(tc.in); got != tc.want {
			t.Errorf("sdistVersion(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
