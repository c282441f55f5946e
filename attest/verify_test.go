package attest_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

// statementJSON builds a statement with the given subjects and predicate
// type, for negative tests.
func statementJSON(t *testing.T, predicateType string, subjects ...[2]string) []byte {
	t.Helper()
	var subs []map[string]any
	for _, s := range subjects {
		subs = append(subs, map[string]any{"name": s[0], "digest": map[string]string{"sha256": s[1]}})
	}
	b, err := json.Marshal(map[string]any{"_type": attest.StatementType, "subject": subs, "predicateType": predicateType, "predicate": nil})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signRaw(t *testing.T, env *attesttest.Env, stmt []byte) []byte {
	t.Helper()
	b, err := attest.SignStatement(context.Background(), env.Signer(t), stmt)
	if err != nil {
		t.Fatalf("SignStatement() error = %v", err)
	}
	return b
}

func signOne(t *testing.T, env *attesttest.Env, filename, sha string) []byte {
	t.Helper()
	b, err := env.Signer(t).Sign(context.Background(), filename, sha)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	return b
}

func edit(t *testing.T, att []byte, f func(a *attest.Attestation)) []byte {
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

// Oracle B: one negative test per rejection PyPI makes (Warehouse's
// attestation checks through pypi-attestations), each naming the check
// that fails.
func TestVerify_pypi_rejections(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	good := signOne(t, env, wheelName, wheelSHA)
	repo := env.Identity.Repository
	pypiID := attest.Identity{Repository: repo, Workflow: attesttest.DefaultWorkflow}

	reusable := attesttest.NewEnv(t, attesttest.EnvOptions{Claims: map[string]any{
		"job_workflow_ref": "octo-org/shared/.github/workflows/pypi.yml@refs/heads/main",
	}})
	noRef := attesttest.NewEnv(t, attesttest.EnvOptions{OmitExtensions: []int{13, 14}})
	other := attesttest.NewEnv(t, attesttest.EnvOptions{})

	cases := []struct {
		name      string
		att       []byte
		filename  string
		sha       string
		id        attest.Identity
		root      *attest.TrustedRoot
		wantCheck string
		wantText  string
	}{
		{name: "valid", att: good, id: pypiID},
		{name: "valid_exact_workflow_ref", att: good, id: env.Identity},
		{name: "wrong_workflow", att: good, id: attest.Identity{Repository: repo, Workflow: "other.yml"}, wantCheck: "identity", wantText: "does not match expected Trusted Publisher"},
		{name: "wrong_repository", att: good, id: attest.Identity{Repository: "octo-org/other", Workflow: attesttest.DefaultWorkflow}, wantCheck: "identity", wantText: "OIDCSourceRepositoryURI"},
		{name: "repository_case_differs", att: good, id: attest.Identity{Repository: strings.ToUpper(repo), Workflow: attesttest.DefaultWorkflow}, wantCheck: "identity"},
		{name: "caller_is_not_called_workflow", att: signOne(t, reusable, wheelName, wheelSHA), root: reusable.Root,
			id: attest.Identity{Repository: repo, Workflow: "pypi.yml"}, wantCheck: "identity", wantText: "Build Config URI"},
		{name: "missing_source_digest_and_ref", att: signOne(t, noRef, wheelName, wheelSHA), root: noRef.Root, id: pypiID,
			wantCheck: "identity", wantText: "either Source Repository Digest or Source Repository Ref"},
		{name: "digest_mismatch", att: good, sha: strings.Repeat("b", 64), id: pypiID, wantCheck: "digest"},
		{name: "subject_of_another_dist", att: good, filename: "hello_pkg-1.0.1-py3-none-any.whl", id: pypiID, wantCheck: "subject name"},
		{name: "subject_not_a_dist", att: signRaw(t, env, statementJSON(t, attest.PublishPredicateType, [2]string{"hello.txt", wheelSHA})), id: pypiID, wantCheck: "subject name"},
		{name: "two_subjects", att: signRaw(t, env, statementJSON(t, attest.PublishPredicateType, [2]string{wheelName, wheelSHA}, [2]string{wheelName, wheelSHA})),
			id: pypiID, wantCheck: "statement", wantText: "too many subjects"},
		{name: "no_subject", att: signRaw(t, env, statementJSON(t, attest.PublishPredicateType)), id: pypiID, wantCheck: "statement"},
		{name: "unknown_predicate_type", att: signRaw(t, env, statementJSON(t, "https://example.com/predicate/v9", [2]string{wheelName, wheelSHA})),
			id: pypiID, wantCheck: "predicate type", wantText: "unknown attestation type"},
		{name: "tampered_statement", att: edit(t, good, func(a *attest.Attestation) { a.Envelope.Statement[30] ^= 1 }), id: pypiID, wantCheck: "signature"},
		{name: "flipped_signature", att: edit(t, good, func(a *attest.Attestation) { a.Envelope.Signature[10] ^= 1 }), id: pypiID, wantCheck: "signature"},
		{name: "foreign_trust_root", att: good, id: pypiID, root: other.Root, wantCheck: "transparency log"},
		{name: "empty_transparency_entries", att: edit(t, good, func(a *attest.Attestation) { a.VerificationMaterial.TransparencyEntries = nil }), id: pypiID, wantCheck: "json"},
		{name: "version_2", att: edit(t, good, func(a *attest.Attestation) { a.Version = 2 }), id: pypiID, wantCheck: "json"},
		{name: "not_json", att: []byte("{"), id: pypiID, wantCheck: "json"},
		{name: "broken_set", att: edit(t, good, func(a *attest.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].InclusionPromise.SignedEntryTimestamp[8] ^= 1
		}), id: pypiID, wantCheck: "transparency log", wantText: "signed entry timestamp"},
		{name: "no_set", att: edit(t, good, func(a *attest.Attestation) { a.VerificationMaterial.TransparencyEntries[0].InclusionPromise = nil }), id: pypiID, wantCheck: "transparency log", wantText: "not enough sources of verified time"},
		{name: "broken_inclusion_proof", att: edit(t, good, func(a *attest.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].InclusionProof.Hashes[0][3] ^= 1
		}), id: pypiID, wantCheck: "transparency log", wantText: "inclusion proof"},
		{name: "broken_checkpoint", att: edit(t, good, func(a *attest.Attestation) {
			cp := &a.VerificationMaterial.TransparencyEntries[0].InclusionProof.Checkpoint.Envelope
			*cp = strings.Replace(*cp, " - ", " -- ", 1)
		}), id: pypiID, wantCheck: "transparency log", wantText: "checkpoint"},
		{name: "other_entry_kind", att: edit(t, good, func(a *attest.Attestation) {
			a.VerificationMaterial.TransparencyEntries[0].KindVersion = attest.KindVersion{Kind: "intoto", Version: "0.0.2"}
		}), id: pypiID, wantCheck: "transparency log", wantText: "unsupported DSSE log entry type"},
		{name: "certificate_of_another_key", att: edit(t, signOne(t, env, wheelName, wheelSHA), func(a *attest.Attestation) {
			b, _ := attest.ParseAttestation(good)
			a.VerificationMaterial.Certificate = b.VerificationMaterial.Certificate
		}), id: pypiID, wantCheck: "signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			filename, sha, root := wheelName, wheelSHA, env.Root
			if tc.filename != "" {
				filename = tc.filename
			}
			if tc.sha != "" {
				sha = tc.sha
			}
			if tc.root != nil {
				root = tc.root
			}
			err := attest.Verify(tc.att, filename, sha, tc.id, root)
			if got := attest.CheckOf(err); got != tc.wantCheck || (tc.wantCheck == "" && err != nil) {
				t.Fatalf("Verify() = %v (check %q), want check %q", err, got, tc.wantCheck)
			}
			if tc.wantText != "" && !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("Verify() = %q, want it to contain %q", err, tc.wantText)
			}
		})
	}
}

