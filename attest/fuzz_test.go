package attest

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzVerify must never panic, whatever the attestation bytes; it is
// seeded with the real production attestations.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"version":1}`))
	for _, name := range []string{"pypi_attestations-0.0.19.tar.gz.publish.attestation", "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	id := Identity{Repository: "trailofbits/pypi-attestations", Workflow: "release.yml"}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Verify(b, "pypi_attestations-0.0.19.tar.gz", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3", id, nil)
		_ = VerifyUpload(b, "pypi_attestations-0.0.19.tar.gz", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3", id, nil)
		_, _ = ToBundle(b)
		_, _ = FromBundle(b)
	})
}
