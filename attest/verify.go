package attest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/distname"
	"github.com/pypi-publish/pypi-publish/internal/workflowref"
)

// GitHubIssuer is the OIDC issuer of GitHub Actions ID tokens.
const GitHubIssuer = "https://token.actions.githubusercontent.com"

// Issuers of GitLab's and Google's ID tokens, as PyPI's attestation
// policies require them.
const (
	GitLabIssuer = "https://gitlab.com"
	GoogleIssuer = "https://accounts.google.com"
)

// Platforms of an [Identity].
const (
	PlatformGitHub = ""       // GitHub Actions (the default)
	PlatformGitLab = "gitlab" // GitLab CI/CD on gitlab.com
	PlatformGoogle = "google" // a Google Cloud service account
)

// Identity is the trusted publisher an attestation must come from: a
// GitHub workflow, a GitLab project's pipeline, or a Google service
// account.
type Identity struct {
	// Platform is PlatformGitHub (""), PlatformGitLab or PlatformGoogle.
	Platform string
	// Repository is "owner/name" on GitHub (GITHUB_REPOSITORY) or
	// "namespace/project" on GitLab (the project_path claim); compared
	// exactly, so case matters, as on PyPI.
	Repository string
	// WorkflowRef pins the exact run for the re-run check (AT-03): on
	// GitHub GITHUB_WORKFLOW_REF
	// ("owner/name/.github/workflows/release.yml@refs/tags/v1"), which the
	// certificate's Build Config URI must equal after "https://github.com/";
	// on GitLab the ci_config_ref_uri claim
	// ("gitlab.com/group/project//.gitlab-ci.yml@refs/tags/v1"), after
	// "https://".
	WorkflowRef string
	// Workflow is the publisher's workflow file name on GitHub
	// ("release.yml") or top-level pipeline file path on GitLab
	// (".gitlab-ci.yml"). Empty means: taken from WorkflowRef.
	Workflow string
	// Email is the Google service account's e-mail address.
	Email string
}

func (id Identity) workflow() string {
	switch {
	case id.Workflow != "":
		return id.Workflow
	case id.Platform == PlatformGitLab:
		return workflowref.GitLabFile(id.WorkflowRef)
	}
	return workflowref.File(id.WorkflowRef)
}

// known reports whether id names a publisher to check against.
func (id Identity) known() bool {
	if id.Platform == PlatformGoogle {
		return id.Email != ""
	}
	return id.Repository != "" && id.workflow() != ""
}

// Fulcio certificate extension OIDs (Fulcio's docs/oid-info.md).
var (
	oidFulcioBase   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1}
	oidSCTList      = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
	fulcioExtension = func(n int) asn1.ObjectIdentifier {
		return append(append(asn1.ObjectIdentifier{}, oidFulcioBase...), n)
	}
)

// Verify checks one publish attestation for the distribution filename with
// the given sha256 (lower-case hex), made by the workflow id, against root
// (nil means the embedded production root). It runs PyPI's checks
// (Warehouse's attestation checks, through pypi-attestations): the certificate chain and its embedded SCT, key
// usage, the log entry's signed entry timestamp, inclusion proof and signed
// checkpoint, the integrated time inside the certificate's validity, the
// DSSE signature, the log body against the envelope, the statement and its
// single subject, the predicate type, and the trusted publisher's policy
// for id's platform (pypi-attestations' GitHub, GitLab and Google
// publishers). Times are those of the log entry, so the result does not
// depend on the clock. A failure is a *VerifyError naming the check. Verify
// never panics, whatever att holds.
func Verify(att []byte, filename, sha256hex string, id Identity, root *TrustedRoot) error {
	_, err := verify(att, filename, sha256hex, id, root, true, []string{PublishPredicateType})
	return err
}

// VerifyUpload checks the value of an upload's "attestations" form field the
// way Warehouse does: a JSON array of one or two
// attestations, each verifying for the file and the publisher identity (the
// PyPI policy: repository and workflow file name, any ref), each with a
// predicate type PyPI knows, no type twice.
func VerifyUpload(field []byte, filename, sha256hex string, id Identity, root *TrustedRoot) error {
	var list []json.RawMessage
	if err := json.Unmarshal(field, &list); err != nil {
		return verr("json", "malformed attestations: %v", err)
	}
	switch {
	case len(list) == 0:
		return verr("json", "malformed attestations: an empty attestation set is not permitted")
	case len(list) > 2:
		return verr("json", "a maximum of 2 attestations per file are supported, got %d", len(list))
	}
	seen := map[string]bool{}
	for i, a := range list {
		pt, err := verify(a, filename, sha256hex, id, root, false, []string{PublishPredicateType, SLSAProvenancePredicateType})
		if err != nil {
			return fmt.Errorf("attestation %d: %w", i+1, err)
		}
		if seen[pt] {
			return verr("predicate type", "multiple attestations for the same file with the same predicate type (%s) are not supported", pt)
		}
		seen[pt] = true
	}
	return nil
}

