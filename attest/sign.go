package attest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Signer makes publish attestations. It holds one ephemeral P-256 key and
// one Fulcio certificate, reused for every file and renewed (with a fresh
// OIDC token) when less than 2 minutes of the certificate's lifetime are
// left (upstream issue #415). A Signer is safe for concurrent use; Sign
// calls are serialised.
type Signer struct {
	o *options

	// unchecked skips the checks against the trusted root (tests only:
	// they make attestations a verifier must reject).
	unchecked bool

	mu      sync.Mutex
	key     *ecdsa.PrivateKey
	leaf    *x509.Certificate
	leafPEM []byte
}

// NewSigner returns a Signer. WithIDToken is required; see the options for
// the defaults. No network request is made until the first Sign.
func NewSigner(opts ...Option) (*Signer, error) {
	o, err := makeOptions(opts)
	if err != nil {
		return nil, err
	}
	return &Signer{o: o}, nil
}

// Sign returns the attestation JSON (compact) for one distribution file
// name and its sha256 (lower-case hex): statement, DSSE signature, Rekor v1
// "dsse" 0.0.1 entry. Before returning, the certificate (chain, SCT) and
// the log entry (signed entry timestamp, inclusion proof, checkpoint) are
// verified against the signer's trusted root. Failures are *Error with ID
// AT-06 (OIDC token), AT-07 (Fulcio) or AT-08 (Rekor). Cancelling ctx stops
// the current request and any retry wait.
func (s *Signer) Sign(ctx context.Context, filename, sha256hex string) ([]byte, error) {
	stmt, err := Statement(filename, sha256hex)
	if err != nil {
		return nil, err
	}
	a, err := s.signStatement(ctx, filename, stmt)
	if err != nil {
		return nil, err
	}
	if _, err := checkStatement(stmt, filename, sha256hex, []string{PublishPredicateType}); err != nil {
		return nil, fmt.Errorf("failed to build attestation for %s: %w", filename, err)
	}
	b, err := a.Marshal()
	if err != nil {
		return nil, fmt.Errorf("failed to encode attestation for %s: %w", filename, err)
	}
	return b, nil
}

// signStatement signs and logs any statement and self-checks the result
// against the trusted root (no identity or statement checks).
func (s *Signer) signStatement(ctx context.Context, filename string, stmt []byte) (*Attestation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ensureCertificate(ctx); err != nil {
		return nil, err
	}
	digest := sha256.Sum256(PAE(InTotoPayloadType, stmt))
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("failed to sign statement for %s: %w", filename, err)
	}
	tle, err := s.logEntry(ctx, stmt, sig)
	if err != nil {
		return nil, err
	}
	a := &Attestation{
		Version: 1,
		VerificationMaterial: VerificationMaterial{
			Certificate:         s.leaf.Raw,
			TransparencyEntries: []TransparencyLogEntry{*tle},
		},
		Envelope: Envelope{Statement: stmt, Signature: sig},
	}
	if _, err := verifyCrypto(a, s.o.root); err != nil && !s.unchecked {
		return nil, &Error{ID: "AT-08", Message: "the attestation for " + filename + " does not verify against the trusted root (" + s.o.rekorURL + ")", Hint: hintAT08, Err: err}
	}
	return a, nil
}

// ensureCertificate gets a key and certificate, or renews them when the
// certificate has less than the margin left.
func (s *Signer) ensureCertificate(ctx context.Context) error {
	now := s.o.clock()
	if s.leaf != nil {
		left := s.leaf.NotAfter.Sub(now)
		if left >= s.o.margin {
			return nil
		}
		// AT-10
		s.o.logf("renewing the signing certificate: %s of its lifetime left", left.Round(time.Second))
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("failed to generate signing key: %w", err)
	}
	leaf, err := s.requestCertificate(ctx, key)
	if err != nil {
		return err
	}
	s.key, s.leaf = key, leaf
	s.leafPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
	return nil
}

var oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}

