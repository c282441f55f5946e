package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// PublishPredicateType is the predicate type of a PyPI publish attestation.
const PublishPredicateType = "https://docs.pypi.org/attestations/publish/v1"

// SLSAProvenancePredicateType is the other predicate type PyPI accepts.
const SLSAProvenancePredicateType = "https://slsa.dev/provenance/v1"

// InTotoPayloadType is the DSSE payload type of an in-toto statement.
const InTotoPayloadType = "application/vnd.in-toto+json"

// StatementType is the in-toto statement type.
const StatementType = "https://in-toto.io/Statement/v1"

// BundleMediaType is the Sigstore bundle v0.3 media type.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Attestation is a PEP 740 attestation object, fields in the order
// pypi-attestations serialises them.
type Attestation struct {
	Version              int                  `json:"version"`
	VerificationMaterial VerificationMaterial `json:"verification_material"`
	Envelope             Envelope             `json:"envelope"`
}

// VerificationMaterial holds the DER leaf certificate and the log entries.
type VerificationMaterial struct {
	Certificate         []byte                 `json:"certificate"`
	TransparencyEntries []TransparencyLogEntry `json:"transparency_entries"`
}

// Envelope is the DSSE envelope without its implicit payload type.
type Envelope struct {
	Statement []byte `json:"statement"`
	Signature []byte `json:"signature"`
}

// TransparencyLogEntry is dev.sigstore.rekor.v1.TransparencyLogEntry in
// protobuf-JSON form (int64 as strings, bytes as base64).
type TransparencyLogEntry struct {
	LogIndex          int64             `json:"logIndex,string"`
	LogID             LogID             `json:"logId"`
	KindVersion       KindVersion       `json:"kindVersion"`
	IntegratedTime    int64             `json:"integratedTime,string"`
	InclusionPromise  *InclusionPromise `json:"inclusionPromise,omitempty"`
	InclusionProof    *InclusionProof   `json:"inclusionProof,omitempty"`
	CanonicalizedBody []byte            `json:"canonicalizedBody"`
}

// KindVersion is the Rekor entry kind, "dsse" "0.0.1" here.
type KindVersion struct {
	Kind    string `json:"kind"`
	Version string `json:"version"`
}

// InclusionPromise carries the signed entry timestamp.
type InclusionPromise struct {
	SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
}

// InclusionProof is an RFC 6962 proof with the log's signed checkpoint.
// LogIndex is tree-local and differs from the entry's global index.
type InclusionProof struct {
	LogIndex   int64      `json:"logIndex,string"`
	RootHash   []byte     `json:"rootHash"`
	TreeSize   int64      `json:"treeSize,string"`
	Hashes     [][]byte   `json:"hashes"`
	Checkpoint Checkpoint `json:"checkpoint"`
}

// Checkpoint is a signed note.
type Checkpoint struct {
	Envelope string `json:"envelope"`
}

// Marshal returns compact JSON without HTML escaping.
func (a *Attestation) Marshal() ([]byte, error) {
	return marshalCompact(a)
}

func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ParseAttestation decodes an attestation object strictly enough to verify
// it: version 1, a certificate, a statement, a signature and at least one
// transparency entry. Unknown keys are ignored, as pydantic does.
func ParseAttestation(b []byte) (*Attestation, error) {
	var a Attestation
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, verr("json", "not an attestation object: %v", err)
	}
	switch {
	case a.Version != 1:
		return nil, verr("json", "unsupported attestation version %d (want 1)", a.Version)
	case len(a.VerificationMaterial.Certificate) == 0:
		return nil, verr("json", "missing verification_material.certificate")
	case len(a.VerificationMaterial.TransparencyEntries) == 0:
		return nil, verr("json", "verification_material.transparency_entries is empty")
	case len(a.Envelope.Statement) == 0:
		return nil, verr("json", "missing envelope.statement")
	case len(a.Envelope.Signature) == 0:
		return nil, verr("json", "missing envelope.signature")
	}
	return &a, nil
}