func verify(att []byte, filename, sha256hex string, id Identity, root *TrustedRoot, exactRef bool, types []string) (string, error) {
	if root == nil {
		root = ProductionRoot()
	}
	a, err := ParseAttestation(att)
	if err != nil {
		return "", err
	}
	leaf, err := verifyCrypto(a, root)
	if err != nil {
		return "", err
	}
	if err := checkPolicy(leaf, id, exactRef); err != nil {
		return "", err
	}
	return checkStatement(a.Envelope.Statement, filename, sha256hex, types)
}

// verifyCrypto runs every Sigstore check except the identity policy and
// returns the leaf certificate.
func verifyCrypto(a *Attestation, root *TrustedRoot) (*x509.Certificate, error) {
	leaf, err := x509.ParseCertificate(a.VerificationMaterial.Certificate)
	if err != nil {
		return nil, verr("certificate", "invalid X.509 certificate: %v", err)
	}
	tle := a.VerificationMaterial.TransparencyEntries[0]
	t, err := verifyLogEntry(&tle, root)
	if err != nil {
		return nil, err
	}
	if err := root.verifyChain(leaf, t); err != nil {
		return nil, verr("certificate", "invalid signing certificate at %s: %v", t.UTC().Format(time.RFC3339), err)
	}
	if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return nil, verr("certificate", "key usage is not digital signature")
	}
	if err := verifySCTs(leaf, root); err != nil {
		return nil, verr("sct", "failed to verify SCT on signing certificate: %v", err)
	}
	if t.Before(leaf.NotBefore) || t.After(leaf.NotAfter) {
		return nil, verr("certificate", "log entry time %s is outside the certificate's validity (%s to %s)",
			t.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	pub, ok := leaf.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, verr("signature", "certificate key is not ECDSA P-256")
	}
	digest := sha256.Sum256(PAE(InTotoPayloadType, a.Envelope.Statement))
	if !ecdsa.VerifyASN1(pub, digest[:], a.Envelope.Signature) {
		return nil, verr("signature", "DSSE signature does not verify with the certificate's key")
	}
	if err := checkBody(tle.CanonicalizedBody, a, leaf); err != nil {
		return nil, err
	}
	return leaf, nil
}

// verifyLogEntry checks the entry's SET, inclusion proof and checkpoint and
// returns its verified integrated time.
func verifyLogEntry(tle *TransparencyLogEntry, root *TrustedRoot) (time.Time, error) {
	if tle.KindVersion.Kind != "dsse" || tle.KindVersion.Version != "0.0.1" {
		return time.Time{}, verr("transparency log", "unsupported DSSE log entry type: %s/%s", tle.KindVersion.Kind, tle.KindVersion.Version)
	}
	if tle.InclusionPromise == nil || len(tle.InclusionPromise.SignedEntryTimestamp) == 0 {
		return time.Time{}, verr("transparency log", "no signed entry timestamp: not enough sources of verified time")
	}
	if tle.InclusionProof == nil {
		return time.Time{}, verr("transparency log", "no inclusion proof")
	}
	log := findLog(root.tlogs, tle.LogID.KeyID)
	if log == nil {
		return time.Time{}, verr("transparency log", "entry comes from a log the trusted root does not list (log ID %x)", tle.LogID.KeyID)
	}
	t := time.Unix(tle.IntegratedTime, 0)
	if !log.validFor.contains(t) {
		return time.Time{}, verr("transparency log", "log key is not valid at the integrated time %s", t.UTC().Format(time.RFC3339))
	}
	set := fmt.Sprintf(`{"body":%q,"integratedTime":%d,"logID":%q,"logIndex":%d}`,
		base64.StdEncoding.EncodeToString(tle.CanonicalizedBody), tle.IntegratedTime, hex.EncodeToString(tle.LogID.KeyID), tle.LogIndex)
	if !verifySig(log.key, []byte(set), tle.InclusionPromise.SignedEntryTimestamp) {
		return time.Time{}, verr("transparency log", "signed entry timestamp does not verify")
	}
	p := tle.InclusionProof
	leafHash := hashLeaf(tle.CanonicalizedBody)
	got, err := rootFromInclusionProof(p.LogIndex, p.TreeSize, leafHash, p.Hashes)
	if err != nil {
		return time.Time{}, verr("transparency log", "invalid inclusion proof: %v", err)
	}
	if !bytes.Equal(got, p.RootHash) {
		return time.Time{}, verr("transparency log", "inclusion proof does not lead to the root hash")
	}
	if err := verifyCheckpoint(p.Checkpoint.Envelope, log, p.TreeSize, p.RootHash); err != nil {
		return time.Time{}, verr("transparency log", "invalid checkpoint: %v", err)
	}
	return t, nil
}