func (s *Signer) requestCertificate(ctx context.Context, key *ecdsa.PrivateKey) (*x509.Certificate, error) {
	bc, err := asn1.Marshal(struct {
		IsCA bool `asn1:"optional"`
	}{})
	if err != nil {
		return nil, err
	}
	// An empty subject: Fulcio takes the identity from the token
	// (sigstore-python #1507).
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject:         pkix.Name{},
		ExtraExtensions: []pkix.Extension{{Id: oidBasicConstraints, Critical: true, Value: bc}},
	}, key)
	if err != nil {
		return nil, fmt.Errorf("failed to create certificate request: %w", err)
	}
	body, err := json.Marshal(map[string]string{
		"certificateSigningRequest": base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})),
	})
	if err != nil {
		return nil, err
	}
	url := strings.TrimSuffix(s.o.fulcioURL, "/") + "/api/v2/signingCert"
	resp, err := s.do(ctx, "Fulcio", func(ctx context.Context) (*http.Request, error) {
		// A fresh token for every attempt: they are short-lived.
		tok, err := s.o.idToken(ctx, "sigstore")
		if err != nil {
			return nil, &Error{ID: "AT-06", Message: "failed to get an OIDC ID token for Sigstore", Hint: hintAT06, Err: err}
		}
		if tok == "" {
			return nil, &Error{ID: "AT-06", Message: "failed to get an OIDC ID token for Sigstore: empty token", Hint: hintAT06}
		}
		s.o.mask(tok)
		req, err := jsonRequest(ctx, http.MethodPost, url, body)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		return req, nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, &Error{ID: "AT-07", Message: "failed to request a signing certificate from " + url, Hint: hintAT07, Err: err}
	}
	if resp.status != http.StatusOK && resp.status != http.StatusCreated {
		return nil, &Error{ID: "AT-07", Message: fmt.Sprintf("failed to request a signing certificate from %s: HTTP %d: %s", url, resp.status, excerpt(resp.body, 300)), Hint: hintAT07}
	}
	leaf, err := parseFulcioResponse(resp.body)
	if err != nil {
		return nil, &Error{ID: "AT-07", Message: "failed to use the answer of " + url, Hint: hintAT07, Err: err}
	}
	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, &Error{ID: "AT-07", Message: "failed to use the answer of " + url + ": the certificate is not for our key", Hint: hintAT07}
	}
	if s.unchecked {
		return leaf, nil
	}
	if err := s.o.root.verifyChain(leaf, s.o.clock()); err != nil {
		return nil, &Error{ID: "AT-07", Message: "the certificate from " + url + " does not chain to the trusted root", Hint: hintAT07, Err: err}
	}
	if err := verifySCTs(leaf, s.o.root); err != nil {
		return nil, &Error{ID: "AT-07", Message: "the certificate from " + url + " has no valid SCT", Hint: hintAT07, Err: err}
	}
	return leaf, nil
}

// fulcioChain is Fulcio's protobuf-JSON answer (SigningCertificate).
type fulcioChain struct {
	Chain struct {
		Certificates []string `json:"certificates"`
	} `json:"chain"`
}

