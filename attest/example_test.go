package attest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

// ExamplePrepare signs one distribution against fake Sigstore services,
// then reuses the written attestation on a second run.
func ExamplePrepare() {
	claims := attesttest.GitHubClaims("octo-org/hello-pkg", "release.yml", "refs/tags/v1.0.0")
	issuer, _ := attesttest.NewIssuer(claims)
	fulcio, _ := attesttest.NewFulcio(attesttest.FulcioOptions{VerifyToken: issuer.Verify})
	defer fulcio.Close()
	rekor, _ := attesttest.NewRekor(attesttest.RekorOptions{})
	defer rekor.Close()
	rootJSON, _ := attesttest.TrustedRootJSON(fulcio, rekor, time.Now().Add(-time.Hour))
	root, err := attest.ParseTrustedRoot(rootJSON)
	if err != nil {
		fmt.Println(err)
		return
	}
	signer, err := attest.NewSigner(
		attest.WithFulcioURL(fulcio.URL),
		attest.WithRekorURL(rekor.URL),
		attest.WithIDToken(issuer.IDToken),
		attest.WithTrustedRoot(root),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	dist := filepath.Join(dir, "hello_pkg-1.0.0-py3-none-any.whl")
	_ = os.WriteFile(dist, []byte("wheel"), 0o644)
	files := []attest.Subject{{Path: dist, Filename: filepath.Base(dist), SHA256: wheelSHA}}
	id := attest.Identity{Repository: "octo-org/hello-pkg", WorkflowRef: "octo-org/hello-pkg/.github/workflows/release.yml@refs/tags/v1.0.0"}

	for range 2 {
		p, err := attest.Prepare(context.Background(), signer, files, id, root)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(filepath.Base(p[0].Files[0]), "reused:", p[0].Reused)
	}
	// Output:
	// hello_pkg-1.0.0-py3-none-any.whl.publish.attestation reused: false
	// hello_pkg-1.0.0-py3-none-any.whl.publish.attestation reused: true
}
