package dist

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies guards the package boundary (STYLE.md C5): dist works on
// files only, so it must not link an HTTP stack or the Actions toolkit.
func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	forbidden := []string{"net/http", "github.com/sethvargo/go-githubactions"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("dist depends on %s", dep)
			}
		}
	}
}
