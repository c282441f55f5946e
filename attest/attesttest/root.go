package attesttest

import (
	"crypto/x509"
	"encoding/json"
	"net/url"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
)

// TrustedRootJSON returns a trusted_root.json (production schema) trusting
// the fakes: the Fulcio chain (intermediate, then root), the Rekor log
// with baseUrl = its URL, and the CT log. Every validity starts at
// notBefore, which must precede the certificates the fakes issue.
func TrustedRootJSON(f *Fulcio, r *Rekor, notBefore time.Time) ([]byte, error) {
	rekorKey, err := x509.MarshalPKIXPublicKey(&r.Key.PublicKey)
	if err != nil {
		return nil, err
	}
	ctKey, err := x509.MarshalPKIXPublicKey(&f.CTKey.PublicKey)
	if err != nil {
		return nil, err
	}
	start := notBefore.UTC().Truncate(time.Second)
	root := attest.TrustedRoot{
		MediaType: attest.TrustedRootMediaType,
		Tlogs: []attest.TransparencyLog{{
			BaseURL:       r.URL,
			HashAlgorithm: "SHA2_256",
			PublicKey:     attest.PublicKey{RawBytes: rekorKey, KeyDetails: "PKIX_ECDSA_P256_SHA_256", ValidFor: attest.ValidFor{Start: start}},
			LogID:         attest.LogID{KeyID: r.LogID()},
		}},
		CertificateAuthorities: []attest.CertificateAuthority{{
			Subject:   attest.CASubject{Organization: "fake.sigstore.test", CommonName: "fake-sigstore"},
			URI:       f.URL,
			CertChain: attest.CertChain{Certificates: []attest.RawCert{{RawBytes: f.Intermediate.Raw}, {RawBytes: f.Root.Raw}}},
			ValidFor:  attest.ValidFor{Start: start},
		}},
		Ctlogs: []attest.TransparencyLog{{
			BaseURL:       "https://ctfe.fake.sigstore.test/test",
			HashAlgorithm: "SHA2_256",
			PublicKey:     attest.PublicKey{RawBytes: ctKey, KeyDetails: "PKIX_ECDSA_P256_SHA_256", ValidFor: attest.ValidFor{Start: start}},
			LogID:         attest.LogID{KeyID: f.CTLogID()},
		}},
		TimestampAuthorities: []attest.CertificateAuthority{},
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
