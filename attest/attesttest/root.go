package attesttest

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"net/url"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
)

// TrustedRootJSON returns a trusted_root.json (production schema) trusting
// the fakes: the Fulcio chain (intermediate, then root) and CT log, with
// those Rotate retired (ending when they were), and the Rekor log with
// baseUrl = its URL. Every validity starts at notBefore, which must
// precede the certificates the fakes issue.
func TrustedRootJSON(f *Fulcio, r *Rekor, notBefore time.Time) ([]byte, error) {
	return TrustedRootJSONLogs(f, []*Rekor{r}, notBefore)
}

// TrustedRootJSONLogs is TrustedRootJSON with several Rekor logs (shards),
// each valid from notBefore on.
func TrustedRootJSONLogs(f *Fulcio, logs []*Rekor, notBefore time.Time) ([]byte, error) {
	start := notBefore.UTC().Truncate(time.Second)
	root := attest.TrustedRoot{
		MediaType:              attest.TrustedRootMediaType,
		Tlogs:                  []attest.TransparencyLog{},
		CertificateAuthorities: []attest.CertificateAuthority{},
		Ctlogs:                 []attest.TransparencyLog{},
		TimestampAuthorities:   []attest.CertificateAuthority{},
	}
	for _, r := range logs {
		key, err := x509.MarshalPKIXPublicKey(&r.Key.PublicKey)
		if err != nil {
			return nil, err
		}
		root.Tlogs = append(root.Tlogs, attest.TransparencyLog{
			BaseURL:       r.URL,
			HashAlgorithm: "SHA2_256",
			PublicKey:     attest.PublicKey{RawBytes: key, KeyDetails: "PKIX_ECDSA_P256_SHA_256", ValidFor: attest.ValidFor{Start: start}},
			LogID:         attest.LogID{KeyID: r.LogID()},
		})
	}
	f.mu.Lock()
	gens := append([]RetiredCA(nil), f.Retired...)
	gens = append(gens, RetiredCA{Root: f.Root, Intermediate: f.Intermediate, CTKey: f.CTKey})
	f.mu.Unlock()
	for _, g := range gens {
		valid := attest.ValidFor{Start: start}
		if !g.End.IsZero() {
			end := g.End.UTC()
			valid.End = &end
		}
		ctKey, err := x509.MarshalPKIXPublicKey(&g.CTKey.PublicKey)
		if err != nil {
			return nil, err
		}
		ctID := sha256.Sum256(ctKey)
		root.CertificateAuthorities = append(root.CertificateAuthorities, attest.CertificateAuthority{
			Subject:   attest.CASubject{Organization: "fake.sigstore.test", CommonName: g.Root.Subject.CommonName},
			URI:       f.URL,
			CertChain: attest.CertChain{Certificates: []attest.RawCert{{RawBytes: g.Intermediate.Raw}, {RawBytes: g.Root.Raw}}},
			ValidFor:  valid,
		})
		root.Ctlogs = append(root.Ctlogs, attest.TransparencyLog{
			BaseURL:       "https://ctfe.fake.sigstore.test/" + g.Root.Subject.CommonName,
			HashAlgorithm: "SHA2_256",
			PublicKey:     attest.PublicKey{RawBytes: ctKey, KeyDetails: "PKIX_ECDSA_P256_SHA_256", ValidFor: valid},
			LogID:         attest.LogID{KeyID: ctID[:]},
		})
	}
	return json.MarshalIndent(root, "", "  ")
}

func parseURL(s string) ([]*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	return []*url.URL{u}, nil
}
