package oracle

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
)

// sigstoreGoVerify is Oracle A: sigstore-go's verifier with a transparency
// log entry, an SCT and an observer timestamp (the SET's integrated time)
// required, the artifact digest, and the GitHub workflow identity.
func sigstoreGoVerify(att []byte, rootJSON []byte, sha256hex, repo, workflowRef string) error {
	bj, err := attest.ToBundle(att)
	if err != nil {
		return err
	}
	var b bundle.Bundle
	if err := b.UnmarshalJSON(bj); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	tr, err := root.NewTrustedRootFromJSON(rootJSON)
	if err != nil {
		return fmt.Errorf("trusted root: %w", err)
	}
	v, err := verify.NewVerifier(tr,
		verify.WithTransparencyLog(1),
		verify.WithSignedCertificateTimestamps(1),
		verify.WithObserverTimestamps(1))
	if err != nil {
		return err
	}
	san, err := verify.NewSANMatcher("", "^"+regexp.QuoteMeta("https://github.com/"+repo+"/.github/workflows/")+".+@.+$")
	if err != nil {
		return err
	}
	iss, err := verify.NewIssuerMatcher(attest.GitHubIssuer, "")
	if err != nil {
		return err
	}
	id, err := verify.NewCertificateIdentity(san, iss, certificate.Extensions{
		SourceRepositoryURI: "https://github.com/" + repo,
		BuildConfigURI:      "https://github.com/" + workflowRef,
	})
	if err != nil {
		return err
	}
	digest, err := hex.DecodeString(sha256hex)
	if err != nil {
		return err
	}
	_, err = v.Verify(&b, verify.NewPolicy(verify.WithArtifactDigest("sha256", digest), verify.WithCertificateIdentity(id)))
	return err
}

func TestSigstoreGo_accepts_our_attestation(t *testing.T) {
	t.Parallel()
	env, att := signed(t)
	if err := sigstoreGoVerify(att, env.RootJSON, wheelSHA, env.Identity.Repository, env.Identity.WorkflowRef); err != nil {
		t.Errorf("sigstore-go Verify() = %v, want nil", err)
	}
}

func TestSigstoreGo_accepts_production_fixture(t *testing.T) {
	t.Parallel()
	att := testdata(t, prodFile+".publish.attestation")
	rootJSON := testdataRoot(t)
	if err := sigstoreGoVerify(att, rootJSON, prodSHA256, prodRepo, prodRef); err != nil {
		t.Errorf("sigstore-go Verify() = %v, want nil", err)
	}
	if err := sigstoreGoVerify(att, rootJSON, prodSHA256, "someone/else", prodRef); err == nil {
		t.Error("sigstore-go Verify(other repository) = nil, want an error")
	}
	// The email identity (made on the staging instance) is rejected.
	spt3g := testdata(t, spt3gFile+".publish.attestation")
	if err := sigstoreGoVerify(spt3g, rootJSON, spt3gSHA, "CMB-S4/spt3g_software", "CMB-S4/spt3g_software/.github/workflows/release.yml@refs/tags/v1.0"); err == nil {
		t.Error("sigstore-go Verify(spt3g) = nil, want an error")
	}
}

func TestSigstoreGo_rejects_tampered(t *testing.T) {
	t.Parallel()
	env, att := signed(t)
	for _, tc := range tamperCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			digest, repo := wheelSHA, env.Identity.Repository
			if tc.digest != "" {
				digest = tc.digest
			}
			if tc.repo != "" {
				repo = tc.repo
			}
			bad := tc.att(t, att)
			if err := sigstoreGoVerify(bad, env.RootJSON, digest, repo, env.Identity.WorkflowRef); err == nil {
				t.Error("sigstore-go Verify() = nil, want an error")
			}
			// Oracle B (our verifier) must agree.
			if err := attest.Verify(bad, wheelName, digest, attest.Identity{Repository: repo, WorkflowRef: env.Identity.WorkflowRef}, env.Root); err == nil {
				t.Error("attest.Verify() = nil, want an error")
			}
		})
	}
}

// A foreign trust root (another fake Sigstore) must not verify.
func TestSigstoreGo_rejects_foreign_root(t *testing.T) {
	t.Parallel()
	env, att := signed(t)
	other := attesttest.NewEnv(t, attesttest.EnvOptions{})
	if err := sigstoreGoVerify(att, other.RootJSON, wheelSHA, env.Identity.Repository, env.Identity.WorkflowRef); err == nil {
		t.Error("sigstore-go Verify(foreign root) = nil, want an error")
	}
}

func testdataRoot(t *testing.T) []byte {
	t.Helper()
	return testdata(t, "../sigstore/trusted_root.json")
}

// Attestations made across certificate renewals (1-minute certificates,
// upstream #415) verify with sigstore-go, each within its own leaf.
func TestSigstoreGo_accepts_renewed_certificates(t *testing.T) {
	t.Parallel()
	clock := attesttest.NewManualClock(time.Now())
	env := attesttest.NewEnv(t, attesttest.EnvOptions{Clock: clock.Now, CertLifetime: time.Minute})
	s := env.Signer(t)
	for i := range 5 {
		name := fmt.Sprintf("hello_pkg-1.0.%d-py3-none-any.whl", i)
		att, err := s.Sign(context.Background(), name, wheelSHA)
		if err != nil {
			t.Fatalf("Sign(%s) error = %v", name, err)
		}
		if err := sigstoreGoVerify(att, env.RootJSON, wheelSHA, env.Identity.Repository, env.Identity.WorkflowRef); err != nil {
			t.Errorf("sigstore-go Verify(%s) = %v", name, err)
		}
		clock.Advance(50 * time.Second)
	}
	if got := len(env.Fulcio.Issued()); got != 5 {
		t.Errorf("Fulcio issued %d certificates, want 5", got)
	}
}

// After Sigstore rotates the Fulcio CA and CT key (attesttest's
// Fulcio.Rotate), the new trusted root (old CA ending at the rotation, new
// CA) verifies with sigstore-go what was signed before and after.
func TestSigstoreGo_accepts_across_a_key_rotation(t *testing.T) {
	t.Parallel()
	env, before := signed(t)
	if err := env.Fulcio.Rotate(); err != nil {
		t.Fatal(err)
	}
	rootJSON, err := attesttest.TrustedRootJSON(env.Fulcio, env.Rekor, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := attest.ParseTrustedRoot(rootJSON)
	if err != nil {
		t.Fatal(err)
	}
	after, err := env.Signer(t, attest.WithTrustedRoot(tr)).Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() after the rotation: %v", err)
	}
	for name, att := range map[string][]byte{"before": before, "after": after} {
		if err := sigstoreGoVerify(att, rootJSON, wheelSHA, env.Identity.Repository, env.Identity.WorkflowRef); err != nil {
			t.Errorf("sigstore-go Verify(%s the rotation) = %v", name, err)
		}
	}
	// The root of before the rotation does not know the new CA.
	if err := sigstoreGoVerify(after, env.RootJSON, wheelSHA, env.Identity.Repository, env.Identity.WorkflowRef); err == nil {
		t.Error("sigstore-go accepted the new certificate under the old root")
	}
}
