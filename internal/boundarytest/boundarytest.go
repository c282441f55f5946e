// Package boundarytest guards package boundaries in tests: what
// a package may link, and what its non-test code may call. It is imported
// only by _test.go files.
package boundarytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// Deps fails t when `go list -deps pkgs...` (run in the test's package
// directory) lists a package equal to, or under, one of the forbidden
// prefixes. A prefix ending in "/" matches everything below it. It skips
// under -short, and when go list cannot run (fails with CI=true).
func Deps(t *testing.T, name string, forbidden []string, pkgs ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go list")
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	out, err := exec.CommandContext(t.Context(), "go", append([]string{"list", "-deps"}, pkgs...)...).CombinedOutput()
	if err != nil {
		testtool.Missing(t, "go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, strings.TrimSuffix(f, "/")+"/") {
				t.Errorf("%s depends on %s", name, dep)
			}
		}
	}
}

// LibraryCalls are what library code must not do: read the environment,
// print, log or exit.
var LibraryCalls = []string{"os.Getenv", "os.LookupEnv", "os.Environ", "fmt.Print", "\"log\"", "os.Exit("}

// NoCalls fails t when a non-test Go file matching one of the globs
// contains one of calls.
func NoCalls(t *testing.T, calls []string, globs ...string) {
	t.Helper()
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range calls {
				if strings.Contains(string(b), bad) {
					t.Errorf("%s uses %s", f, bad)
				}
			}
		}
	}
}
