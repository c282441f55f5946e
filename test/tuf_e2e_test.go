package test

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// tufVars is tpVars with the Sigstore endpoints and root left to the fake
// TUF repository: its signing config says where to sign, its trusted root
// what to trust, and rootPath is the root.json the run starts from (the
// test's stand-in for the one embedded in the binary).
func tufVars(gh *oidctest.GitHub, sf *attesttest.Sigstore, repoURL, rootPath string) map[string]string {
	v := tpVars(gh, sf, "pypi")
	delete(v, "PYPI_PUBLISH_FULCIO_URL")
	delete(v, "PYPI_PUBLISH_REKOR_URL")
	delete(v, "PYPI_PUBLISH_TRUSTED_ROOT")
	v["PYPI_PUBLISH_TUF_URL"] = repoURL
	v["PYPI_PUBLISH_TUF_ROOT"] = rootPath
	return v
}

// rotatingIndex is trustedIndex verifying attestations against whatever
// trusted root *root holds at upload time, as PyPI follows Sigstore's.
func rotatingIndex(t *testing.T, root *atomic.Pointer[attest.TrustedRoot]) *publishtest.Server {
	t.Helper()
	idx := oidctest.NewIndex(oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml"}))
	id := attest.Identity{Repository: tpRepository, Workflow: "release.yml"}
	srv := publishtest.New(
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithAuth(func(user, password string) error { return idx.Validate(password) }),
		publishtest.WithAttestationVerifier(func(filename, sha256 string, att []byte) error {
			return attest.VerifyUpload(att, filename, sha256, id, root.Load())
		}),
	)
	t.Cleanup(srv.Close)
	return srv
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTUF_keyRotation is issue 16 end to end: Sigstore rotates its Fulcio
// CA and CT key and moves to a new Rekor shard, and rotates its TUF root
// and timestamp keys, publishing all of it through TUF only. The same
// binary, starting from the same root.json, signs and self-verifies with
// the new keys and where the new signing config says (skipping a Rekor v2
// log listed first); a run that does not see the update fails closed.
func TestTUF_keyRotation(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	gh := oidctest.NewGitHub(t)
	notBefore := time.Now().Add(-time.Hour)
	oldRoot, err := attesttest.TrustedRootJSON(sf.Fulcio, sf.Rekor, notBefore)
	if err != nil {
		t.Fatal(err)
	}
	oldConfig := attesttest.SigningConfig(sf.Fulcio.URL, []string{sf.Rekor.URL}, notBefore)
	repo := attesttest.NewTUF(t, oldRoot, oldConfig)
	stale := attesttest.NewTUF(t, oldRoot, oldConfig)
	rootPath := writeTemp(t, "root.json", repo.RootJSON())
	var current atomic.Pointer[attest.TrustedRoot]
	current.Store(sf.Root)
	srv := rotatingIndex(t, &current)

	run := func(repoURL, rootPath string) *Run {
		t.Helper()
		return runAction(t, newWorkspace(t), Env{
			Inputs: map[string]string{"repository-url": srv.UploadURL(), "skip-existing": "true"},
			Vars:   tufVars(gh, sf, repoURL, rootPath),
			Files:  demoFiles(),
		})
	}
	if r := run(repo.URL, rootPath); r.Code != 0 || sf.Rekor.Entries() != 2 {
		t.Fatalf("before the rotation: exit code %d, %d entries in the first log; want 0, 2", r.Code, sf.Rekor.Entries())
	}

	// Sigstore rotates.
	if err := sf.Fulcio.Rotate(); err != nil {
		t.Fatal(err)
	}
	shard, err := attesttest.NewRekor(attesttest.RekorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shard.Close)
	newRoot, err := attesttest.TrustedRootJSONLogs(sf.Fulcio, []*attesttest.Rekor{sf.Rekor, shard}, notBefore)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := attest.ParseTrustedRoot(newRoot)
	if err != nil {
		t.Fatal(err)
	}
	current.Store(parsed)
	config := attesttest.SigningConfig(sf.Fulcio.URL, []string{shard.URL}, time.Now().Add(-time.Minute))
	retired := time.Now().Add(-time.Minute).UTC()
	config.RekorTlogURLs = append([]attest.Service{{URL: "http://127.0.0.1:1", MajorAPIVersion: 2, ValidFor: attest.ValidFor{Start: notBefore}, Operator: "fake.sigstore.test"}},
		append(config.RekorTlogURLs, attest.Service{URL: sf.Rekor.URL, MajorAPIVersion: 1, ValidFor: attest.ValidFor{Start: notBefore, End: &retired}, Operator: "old"})...)
	if err := repo.RotateKeys("root", "timestamp"); err != nil {
		t.Fatal(err)
	}
	if err := repo.Publish(newRoot, config); err != nil {
		t.Fatal(err)
	}

	r := run(repo.URL, rootPath)
	if r.Code != 0 {
		t.Fatalf("after the rotation: exit code %d, want 0", r.Code)
	}
	if got := shard.Entries(); got != 2 {
		t.Errorf("after the rotation: %d entries in the new shard, want 2", got)
	}
	if got := sf.Rekor.Entries(); got != 2 {
		t.Errorf("after the rotation: %d entries in the retired log, want still 2", got)
	}
	issued := sf.Fulcio.Issued()
	last := issued[len(issued)-1]
	if err := last.CheckSignatureFrom(sf.Fulcio.Intermediate); err != nil {
		t.Errorf("the last certificate is not from the new CA: %v", err)
	}
	if w := annotations(r, "warning"); len(w) != 0 {
		t.Errorf("warnings %q, want none", w)
	}
	uploads := 0
	for _, u := range srv.Uploads() {
		if u.Status == 200 && u.Attestations != "" {
			uploads++
		}
	}
	if uploads != 4 {
		t.Errorf("%d uploads with attestations accepted by the index, want 4", uploads)
	}

	// Without the update (a repository that still serves the old data),
	// the new certificate does not chain to the old root: AT-07.
	r = run(stale.URL, writeTemp(t, "root.json", stale.RootJSON()))
	errs := strings.Join(annotations(r, "error"), "\n")
	if r.Code != 1 || !strings.Contains(errs, "AT-07") || !strings.Contains(errs, "does not chain to the trusted root") {
		t.Errorf("stale trust: exit code %d, errors %q; want 1 and AT-07", r.Code, errs)
	}
}

// TestTUF_offline: when the TUF repository cannot be reached, or serves
// what does not verify, the run warns once (AT-11), naming the date of the
// data built into the binary, and signs with that data.
func TestTUF_offline(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	gh := oidctest.NewGitHub(t)
	date := attest.EmbeddedTrust().Date.Format("2006-01-02")
	cases := []struct {
		name string
		// repo returns the TUF hooks' values; nil means nothing listens.
		repo func(t *testing.T) (url, rootPath string)
		// drop are the test hooks left out.
		drop     []string
		wantCode int
		wantWarn string
		wantErr  string
	}{
		// The hooks still override the embedded data: the run signs.
		{name: "hooks_override", wantWarn: "connection refused"},
		// Only Fulcio and Rekor are the fakes: the embedded production
		// root rejects the fake certificate, which shows it is used.
		{name: "embedded_root_used", drop: []string{"PYPI_PUBLISH_TRUSTED_ROOT"}, wantCode: 1, wantWarn: "connection refused", wantErr: "does not chain to the trusted root"},
		// A repository whose timestamp expired (a freeze attack, or a
		// stalled signer) is not trusted either.
		{name: "expired_timestamp", wantWarn: "timestamp.json: expired", repo: func(t *testing.T) (string, string) {
			repo := attesttest.NewTUF(t, []byte("{}"), attesttest.SigningConfig(sf.Fulcio.URL, []string{sf.Rekor.URL}, time.Now().Add(-time.Hour)))
			repo.Expiry["timestamp"] = -time.Minute
			if err := repo.PublishTimestamp(); err != nil {
				t.Fatal(err)
			}
			return repo.URL, writeTemp(t, "root.json", repo.RootJSON())
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := trustedIndex(t, sf)
			vars := tpVars(gh, sf, "pypi")
			vars["PYPI_PUBLISH_TUF_URL"] = "http://127.0.0.1:1" // nothing listens on port 1
			if tc.repo != nil {
				vars["PYPI_PUBLISH_TUF_URL"], vars["PYPI_PUBLISH_TUF_ROOT"] = tc.repo(t)
			}
			for _, k := range tc.drop {
				delete(vars, k)
			}
			r := runAction(t, newWorkspace(t), Env{
				Inputs: map[string]string{"repository-url": srv.UploadURL()},
				Vars:   vars,
				Files:  demoFiles(),
			})
			if r.Code != tc.wantCode {
				t.Errorf("exit code = %d, want %d", r.Code, tc.wantCode)
			}
			w := annotations(r, "warning")
			if len(w) != 1 || !strings.Contains(w[0], "AT-11") || !strings.Contains(w[0], date) ||
				!strings.Contains(w[0], vars["PYPI_PUBLISH_TUF_URL"]) || !strings.Contains(w[0], tc.wantWarn) {
				t.Errorf("warnings %q, want one AT-11 warning naming the repository, %q and %s", w, tc.wantWarn, date)
			}
			if errs := strings.Join(annotations(r, "error"), "\n"); !strings.Contains(errs, tc.wantErr) {
				t.Errorf("errors %q, want %q", errs, tc.wantErr)
			}
		})
	}
}
