package oidc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBoundaries guards the package's boundaries (STYLE C5): no
// go-githubactions, no environment reads, no printing, no exits.
func TestBoundaries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", ".", "./oidctest").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "go-githubactions") {
			t.Errorf("oidc depends on %s", dep)
		}
	}
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("oidctest/*.go")
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"os.Getenv", "os.LookupEnv", "os.Environ", "fmt.Print", "\"log\"", "os.Exit("} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s uses %s", f, bad)
			}
		}
	}
}
