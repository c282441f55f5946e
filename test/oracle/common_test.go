package oracle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

const (
	wheelName = "hello_pkg-1.0.0-py3-none-any.whl"

	prodFile   = "pypi_attestations-0.0.19.tar.gz"
	prodSHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
	prodRepo   = "trailofbits/pypi-attestations"
	prodRef    = "trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19"

	spt3gFile = "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
	spt3gSHA  = "d2772f9a5199f05ed1be8d9aa78b879e51772e3ead9d73fe8057257b1aec7cf8"
)

var wheelSHA = func() string {
	s := sha256.Sum256([]byte("not really a wheel"))
	return hex.EncodeToString(s[:])
}()

// testdata reads a file of ../../attest/testdata.
func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "attest", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signed makes one attestation with the fakes.
func signed(t *testing.T) (*attesttest.Env, []byte) {
	t.Helper()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	att, err := env.Signer(t).Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	return env, att
}

// mutate decodes att, applies f, and encodes it again.
func mutate(t *testing.T, att []byte, f func(a *attest.Attestation)) []byte {
	t.Helper()
	a, err := attest.ParseAttestation(att)
	if err != nil {
		t.Fatal(err)
	}
	f(a)
	b, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tamperCase is one way to break an attestation that every oracle must
// reject. digest and repo override what the verifier expects.
type tamperCase struct {
	name   string
	att    func(t *testing.T, att []byte) []byte
	digest string
	repo   string
}

func tamperCases() []tamperCase {
	same := func(t *testing.T, att []byte) []byte { return att }
	return []tamperCase{
		{name: "flipped_statement_byte", att: func(t *testing.T, att []byte) []byte {
			return mutate(t, att, func(a *attest.Attestation) { a.Envelope.Statement[20] ^= 1 })
		}},
		{name: "flipped_signature", att: func(t *testing.T, att []byte) []byte {
			return mutate(t, att, func(a *attest.Attestation) { a.Envelope.Signature[len(a.Envelope.Signature)-3] ^= 1 })
		}},
		{name: "wrong_digest", att: same, digest: "ff" + wheelSHA[2:]},
		{name: "wrong_identity", att: same, repo: "someone/else"},
		{name: "broken_set", att: func(t *testing.T, att []byte) []byte {
			return mutate(t, att, func(a *attest.Attestation) {
				s := a.VerificationMaterial.TransparencyEntries[0].InclusionPromise.SignedEntryTimestamp
				s[len(s)-3] ^= 1
			})
		}},
		{name: "set_over_other_time", att: func(t *testing.T, att []byte) []byte {
			return mutate(t, att, func(a *attest.Attestation) { a.VerificationMaterial.TransparencyEntries[0].IntegratedTime++ })
		}},
		{name: "broken_inclusion_proof", att: func(t *testing.T, att []byte) []byte {
			return mutate(t, att, func(a *attest.Attestation) {
				a.VerificationMaterial.TransparencyEntries[0].InclusionProof.Hashes[0][0] ^= 1
			})
		}},
		{name: "wrong_proof_index", att: func(t *testing.T, att []byte) []byte {
			return mutate(t, att, func(a *attest.Attestation) { a.VerificationMaterial.TransparencyEntries[0].InclusionProof.LogIndex-- })
		}},
	}
}
