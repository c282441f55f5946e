package attest_test

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/boundarytest"
)

// The product depends on no Sigstore library and attest stays a library:
// no go-githubactions, nothing from golang.org/x.
func TestDependencies(t *testing.T) {
	t.Parallel()
	boundarytest.Deps(t, "attest", []string{"github.com/sigstore/", "github.com/sethvargo/go-githubactions", "golang.org/x/"})
}
