package publish

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/boundarytest"
)

// TestBoundaries guards the package's boundaries: no
// go-githubactions, and no environment reads in library code.
func TestBoundaries(t *testing.T) {
	t.Parallel()
	boundarytest.Deps(t, "publish", []string{"github.com/sethvargo/go-githubactions/"}, ".", "./publishtest")
	boundarytest.NoCalls(t, boundarytest.LibraryCalls, "*.go", "publishtest/*.go")
}
