package attesttest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/tuf/tuftest"
)

// SigningConfig returns a signing config (v0.2) naming one Fulcio and
// Rekor v1 logs, in that order of preference, each valid from notBefore
// on, with the ANY selector, as Sigstore's lists Fulcio and Rekor.
func SigningConfig(fulcioURL string, rekorURLs []string, notBefore time.Time) *attest.SigningConfig {
	start := notBefore.UTC().Truncate(time.Second)
	c := &attest.SigningConfig{
		MediaType:       attest.SigningConfigMediaType,
		CAURLs:          []attest.Service{{URL: fulcioURL, MajorAPIVersion: 1, ValidFor: attest.ValidFor{Start: start}, Operator: "fake.sigstore.test"}},
		RekorTlogConfig: attest.ServiceConfig{Selector: "ANY"},
	}
	for _, u := range rekorURLs {
		c.RekorTlogURLs = append(c.RekorTlogURLs, attest.Service{URL: u, MajorAPIVersion: 1, ValidFor: attest.ValidFor{Start: start}, Operator: "fake.sigstore.test"})
	}
	return c
}

// SigningConfig returns a signing config naming the Env's Fulcio and Rekor.
func (e *Env) SigningConfig() *attest.SigningConfig {
	return SigningConfig(e.Fulcio.URL, []string{e.Rekor.URL}, e.Clock().Add(-time.Hour))
}

// TUF is a fake of Sigstore's TUF repository: a tuftest.Repo whose
// targets are trusted_root.json and signing_config.v0.2.json.
type TUF struct {
	*tuftest.Repo
}

// NewTUF starts a fake TUF repository publishing a trusted root and a
// signing config; it stops when the test ends. It fails the test on
// error.
func NewTUF(t testing.TB, trustedRoot []byte, config *attest.SigningConfig) *TUF {
	t.Helper()
	r, err := tuftest.New(tuftest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	u := &TUF{Repo: r}
	if err := u.Publish(trustedRoot, config); err != nil {
		t.Fatal(err)
	}
	return u
}

// Publish publishes a new trusted root and signing config (nil keeps the
// current one) as new targets, snapshot and timestamp versions.
func (u *TUF) Publish(trustedRoot []byte, config *attest.SigningConfig) error {
	if trustedRoot != nil {
		u.AddTarget("trusted_root.json", trustedRoot)
	}
	if config != nil {
		b, err := json.MarshalIndent(config, "", "  ")
		if err != nil {
			return err
		}
		u.AddTarget("signing_config.v0.2.json", b)
	}
	return u.Repo.Publish()
}