// VerifyUpload applies Warehouse's rules on the form field.
func TestVerifyUpload(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	pub := signOne(t, env, wheelName, wheelSHA)
	slsa := signRaw(t, env, statementJSON(t, attest.SLSAProvenancePredicateType, [2]string{wheelName, wheelSHA}))
	id := attest.Identity{Repository: env.Identity.Repository, Workflow: attesttest.DefaultWorkflow}
	arr := func(items ...[]byte) []byte {
		s := make([]string, len(items))
		for i, b := range items {
			s[i] = string(b)
		}
		return []byte("[" + strings.Join(s, ",") + "]")
	}
	cases := []struct {
		name      string
		field     []byte
		wantCheck string
	}{
		{"one", arr(pub), ""},
		{"publish_and_slsa", arr(pub, slsa), ""},
		{"empty_set", arr(), "json"},
		{"not_an_array", pub, "json"},
		{"three_attestations", arr(pub, slsa, pub), "json"},
		{"duplicate_predicate_type", arr(pub, pub), "predicate type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := attest.VerifyUpload(tc.field, wheelName, wheelSHA, id, env.Root)
			if got := attest.CheckOf(err); got != tc.wantCheck || (tc.wantCheck == "" && err != nil) {
				t.Errorf("VerifyUpload() = %v (check %q), want check %q", err, got, tc.wantCheck)
			}
		})
	}
	// The helper for publishtest uses the same rules.
	v := env.Verifier()
	if err := v(wheelName, wheelSHA, arr(pub)); err != nil {
		t.Errorf("Env.Verifier()(valid) = %v, want nil", err)
	}
	if err := v(wheelName, strings.Repeat("c", 64), arr(pub)); err == nil {
		t.Error("Env.Verifier()(wrong digest) = nil, want an error")
	}
}

