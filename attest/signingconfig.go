package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// SigningConfigMediaType is the media type of a Sigstore signing config,
// the only version this package reads.
const SigningConfigMediaType = "application/vnd.dev.sigstore.signingconfig.v0.2+json"

// SigningConfig says where to sign: Sigstore's signing config v0.2
// (protobuf-specs dev.sigstore.trustroot.v1.SigningConfig in its JSON
// form), distributed through Sigstore's TUF repository next to the trusted
// root. Build one with ParseSigningConfig.
type SigningConfig struct {
	MediaType       string        `json:"mediaType"`
	CAURLs          []Service     `json:"caUrls"`
	OIDCURLs        []Service     `json:"oidcUrls,omitempty"`
	RekorTlogURLs   []Service     `json:"rekorTlogUrls"`
	TSAURLs         []Service     `json:"tsaUrls,omitempty"`
	RekorTlogConfig ServiceConfig `json:"rekorTlogConfig"`
	TSAConfig       ServiceConfig `json:"tsaConfig,omitzero"`
}

// Service is one Fulcio, OIDC, Rekor or TSA endpoint of a signing config.
type Service struct {
	URL             string   `json:"url"`
	MajorAPIVersion uint32   `json:"majorApiVersion"`
	ValidFor        ValidFor `json:"validFor"`
	Operator        string   `json:"operator,omitempty"`
}

// ServiceConfig says how many services of a list a client uses: Selector
// "ANY" (one), "EXACT" (Count) or "ALL".
type ServiceConfig struct {
	Selector string `json:"selector"`
	Count    uint32 `json:"count,omitempty"`
}

// The API versions this package speaks: Fulcio v1 (POST
// /api/v2/signingCert) and Rekor v1 (POST /api/v1/log/entries). Rekor v2
// entries carry no signed integrated time and need RFC 3161 timestamps,
// which a PEP 740 attestation cannot carry in pypi-attestations 0.0.29, the
// version PyPI's Warehouse pins (with sigstore 4.5.0): PyPI would reject
// them, so Rekor v2 logs are skipped.
const (
	fulcioAPIVersion = 1
	rekorAPIVersion  = 1
)

// ParseSigningConfig parses and checks a signing config: its media type,
// and that every service URL is an absolute http(s) URL. It never panics.
func ParseSigningConfig(b []byte) (*SigningConfig, error) {
	var c SigningConfig
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
		return nil, fmt.Errorf("failed to parse signing config: %w", err)
	}
	if c.MediaType != SigningConfigMediaType {
		return nil, fmt.Errorf("failed to parse signing config: unknown media type %q", c.MediaType)
	}
	for _, list := range [][]Service{c.CAURLs, c.OIDCURLs, c.RekorTlogURLs, c.TSAURLs} {
		for _, s := range list {
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return nil, fmt.Errorf("failed to parse signing config: service URL %q is not an http(s) URL", s.URL)
			}
		}
	}
	switch c.RekorTlogConfig.Selector {
	case "ANY", "EXACT", "ALL":
	default:
		return nil, fmt.Errorf("failed to parse signing config: unknown Rekor selector %q", c.RekorTlogConfig.Selector)
	}
	return &c, nil
}

// FulcioURL returns the first certificate authority of the config with
// API version 1 that is valid at t.
func (c *SigningConfig) FulcioURL(t time.Time) (string, error) {
	valid := validServices(c.CAURLs, fulcioAPIVersion, t)
	if len(valid) == 0 {
		return "", fmt.Errorf("the signing config lists no Fulcio v%d certificate authority valid at %s", fulcioAPIVersion, t.UTC().Format(time.RFC3339))
	}
	return valid[0].URL, nil
}

// RekorURL returns the Rekor v1 log to sign into at t: among the logs
// with API version 1 valid at t, the first one of each operator, as the
// config's selector allows (with EXACT, at least Count must exist). A
// PEP 740 attestation carries one log entry, so with EXACT counts above
// one or ALL the first log is used. Rekor v2 logs are skipped (see the
// package documentation).
func (c *SigningConfig) RekorURL(t time.Time) (string, error) {
	valid := validServices(c.RekorTlogURLs, rekorAPIVersion, t)
	if len(valid) == 0 {
		return "", fmt.Errorf("the signing config lists no Rekor v%d log valid at %s (Rekor v2 logs are not used: PyPI does not accept their entries yet)", rekorAPIVersion, t.UTC().Format(time.RFC3339))
	}
	if c.RekorTlogConfig.Selector == "EXACT" && int(c.RekorTlogConfig.Count) > len(valid) {
		return "", errors.New("the signing config asks for more Rekor v1 logs than it lists as valid")
	}
	return valid[0].URL, nil
}

// validServices returns the services of one API version valid at t, the
// first one of each operator, in the config's order.
func validServices(list []Service, version uint32, t time.Time) []Service {
	var out []Service
	seen := map[string]bool{}
	for _, s := range list {
		if s.MajorAPIVersion != version || !s.ValidFor.contains(t) {
			continue
		}
		if s.Operator != "" && seen[s.Operator] {
			continue
		}
		seen[s.Operator] = true
		out = append(out, s)
	}
	return out
}

// Services returns the Fulcio and Rekor base URLs the signer uses, chosen
// by its signing config or set by WithFulcioURL and WithRekorURL.
func (s *Signer) Services() (fulcio, rekor string) { return s.o.fulcioURL, s.o.rekorURL }
