package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// newSigstoreFakes is a fake Fulcio and Rekor trusting the oidc fakes'
// tokens, with their trusted root written to a file.
func newSigstoreFakes(t *testing.T) *attesttest.Sigstore {
	t.Helper()
	return attesttest.NewSigstore(t, attesttest.VerifyRS256(&oidctest.Key().PublicKey, nil))
}

const (
	tpRepository  = "octo-org/octo-repo"
	tpWorkflowRef = "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0"
)

// trustedIndex is a PyPI-rules fake index with trusted publishing for
// octo-org/octo-repo's release.yml that verifies uploaded attestations
// against the fake Sigstore, as PyPI does against the real one.
func trustedIndex(t *testing.T, sf *attesttest.Sigstore) *publishtest.Server {
	t.Helper()
	idx := oidctest.NewIndex(oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml"}))
	srv := publishtest.New(
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithAuth(func(user, password string) error { return idx.Validate(password) }),
		publishtest.WithAttestationVerifier(attesttest.Verifier(sf.Root, attest.Identity{Repository: tpRepository, Workflow: "release.yml"})),
	)
	t.Cleanup(srv.Close)
	return srv
}

// tpVars is a GitHub Actions environment with id-token: write and the
// Sigstore endpoints pointed at the fakes.
func tpVars(gh *oidctest.GitHub, sf *attesttest.Sigstore, kind string) map[string]string {
	vars := githubVars(gh.URL(), gh.RequestToken(), kind)
	vars["PYPI_PUBLISH_FULCIO_URL"] = sf.Fulcio.URL
	vars["PYPI_PUBLISH_REKOR_URL"] = sf.Rekor.URL
	vars["PYPI_PUBLISH_TRUSTED_ROOT"] = sf.RootPath
	return vars
}

func attestationFilesOutput(t *testing.T, r *Run) []string {
	t.Helper()
	var files []string
	if err := json.Unmarshal([]byte(r.Outputs["attestation-files"]), &files); err != nil {
		t.Fatalf("attestation-files output %q: %v", r.Outputs["attestation-files"], err)
	}
	sort.Strings(files)
	return files
}

// TestAttest_generateThenReuse is issue 6 end to end: trusted publishing to
// a PyPI-classified index signs each distribution natively (fake Fulcio and
// Rekor), writes <dist>.publish.attestation, uploads the attestations field,
// and the index verifies it as PyPI does. A second run in the same job
// (TestPyPI then PyPI, upstream #319) reuses the files (AT-03) without a
// new log entry.
func TestAttest_generateThenReuse(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	gh := oidctest.NewGitHub(t)
	ws := newWorkspace(t)
	wantFiles := []string{"dist/" + demoWheel + ".publish.attestation", "dist/" + demoSdist + ".publish.attestation"}
	sort.Strings(wantFiles)

	for i, kind := range []string{"testpypi", "pypi"} {
		srv := trustedIndex(t, sf)
		env := Env{
			Inputs: map[string]string{"repository-url": srv.UploadURL()},
			Vars:   tpVars(gh, sf, kind),
		}
		if i == 0 {
			env.Files = demoFiles()
		}
		r := runAction(t, ws, env)
		if r.Code != 0 {
			t.Fatalf("run %d (%s): exit code = %d, want 0", i+1, kind, r.Code)
		}
		ups := srv.Uploads()
		if len(ups) != 2 {
			t.Fatalf("run %d: %d uploads, want 2", i+1, len(ups))
		}
		for _, u := range ups {
			if u.Status != 200 || u.Attestations == "" {
				t.Errorf("run %d: upload of %s = %d %q with attestations %.40q, want 200 with attestations", i+1, u.Filename, u.Status, u.Message, u.Attestations)
			}
			onDisk, err := os.ReadFile(filepath.Join(ws, "dist", u.Filename+".publish.attestation"))
			if err != nil {
				t.Fatal(err)
			}
			if u.Attestations != "["+string(onDisk)+"]" {
				t.Errorf("run %d: attestations field of %s is not [<the file>]", i+1, u.Filename)
			}
		}
		if diff := cmp.Diff(wantFiles, attestationFilesOutput(t, r)); diff != "" {
			t.Errorf("run %d: attestation-files mismatch (-want +got):\n%s", i+1, diff)
		}
		if got := sf.Rekor.Entries(); got != 2 {
			t.Errorf("run %d: %d log entries, want 2 (made once, then reused)", i+1, got)
		}
		if i == 1 && !strings.Contains(strings.Join(annotations(r, "notice"), "\n"), "Reused") {
			t.Errorf("run 2: no AT-03 notice about reused attestation files in %q", annotations(r, "notice"))
		}
	}
	if got := len(sf.Fulcio.Issued()); got != 1 {
		t.Errorf("Fulcio issued %d certificates, want 1 (one key and certificate for both files)", got)
	}
}

// TestAttest_staleFile is AT-04: an attestation file left by an earlier
// build fails the run before any upload, naming the pair and the check.
func TestAttest_staleFile(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	gh := oidctest.NewGitHub(t)
	ws := newWorkspace(t)
	srv := trustedIndex(t, sf)
	// Attest another build of the wheel (other digest) with the same identity.
	stale := filepath.Join(t.TempDir(), "stale")
	{
		s, err := attest.NewSigner(attest.WithFulcioURL(sf.Fulcio.URL), attest.WithRekorURL(sf.Rekor.URL),
			attest.WithIDToken(gh.IDToken), attest.WithTrustedRoot(sf.Root))
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Sign(t.Context(), demoWheel, strings.Repeat("0", 64))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stale, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := demoFiles()
	files["dist/"+demoWheel+".publish.attestation"] = stale
	r := runAction(t, ws, Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL()},
		Vars:   tpVars(gh, sf, "pypi"),
		Files:  files,
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("%d uploads, want none", n)
	}
	errs := strings.Join(annotations(r, "error"), "\n")
	if !strings.Contains(errs, demoWheel+".publish.attestation") || !strings.Contains(errs, "digest") {
		t.Errorf("errors %q: want the stale file and the failed check (digest)", errs)
	}
}