func ExampleVerify() {
	att := []byte(`{"version":1}`)
	err := attest.Verify(att, "pkg-1.0.tar.gz", strings.Repeat("0", 64),
		attest.Identity{Repository: "owner/pkg", WorkflowRef: "owner/pkg/.github/workflows/release.yml@refs/tags/v1.0"}, nil)
	fmt.Println(attest.CheckOf(err))
	// Output: json
}

// The remaining Sigstore rejections: key usage, extended key usage, and
// log entries that do not match the envelope they come with.
func TestVerify_sigstore_rejections(t *testing.T) {
	t.Parallel()
	noKU := attesttest.NewEnv(t, attesttest.EnvOptions{MutateLeaf: func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyAgreement }})
	noEKU := attesttest.NewEnv(t, attesttest.EnvOptions{MutateLeaf: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }})

	// Three entries by one signer (same key and certificate).
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	s := env.Signer(t)
	sign := func(name string) *attest.Attestation {
		b, err := s.Sign(context.Background(), name, wheelSHA)
		if err != nil {
			t.Fatal(err)
		}
		a, err := attest.ParseAttestation(b)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a1, a2, a3 := sign(wheelName), sign("hello_pkg-2.0-py3-none-any.whl"), sign(wheelName)
	swap := func(env attest.Envelope) []byte {
		c := *a1
		c.Envelope = env
		b, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name      string
		att       []byte
		root      *attest.TrustedRoot
		wantCheck string
		wantText  string
	}{
		{"no_digital_signature_key_usage", signUnchecked(t, noKU), noKU.Root, "certificate", "digital signature"},
		{"no_code_signing_eku", signUnchecked(t, noEKU), noEKU.Root, "certificate", "incompatible key usage"},
		// A valid signature over another statement, with a1's log entry.
		{"log_payload_hash_mismatch", swap(a2.Envelope), env.Root, "transparency log", "payload hash"},
		// The same statement signed again: the logged signature differs.
		{"log_signature_mismatch", swap(a3.Envelope), env.Root, "transparency log", "signatures do not match"},
	}
	id := attest.Identity{Repository: attesttest.DefaultRepository, Workflow: attesttest.DefaultWorkflow}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := attest.Verify(tc.att, wheelName, wheelSHA, id, tc.root)
			if got := attest.CheckOf(err); got != tc.wantCheck {
				t.Fatalf("Verify() = %v (check %q), want check %q", err, got, tc.wantCheck)
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("Verify() = %q, want it to contain %q", err, tc.wantText)
			}
		})
	}
}

func signUnchecked(t *testing.T, env *attesttest.Env) []byte {
	t.Helper()
	b, err := attest.Unchecked(env.Signer(t)).Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	return b
}

// The signer refuses to return what a verifier would reject.
func TestSign_refuses_bad_certificates(t *testing.T) {
	t.Parallel()
	for name, mutate := range map[string]func(*x509.Certificate){
		"no_digital_signature": func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyAgreement },
		"no_code_signing":      func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := attesttest.NewEnv(t, attesttest.EnvOptions{MutateLeaf: mutate})
			_, err := env.Signer(t).Sign(context.Background(), wheelName, wheelSHA)
			var e *attest.Error
			if !errors.As(err, &e) || (e.ID != "AT-07" && e.ID != "AT-08") {
				t.Errorf("Sign() error = %v, want AT-07 or AT-08", err)
			}
		})
	}
}