type dsseBody struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		PayloadHash struct {
			Algorithm string `json:"algorithm"`
			Value     string `json:"value"`
		} `json:"payloadHash"`
		Signatures []struct {
			Signature string `json:"signature"`
			Verifier  string `json:"verifier"`
		} `json:"signatures"`
	} `json:"spec"`
}

func checkBody(body []byte, a *Attestation, leaf *x509.Certificate) error {
	var b dsseBody
	if err := json.Unmarshal(body, &b); err != nil {
		return verr("transparency log", "invalid DSSE log entry: %v", err)
	}
	if b.APIVersion != "0.0.1" || b.Kind != "dsse" {
		return verr("transparency log", "invalid DSSE log entry: kind %s/%s", b.Kind, b.APIVersion)
	}
	sum := sha256.Sum256(a.Envelope.Statement)
	if b.Spec.PayloadHash.Algorithm != "sha256" || b.Spec.PayloadHash.Value != hex.EncodeToString(sum[:]) {
		return verr("transparency log", "log entry payload hash does not match the statement")
	}
	wantVerifier := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw}))
	if len(b.Spec.Signatures) != 1 ||
		b.Spec.Signatures[0].Signature != base64.StdEncoding.EncodeToString(a.Envelope.Signature) ||
		b.Spec.Signatures[0].Verifier != wantVerifier {
		return verr("transparency log", "log entry signatures do not match the attestation")
	}
	return nil
}

