package dist

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/boundarytest"
)

// TestDependencies guards the package boundary: dist works on
// files only, so it must not link an HTTP stack or the Actions toolkit.
func TestDependencies(t *testing.T) {
	t.Parallel()
	boundarytest.Deps(t, "dist", []string{"net/http", "github.com/sethvargo/go-githubactions"})
}
