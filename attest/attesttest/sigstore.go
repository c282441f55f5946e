package attesttest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
)

// Sigstore is a fake Fulcio and Rekor with their trusted root.
type Sigstore struct {
	Fulcio   *Fulcio
	Rekor    *Rekor
	RootJSON []byte
	Root     *attest.TrustedRoot
	// RootPath is the trusted root's file (NewSigstore; "" from
	// StartSigstore), for PYPI_PUBLISH_TRUSTED_ROOT.
	RootPath string
}

// StartSigstore starts a fake Fulcio and a fake Rekor with the options
// given and builds their trusted root, valid from notBefore. Close stops
// them.
func StartSigstore(fo FulcioOptions, ro RekorOptions, notBefore time.Time) (*Sigstore, error) {
	s := &Sigstore{}
	var err error
	if s.Fulcio, err = NewFulcio(fo); err != nil {
		return nil, fmt.Errorf("fake Fulcio: %w", err)
	}
	if s.Rekor, err = NewRekor(ro); err != nil {
		s.Close()
		return nil, fmt.Errorf("fake Rekor: %w", err)
	}
	if s.RootJSON, err = TrustedRootJSON(s.Fulcio, s.Rekor, notBefore); err == nil {
		s.Root, err = attest.ParseTrustedRoot(s.RootJSON)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("trusted root of the fakes: %w", err)
	}
	return s, nil
}

// Close stops the fakes.
func (s *Sigstore) Close() {
	if s.Fulcio != nil {
		s.Fulcio.Close()
	}
	if s.Rekor != nil {
		s.Rekor.Close()
	}
}

// NewSigstore starts a fake Fulcio that accepts the ID tokens verify
// accepts (VerifyRS256 with oidctest.Key() for oidctest's token services)
// and a fake Rekor, with a trusted root valid from an hour ago written to
// RootPath in a temporary directory. They stop when the test ends; it
// fails the test on error.
func NewSigstore(t testing.TB, verify func(token string) (map[string]any, error)) *Sigstore {
	t.Helper()
	s, err := StartSigstore(FulcioOptions{VerifyToken: verify}, RekorOptions{}, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.RootPath = filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(s.RootPath, s.RootJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}
