package attest

import "testing"

// BenchmarkVerify_production measures one full verification of the real
// attestation (chain, SCT, SET, inclusion proof, checkpoint, DSSE, policy).
func BenchmarkVerify_production(b *testing.B) {
	att := readTestdataB(b, prodFile+".publish.attestation")
	id := Identity{Repository: prodRepo, WorkflowRef: prodRef}
	for b.Loop() {
		if err := Verify(att, prodFile, prodSHA256, id, nil); err != nil {
			b.Fatal(err)
		}
	}
}
