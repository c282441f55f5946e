package tuf_test

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/boundarytest"
)

// The client is the standard library only (no go-tuf, whose updater would
// add 3.6 MB to the image), and a library: it never reads the environment,
// prints or exits.
func TestDependencies(t *testing.T) {
	t.Parallel()
	boundarytest.Deps(t, "internal/tuf", []string{"github.com/theupdateframework/", "github.com/sigstore/", "github.com/sethvargo/", "golang.org/x/"})
	boundarytest.NoCalls(t, boundarytest.LibraryCalls, "*.go", "tuftest/*.go")
}