func checkStatement(raw []byte, filename, sha256hex string, types []string) (string, error) {
	var st struct {
		Type          string            `json:"_type"`
		Subject       []json.RawMessage `json:"subject"`
		PredicateType *string           `json:"predicateType"`
		Predicate     json.RawMessage   `json:"predicate"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return "", verr("statement", "invalid statement: %v", err)
	}
	if st.Type != StatementType {
		return "", verr("statement", "invalid statement: _type %q is not %s", st.Type, StatementType)
	}
	if st.PredicateType == nil {
		return "", verr("statement", "invalid statement: no predicateType")
	}
	if p := bytes.TrimSpace(st.Predicate); len(p) > 0 && !bytes.Equal(p, []byte("null")) && p[0] != '{' {
		return "", verr("statement", "invalid statement: predicate must be an object or null")
	}
	switch {
	case len(st.Subject) == 0:
		return "", verr("statement", "invalid statement: no subject")
	case len(st.Subject) > 1:
		return "", verr("statement", "too many subjects in statement (must be exactly one)")
	}
	var sub struct {
		Name   *string           `json:"name"`
		Digest map[string]string `json:"digest"`
	}
	if err := json.Unmarshal(st.Subject[0], &sub); err != nil {
		return "", verr("statement", "invalid subject: %v", err)
	}
	if sub.Name == nil {
		return "", verr("statement", "invalid subject: missing name")
	}
	got, err := distname.Identify(*sub.Name)
	if err != nil {
		return "", verr("subject name", "invalid subject: %v", err)
	}
	want, err := distname.Identify(filename)
	if err != nil {
		return "", verr("subject name", "invalid distribution file name: %v", err)
	}
	if got != want {
		return "", verr("subject name", "subject does not match distribution name: %s != %s", *sub.Name, filename)
	}
	if sub.Digest["sha256"] != sha256hex {
		return "", verr("digest", "subject does not match distribution digest (attested sha256 %s, file %s)", sub.Digest["sha256"], sha256hex)
	}
	for _, t := range types {
		if *st.PredicateType == t {
			return t, nil
		}
	}
	return "", verr("predicate type", "unknown attestation type: %s", *st.PredicateType)
}

// extensionValue returns a Fulcio extension as a string: raw bytes for
// .1.1-.1.7, a DER UTF8String from .1.8 on.
func extensionValue(c *x509.Certificate, n int) (string, bool) {
	oid := fulcioExtension(n)
	for _, e := range c.Extensions {
		if !e.Id.Equal(oid) {
			continue
		}
		if n < 8 {
			return string(e.Value), true
		}
		var s string
		if rest, err := asn1.UnmarshalWithParams(e.Value, &s, "utf8"); err != nil || len(rest) > 0 {
			return "", false
		}
		return s, true
	}
	return "", false
}

// checkPolicy is PyPI's trusted-publisher policy for id's platform
// (pypi-attestations' GitHub, GitLab and Google publishers).
func checkPolicy(leaf *x509.Certificate, id Identity, exactRef bool) error {
	switch id.Platform {
	case PlatformGitHub:
		return checkGitHub(leaf, id, exactRef)
	case PlatformGitLab:
		return checkGitLab(leaf, id, exactRef)
	case PlatformGoogle:
		return checkGoogle(leaf, id)
	}
	return verr("identity", "unknown publisher platform %q", id.Platform)
}

// checkGitHub is the GitHub publisher's policy: issuer and source
// repository, and a Build Config URI naming the workflow at the
// certificate's digest or ref.
func checkGitHub(leaf *x509.Certificate, id Identity, exactRef bool) error {
	if id.Repository == "" {
		return verr("identity", "no repository to check the certificate against")
	}
	workflow := id.workflow()
	if workflow == "" {
		return verr("identity", "no workflow to check the certificate against")
	}
	want := map[int]struct{ name, value string }{
		8:  {"OIDCIssuerV2", GitHubIssuer},
		12: {"OIDCSourceRepositoryURI", "https://github.com/" + id.Repository},
	}
	for _, n := range []int{8, 12} {
		w := want[n]
		got, ok := extensionValue(leaf, n)
		if !ok {
			return verr("identity", "certificate does not contain %s (%s) extension", w.name, fulcioExtension(n))
		}
		if got != w.value {
			return verr("identity", "certificate's %s does not match (got '%s', expected '%s')", w.name, got, w.value)
		}
	}
	var suffixes []string
	for _, n := range []int{13, 14} {
		if v, ok := extensionValue(leaf, n); ok {
			suffixes = append(suffixes, v)
		}
	}
	if len(suffixes) == 0 {
		return verr("identity", "certificate must contain either Source Repository Digest or Source Repository Ref")
	}
	bc, _ := extensionValue(leaf, 18)
	base := "https://github.com/" + id.Repository + "/.github/workflows/" + workflow + "@"
	match := false
	for _, s := range suffixes {
		if bc == base+s {
			match = true
		}
	}
	if !match {
		return verr("identity", "certificate's Build Config URI (%s) does not match expected Trusted Publisher (%s @ %s)", bc, workflow, id.Repository)
	}
	if exactRef && id.WorkflowRef != "" && bc != "https://github.com/"+id.WorkflowRef {
		return verr("identity", "certificate's Build Config URI (%s) is not this workflow run's (https://github.com/%s)", bc, id.WorkflowRef)
	}
	return nil
}

// hashLeaf and hashChildren are RFC 6962's Merkle hashes.
func hashLeaf(b []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil)
}

func hashChildren(l, r []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// rootFromInclusionProof is RFC 9162 §2.1.3.2.
func rootFromInclusionProof(index, size int64, leaf []byte, proof [][]byte) ([]byte, error) {
	if index < 0 || size <= 0 || index >= size {
		return nil, fmt.Errorf("index %d out of range for tree size %d", index, size)
	}
	fn, sn := uint64(index), uint64(size-1)
	r := leaf
	for _, p := range proof {
		if len(p) != sha256.Size {
			return nil, fmt.Errorf("proof hash of %d bytes", len(p))
		}
		if sn == 0 {
			return nil, fmt.Errorf("proof has too many hashes")
		}
		if fn&1 == 1 || fn == sn {
			r = hashChildren(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = hashChildren(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return nil, fmt.Errorf("proof has too few hashes")
	}
	return r, nil
}

// verifyCheckpoint checks a signed note (the transparency-dev checkpoint format) by log for
// the given tree size and root hash.
func verifyCheckpoint(note string, log *parsedLog, size int64, rootHash []byte) error {
	i := strings.Index(note, "\n\n")
	if i < 0 {
		return fmt.Errorf("no signature block")
	}
	body, sigs := note[:i+1], note[i+2:]
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) < 3 {
		return fmt.Errorf("checkpoint has %d lines, want at least 3", len(lines))
	}
	if n, err := strconv.ParseInt(lines[1], 10, 64); err != nil || n != size {
		return fmt.Errorf("checkpoint tree size %q is not the proof's %d", lines[1], size)
	}
	if lines[2] != base64.StdEncoding.EncodeToString(rootHash) {
		return fmt.Errorf("checkpoint root hash differs from the proof's")
	}
	for _, line := range strings.Split(sigs, "\n") {
		rest, ok := strings.CutPrefix(line, "\u2014 ")
		if !ok {
			continue
		}
		name, b64, ok := strings.Cut(rest, " ")
		if !ok {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) < 5 || len(log.keyID) < 4 {
			continue
		}
		if !bytes.Equal(raw[:4], log.keyID[:4]) || !strings.Contains(log.baseURL, name) {
			continue
		}
		if verifySig(log.key, []byte(body), raw[4:]) {
			return nil
		}
	}
	return fmt.Errorf("no valid signature by the log %s", log.baseURL)
}