func parseFulcioResponse(b []byte) (*x509.Certificate, error) {
	var r struct {
		Embedded *fulcioChain `json:"signedCertificateEmbeddedSct"`
		Detached *fulcioChain `json:"signedCertificateDetachedSct"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	c := r.Embedded
	if c == nil {
		c = r.Detached
	}
	if c == nil || len(c.Chain.Certificates) == 0 {
		return nil, errors.New("no certificate chain in the response")
	}
	blk, _ := pem.Decode([]byte(c.Chain.Certificates[0]))
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("the first certificate of the chain is not PEM")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// rekorEntry is one value of Rekor's LogEntry map (openapi.yaml).
type rekorEntry struct {
	Body           string `json:"body"`
	IntegratedTime *int64 `json:"integratedTime"`
	LogID          string `json:"logID"`
	LogIndex       *int64 `json:"logIndex"`
	Verification   *struct {
		InclusionProof *struct {
			Checkpoint string   `json:"checkpoint"`
			Hashes     []string `json:"hashes"`
			LogIndex   *int64   `json:"logIndex"`
			RootHash   string   `json:"rootHash"`
			TreeSize   *int64   `json:"treeSize"`
		} `json:"inclusionProof"`
		SignedEntryTimestamp []byte `json:"signedEntryTimestamp"`
	} `json:"verification"`
}

func (s *Signer) logEntry(ctx context.Context, stmt, sig []byte) (*TransparencyLogEntry, error) {
	env, err := marshalCompact(struct {
		Payload     []byte `json:"payload"`
		PayloadType string `json:"payloadType"`
		Signatures  []struct {
			Sig []byte `json:"sig"`
		} `json:"signatures"`
	}{Payload: stmt, PayloadType: InTotoPayloadType, Signatures: []struct {
		Sig []byte `json:"sig"`
	}{{Sig: sig}}})
	if err != nil {
		return nil, err
	}
	proposed, err := marshalCompact(map[string]any{
		"apiVersion": "0.0.1",
		"kind":       "dsse",
		"spec": map[string]any{"proposedContent": map[string]any{
			"envelope":  string(env),
			"verifiers": []string{base64.StdEncoding.EncodeToString(s.leafPEM)},
		}},
	})
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(s.o.rekorURL, "/")
	url := base + "/api/v1/log/entries"
	fail := func(format string, args ...any) error {
		return &Error{ID: "AT-08", Message: "failed to log the signature in " + url + ": " + fmt.Sprintf(format, args...), Hint: hintAT08}
	}
	resp, err := s.do(ctx, "Rekor", func(ctx context.Context) (*http.Request, error) {
		return jsonRequest(ctx, http.MethodPost, url, proposed)
	})
	if err != nil {
		return nil, &Error{ID: "AT-08", Message: "failed to log the signature in " + url, Hint: hintAT08, Err: err}
	}
	if resp.status == http.StatusConflict {
		// The entry exists, e.g. an earlier attempt's request arrived;
		// fetch it from Location.
		loc := resp.header.Get("Location")
		if loc == "" || !strings.HasPrefix(loc, "/api/v1/log/entries/") {
			return nil, fail("HTTP 409 without a usable Location: %s", excerpt(resp.body, 300))
		}
		resp, err = s.do(ctx, "Rekor", func(ctx context.Context) (*http.Request, error) {
			return jsonRequest(ctx, http.MethodGet, base+loc, nil)
		})
		if err != nil {
			return nil, &Error{ID: "AT-08", Message: "failed to fetch the existing log entry from " + base + loc, Hint: hintAT08, Err: err}
		}
		if resp.status != http.StatusOK {
			return nil, fail("HTTP %d fetching %s: %s", resp.status, loc, excerpt(resp.body, 300))
		}
	} else if resp.status != http.StatusCreated {
		return nil, fail("HTTP %d: %s", resp.status, excerpt(resp.body, 300))
	}
	var m map[string]rekorEntry
	if err := json.Unmarshal(resp.body, &m); err != nil {
		return nil, fail("the answer is not a log entry: %v", err)
	}
	key := strings.Trim(resp.header.Get("ETag"), `"`)
	e, ok := m[key]
	if !ok && len(m) == 1 {
		for _, v := range m {
			e = v
		}
		ok = true
	}
	if !ok {
		return nil, fail("the answer has no entry %q", key)
	}
	tle, err := toTLE(e)
	if err != nil {
		return nil, fail("%v", err)
	}
	sum := sha256.Sum256(stmt)
	var body dsseBody
	if err := json.Unmarshal(tle.CanonicalizedBody, &body); err != nil || body.Spec.PayloadHash.Value != hex.EncodeToString(sum[:]) {
		return nil, fail("the entry is not for this statement")
	}
	return tle, nil
}

// toTLE converts Rekor's answer to the protobuf-JSON transparency entry
// (the form of sigstore-go's and pypi-attestations' bundles).
func toTLE(e rekorEntry) (*TransparencyLogEntry, error) {
	if e.Verification == nil || len(e.Verification.SignedEntryTimestamp) == 0 {
		return nil, errors.New("the entry has no signed entry timestamp")
	}
	p := e.Verification.InclusionProof
	if p == nil || p.LogIndex == nil || p.TreeSize == nil || p.Checkpoint == "" {
		return nil, errors.New("the entry has no inclusion proof")
	}
	if e.LogIndex == nil || e.IntegratedTime == nil {
		return nil, errors.New("the entry has no log index or integrated time")
	}
	body, err := base64.StdEncoding.DecodeString(e.Body)
	if err != nil {
		return nil, fmt.Errorf("the entry body is not base64: %w", err)
	}
	var kv struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(body, &kv); err != nil {
		return nil, fmt.Errorf("the entry body is not JSON: %w", err)
	}
	logID, err := hex.DecodeString(e.LogID)
	if err != nil {
		return nil, fmt.Errorf("the log ID is not hex: %w", err)
	}
	root, err := hex.DecodeString(p.RootHash)
	if err != nil {
		return nil, fmt.Errorf("the root hash is not hex: %w", err)
	}
	hashes := make([][]byte, 0, len(p.Hashes))
	for _, h := range p.Hashes {
		b, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("a proof hash is not hex: %w", err)
		}
		hashes = append(hashes, b)
	}
	return &TransparencyLogEntry{
		LogIndex:         *e.LogIndex,
		LogID:            LogID{KeyID: logID},
		KindVersion:      KindVersion{Kind: kv.Kind, Version: kv.APIVersion},
		IntegratedTime:   *e.IntegratedTime,
		InclusionPromise: &InclusionPromise{SignedEntryTimestamp: e.Verification.SignedEntryTimestamp},
		InclusionProof: &InclusionProof{
			LogIndex:   *p.LogIndex,
			RootHash:   root,
			TreeSize:   *p.TreeSize,
			Hashes:     hashes,
			Checkpoint: Checkpoint{Envelope: p.Checkpoint},
		},
		CanonicalizedBody: body,
	}, nil
}
