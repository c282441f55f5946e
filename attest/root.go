package attest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// TrustedRootMediaType is the media type of a Sigstore trusted root (the
// one Sigstore's root uses; ParseTrustedRoot also reads
// TrustedRootMediaTypeV01).
const TrustedRootMediaType = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"

// TrustedRootMediaTypeV01 is the newer spelling of the same media type.
const TrustedRootMediaTypeV01 = "application/vnd.dev.sigstore.trustedroot.v0.1+json"

//go:embed sigstore/trusted_root.json
var productionRootJSON []byte

// ProductionRoot returns the Sigstore public-good trusted root embedded in
// the binary (Fulcio CAs, Rekor and CT log keys), as of
// EmbeddedTrust().Date. It is parsed once; the result must not be
// modified.
func ProductionRoot() *TrustedRoot {
	prodOnce.Do(func() {
		prodRoot, prodErr = ParseTrustedRoot(productionRootJSON)
	})
	if prodErr != nil {
		// The embedded file is tested; this cannot happen in a released binary.
		panic(fmt.Sprintf("attest: embedded trusted root: %v", prodErr))
	}
	return prodRoot
}

var (
	prodOnce sync.Once
	prodRoot *TrustedRoot
	prodErr  error
)

// TrustedRoot is a Sigstore trusted root (protobuf-specs
// dev.sigstore.trustedroot.v1.TrustedRoot in its JSON form). Build one with
// ParseTrustedRoot; the exported fields are the JSON schema, which fakes use
// to generate a root.
type TrustedRoot struct {
	MediaType              string                 `json:"mediaType"`
	Tlogs                  []TransparencyLog      `json:"tlogs"`
	CertificateAuthorities []CertificateAuthority `json:"certificateAuthorities"`
	Ctlogs                 []TransparencyLog      `json:"ctlogs"`
	TimestampAuthorities   []CertificateAuthority `json:"timestampAuthorities"`

	tlogs []parsedLog
	ctlog []parsedLog
	cas   []parsedCA
}

// TransparencyLog is a Rekor or CT log of a trusted root.
type TransparencyLog struct {
	BaseURL       string    `json:"baseUrl"`
	HashAlgorithm string    `json:"hashAlgorithm"`
	PublicKey     PublicKey `json:"publicKey"`
	LogID         LogID     `json:"logId"`
}

// PublicKey is a DER (PKIX) public key with its validity.
type PublicKey struct {
	RawBytes   []byte   `json:"rawBytes"`
	KeyDetails string   `json:"keyDetails"`
	ValidFor   ValidFor `json:"validFor"`
}

// ValidFor is a validity period; End is nil for open-ended periods.
type ValidFor struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
}

func (v ValidFor) contains(t time.Time) bool {
	if t.Before(v.Start) {
		return false
	}
	return v.End == nil || !t.After(*v.End)
}

// LogID identifies a log: the SHA-256 of its DER public key.
type LogID struct {
	KeyID []byte `json:"keyId"`
}

// CertificateAuthority is a Fulcio CA: its chain, leaf-most first (the
// intermediate, then the root).
type CertificateAuthority struct {
	Subject   CASubject `json:"subject"`
	URI       string    `json:"uri"`
	CertChain CertChain `json:"certChain"`
	ValidFor  ValidFor  `json:"validFor"`
}

// CASubject is a CA's distinguished name as the trusted root spells it.
type CASubject struct {
	Organization string `json:"organization,omitempty"`
	CommonName   string `json:"commonName,omitempty"`
}

// CertChain is a list of DER certificates.
type CertChain struct {
	Certificates []RawCert `json:"certificates"`
}

// RawCert is one DER certificate.
type RawCert struct {
	RawBytes []byte `json:"rawBytes"`
}

type parsedLog struct {
	baseURL  string
	keyID    []byte
	key      any
	validFor ValidFor
}

type parsedCA struct {
	roots, intermediates *x509.CertPool
	validFor             ValidFor
}

