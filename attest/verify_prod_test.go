package attest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

const (
	prodFile   = "pypi_attestations-0.0.19.tar.gz"
	prodSHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
	prodRepo   = "trailofbits/pypi-attestations"
	prodRef    = "trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19"
	spt3gFile  = "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
	spt3gSHA   = "d2772f9a5199f05ed1be8d9aa78b879e51772e3ead9d73fe8057257b1aec7cf8"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The real production attestation verifies offline against the embedded
// production root, pinned to its integrated time, and fails for anyone else.
func TestVerify_production_fixture(t *testing.T) {
	t.Parallel()
	att := readTestdata(t, prodFile+".publish.attestation")
	cases := []struct {
		name      string
		filename  string
		sha       string
		id        Identity
		wantCheck string
	}{
		{"ok_workflow_ref", prodFile, prodSHA256, Identity{Repository: prodRepo, WorkflowRef: prodRef}, ""},
		{"ok_publisher_policy", prodFile, prodSHA256, Identity{Repository: prodRepo, Workflow: "release.yml"}, ""},
		{"other_repository", prodFile, prodSHA256, Identity{Repository: "someone/else", Workflow: "release.yml"}, "identity"},
		{"repository_case_differs", prodFile, prodSHA256, Identity{Repository: "TrailOfBits/pypi-attestations", Workflow: "release.yml"}, "identity"},
		{"other_workflow", prodFile, prodSHA256, Identity{Repository: prodRepo, Workflow: "publish.yml"}, "identity"},
		{"other_ref_same_workflow", prodFile, prodSHA256, Identity{Repository: prodRepo, WorkflowRef: "trailofbits/pypi-attestations/.github/workflows/release.yml@refs/heads/main"}, "identity"},
		{"wrong_digest", prodFile, spt3gSHA, Identity{Repository: prodRepo, Workflow: "release.yml"}, "digest"},
		{"other_dist", "pypi_attestations-0.0.20.tar.gz", prodSHA256, Identity{Repository: prodRepo, Workflow: "release.yml"}, "subject name"},
		{"same_dist_other_spelling", "pypi-attestations-0.0.19.tar.gz", prodSHA256, Identity{Repository: prodRepo, Workflow: "release.yml"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Verify(att, tc.filename, tc.sha, tc.id, nil)
			if got := CheckOf(err); got != tc.wantCheck || (tc.wantCheck == "" && err != nil) {
				t.Errorf("Verify() = %v (check %q), want check %q", err, got, tc.wantCheck)
			}
		})
	}
}

// The spt3g attestation was made with an email identity (and on the staging
// instance): the GitHub publisher policy and the production root reject it.
func TestVerify_email_identity_rejected(t *testing.T) {
	t.Parallel()
	att := readTestdata(t, spt3gFile+".publish.attestation")
	err := Verify(att, spt3gFile, spt3gSHA, Identity{Repository: "CMB-S4/spt3g_software", Workflow: "release.yml"}, nil)
	if err == nil {
		t.Fatal("Verify() = nil, want an error")
	}
	// Its crypto is fine against the root it was made with; the policy is
	// what must fail. Check the policy alone on its certificate.
	a, err := ParseAttestation(att)
	if err != nil {
		t.Fatal(err)
	}
	leaf := mustCert(t, a.VerificationMaterial.Certificate)
	if err := checkPolicy(leaf, Identity{Repository: "CMB-S4/spt3g_software", Workflow: "release.yml"}, false); CheckOf(err) != "identity" {
		t.Errorf("checkPolicy() = %v, want an identity error", err)
	}
}

// The attestation inside the provenance object PyPI serves verifies too.
func TestVerify_provenance_fixture(t *testing.T) {
	t.Parallel()
	var prov struct {
		Bundles []struct {
			Publisher struct {
				Kind, Repository, Workflow string
			} `json:"publisher"`
			Attestations []json.RawMessage `json:"attestations"`
		} `json:"attestation_bundles"`
	}
	if err := json.Unmarshal(readTestdata(t, prodFile+".provenance"), &prov); err != nil {
		t.Fatal(err)
	}
	if len(prov.Bundles) != 1 || len(prov.Bundles[0].Attestations) != 1 {
		t.Fatalf("provenance has %d bundles, want 1 with 1 attestation", len(prov.Bundles))
	}
	p := prov.Bundles[0].Publisher
	id := Identity{Repository: p.Repository, Workflow: p.Workflow}
	if err := Verify(prov.Bundles[0].Attestations[0], prodFile, prodSHA256, id, nil); err != nil {
		t.Errorf("Verify(provenance attestation, %+v) = %v", id, err)
	}
}
