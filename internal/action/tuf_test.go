package action_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// TestRun_sigstoreTrust: the attest step takes Sigstore's trust data from
// TUF (the fake repository says where to sign and what to trust), and
// falls back to the built-in copy with an AT-11 warning when TUF fails
// (here the hooks then point signing at the fakes).
func TestRun_sigstoreTrust(t *testing.T) {
	t.Parallel()
	sf := newSigstore(t)
	notBefore := time.Now().Add(-time.Hour)
	rootJSON, err := attesttest.TrustedRootJSON(sf.Fulcio, sf.Rekor, notBefore)
	if err != nil {
		t.Fatal(err)
	}
	repo := attesttest.NewTUF(t, rootJSON, attesttest.SigningConfig(sf.Fulcio.URL, []string{sf.Rekor.URL}, notBefore))
	tufRoot := filepath.Join(t.TempDir(), "root.json")
	if err := os.WriteFile(tufRoot, repo.RootJSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		vars func(map[string]string) map[string]string
		log  string
	}{
		{
			name: "updated_through_tuf",
			vars: func(m map[string]string) map[string]string {
				return with(m, "PYPI_PUBLISH_TUF_URL", repo.URL, "PYPI_PUBLISH_TUF_ROOT", tufRoot)
			},
			log: "::debug::Sigstore trust updated from " + repo.URL,
		},
		{
			name: "fallback_when_tuf_fails",
			vars: func(m map[string]string) map[string]string {
				return with(sigstoreVars(sf, m), "PYPI_PUBLISH_TUF_URL", repo.URL, "PYPI_PUBLISH_TUF_ROOT", "/nonexistent/root.json")
			},
			log: "::warning title=Sigstore trust data not updated (AT-11)::",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newTPFakes(t, nil, nil, publishtest.WithAttestationVerifier(
				attesttest.Verifier(sf.Root, attest.Identity{Repository: "octo-org/octo-repo", Workflow: "release.yml"})))
			r := runAction(t, setup{inputs: map[string]string{"repository-url": f.srv.UploadURL()}, vars: tc.vars(f.vars("pypi")), files: demoFiles()})
			checkResult(t, r, "", up2, []string{tc.log, "::notice::Generated attestations for 2 distributions."}, nil, nil, nil)
		})
	}
}