// ParseTrustedRoot parses and checks a trusted root JSON document. Keys
// must be ECDSA or Ed25519 PKIX keys and every log needs a log ID. It never
// panics.
func ParseTrustedRoot(b []byte) (*TrustedRoot, error) {
	var r TrustedRoot
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("failed to parse trusted root: %w", err)
	}
	if r.MediaType != TrustedRootMediaType && r.MediaType != TrustedRootMediaTypeV01 {
		return nil, fmt.Errorf("failed to parse trusted root: unknown media type %q", r.MediaType)
	}
	var err error
	if r.tlogs, err = parseLogs(r.Tlogs); err != nil {
		return nil, fmt.Errorf("failed to parse trusted root tlogs: %w", err)
	}
	if r.ctlog, err = parseLogs(r.Ctlogs); err != nil {
		return nil, fmt.Errorf("failed to parse trusted root ctlogs: %w", err)
	}
	for i, ca := range r.CertificateAuthorities {
		certs := ca.CertChain.Certificates
		if len(certs) == 0 {
			return nil, fmt.Errorf("failed to parse trusted root: certificate authority %d has no certificates", i)
		}
		p := parsedCA{roots: x509.NewCertPool(), intermediates: x509.NewCertPool(), validFor: ca.ValidFor}
		for j, c := range certs {
			cert, err := x509.ParseCertificate(c.RawBytes)
			if err != nil {
				return nil, fmt.Errorf("failed to parse trusted root certificate %d of authority %d: %w", j, i, err)
			}
			if j == len(certs)-1 {
				p.roots.AddCert(cert)
			} else {
				p.intermediates.AddCert(cert)
			}
		}
		r.cas = append(r.cas, p)
	}
	if len(r.tlogs) == 0 || len(r.cas) == 0 {
		return nil, errors.New("failed to parse trusted root: it needs at least one tlog and one certificate authority")
	}
	return &r, nil
}

func parseLogs(logs []TransparencyLog) ([]parsedLog, error) {
	var out []parsedLog
	for i, l := range logs {
		key, err := x509.ParsePKIXPublicKey(l.PublicKey.RawBytes)
		if err != nil {
			return nil, fmt.Errorf("log %d (%s): %w", i, l.BaseURL, err)
		}
		switch key.(type) {
		case *ecdsa.PublicKey, ed25519.PublicKey:
		default:
			return nil, fmt.Errorf("log %d (%s): unsupported key type %T", i, l.BaseURL, key)
		}
		if len(l.LogID.KeyID) == 0 {
			return nil, fmt.Errorf("log %d (%s): no log ID", i, l.BaseURL)
		}
		out = append(out, parsedLog{baseURL: l.BaseURL, keyID: l.LogID.KeyID, key: key, validFor: l.PublicKey.ValidFor})
	}
	return out, nil
}

func findLog(logs []parsedLog, keyID []byte) *parsedLog {
	for i := range logs {
		if bytes.Equal(logs[i].keyID, keyID) {
			return &logs[i]
		}
	}
	return nil
}

// verifySig checks a signature by an ECDSA (ASN.1, SHA-256) or Ed25519 key
// over msg.
func verifySig(key any, msg, sig []byte) bool {
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		d := sha256.Sum256(msg)
		return ecdsa.VerifyASN1(k, d[:], sig)
	case ed25519.PublicKey:
		return ed25519.Verify(k, msg, sig)
	}
	return false
}

// verifyChain checks the leaf against every CA valid at t, at time t.
func (r *TrustedRoot) verifyChain(leaf *x509.Certificate, t time.Time) error {
	var last error = errors.New("no certificate authority of the trusted root is valid at that time")
	for _, ca := range r.cas {
		if !ca.validFor.contains(t) {
			continue
		}
		_, err := leaf.Verify(x509.VerifyOptions{
			Roots:         ca.roots,
			Intermediates: ca.intermediates,
			CurrentTime:   t,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		})
		if err == nil {
			return nil
		}
		last = err
	}
	return last
}

// issuerFor returns the certificate that signed leaf among the CAs' chains.
func (r *TrustedRoot) issuerFor(leaf *x509.Certificate) *x509.Certificate {
	for _, ca := range r.CertificateAuthorities {
		for _, c := range ca.CertChain.Certificates {
			cert, err := x509.ParseCertificate(c.RawBytes)
			if err != nil {
				continue
			}
			if leaf.CheckSignatureFrom(cert) == nil {
				return cert
			}
		}
	}
	return nil
}
