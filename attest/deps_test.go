package attest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The product depends on no Sigstore library and attest stays a library:
// no go-githubactions (STYLE C5).
func TestDependencies(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"github.com/sigstore/", "github.com/sethvargo/go-githubactions", "golang.org/x/"} {
			if strings.HasPrefix(dep, bad) {
				t.Errorf("attest imports %s", dep)
			}
		}
	}
}