// statement is the in-toto statement in the exact key order of
// sigstore-python's StatementBuilder.
type statement struct {
	Type          string          `json:"_type"`
	Subject       []subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

type subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Statement returns the exact in-toto statement bytes for one distribution
// (PEP 740, as pypi-attestations builds it): compact, keys in order, "predicate":null.
func Statement(filename, sha256hex string) ([]byte, error) {
	if !isHex64(sha256hex) {
		return nil, fmt.Errorf("failed to build statement for %s: sha256 %q is not 64 lower-case hex digits", filename, sha256hex)
	}
	return marshalCompact(statement{
		Type:          StatementType,
		Subject:       []subject{{Name: filename, Digest: map[string]string{"sha256": sha256hex}}},
		PredicateType: PublishPredicateType,
		Predicate:     json.RawMessage("null"),
	})
}

// PAE returns DSSE's pre-authentication encoding of body.
func PAE(payloadType string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteByte(' ')
	b.Write(body)
	return b.Bytes()
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Bundle is a Sigstore bundle v0.3 with a DSSE envelope.
type Bundle struct {
	MediaType            string         `json:"mediaType"`
	VerificationMaterial bundleMaterial `json:"verificationMaterial"`
	DSSEEnvelope         bundleEnvelope `json:"dsseEnvelope"`
}

type bundleMaterial struct {
	Certificate RawCert                `json:"certificate"`
	TlogEntries []TransparencyLogEntry `json:"tlogEntries"`
}

type bundleEnvelope struct {
	Payload     []byte      `json:"payload"`
	PayloadType string      `json:"payloadType"`
	Signatures  []bundleSig `json:"signatures"`
}

type bundleSig struct {
	Sig   []byte `json:"sig"`
	KeyID string `json:"keyid,omitempty"`
}

// ToBundle converts an attestation to a Sigstore bundle v0.3 JSON document
// (pypi-attestations to_bundle), for other Sigstore verifiers.
func ToBundle(att []byte) ([]byte, error) {
	a, err := ParseAttestation(att)
	if err != nil {
		return nil, fmt.Errorf("failed to convert attestation to bundle: %w", err)
	}
	return marshalCompact(Bundle{
		MediaType: BundleMediaType,
		VerificationMaterial: bundleMaterial{
			Certificate: RawCert{RawBytes: a.VerificationMaterial.Certificate},
			TlogEntries: a.VerificationMaterial.TransparencyEntries,
		},
		DSSEEnvelope: bundleEnvelope{
			Payload:     a.Envelope.Statement,
			PayloadType: InTotoPayloadType,
			Signatures:  []bundleSig{{Sig: a.Envelope.Signature}},
		},
	})
}

// FromBundle converts a Sigstore bundle v0.3 with a DSSE envelope and a
// leaf certificate to an attestation (pypi-attestations from_bundle).
func FromBundle(b []byte) ([]byte, error) {
	var bd Bundle
	if err := json.Unmarshal(b, &bd); err != nil {
		return nil, fmt.Errorf("failed to parse bundle: %w", err)
	}
	switch {
	case bd.MediaType != BundleMediaType:
		return nil, fmt.Errorf("failed to convert bundle: media type %q is not %s", bd.MediaType, BundleMediaType)
	case len(bd.DSSEEnvelope.Signatures) != 1:
		return nil, fmt.Errorf("failed to convert bundle: expected exactly one signature, got %d", len(bd.DSSEEnvelope.Signatures))
	case bd.DSSEEnvelope.PayloadType != InTotoPayloadType:
		return nil, fmt.Errorf("failed to convert bundle: payload type %q is not %s", bd.DSSEEnvelope.PayloadType, InTotoPayloadType)
	case len(bd.VerificationMaterial.Certificate.RawBytes) == 0:
		return nil, fmt.Errorf("failed to convert bundle: no leaf certificate")
	}
	a := Attestation{
		Version: 1,
		VerificationMaterial: VerificationMaterial{
			Certificate:         bd.VerificationMaterial.Certificate.RawBytes,
			TransparencyEntries: bd.VerificationMaterial.TlogEntries,
		},
		Envelope: Envelope{Statement: bd.DSSEEnvelope.Payload, Signature: bd.DSSEEnvelope.Signatures[0].Sig},
	}
	return a.Marshal()
}
