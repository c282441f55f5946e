package oidc_test

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/boundarytest"
)

// TestBoundaries guards the package's boundaries: no
// go-githubactions, no environment reads, no printing, no exits.
func TestBoundaries(t *testing.T) {
	t.Parallel()
	boundarytest.Deps(t, "oidc", []string{"github.com/sethvargo/go-githubactions/"}, ".", "./oidctest")
	boundarytest.NoCalls(t, boundarytest.LibraryCalls, "*.go", "oidctest/*.go")
}
