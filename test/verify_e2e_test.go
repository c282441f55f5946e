package test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// These tests run the binary and read the uploaded files back (issue 15,
// verify-upload): against the fakes with one fault per case, and against
// real indexes' simple APIs (pypiserver, warehouse-oracle).

const pypiViews = "JSON API + simple API: sha256, size"

// verifiedFiles decodes the verified-files output.
func verifiedFiles(t *testing.T, r *Run) []string {
	t.Helper()
	out := []string{}
	if err := json.Unmarshal([]byte(r.Outputs["verified-files"]), &out); err != nil {
		t.Fatalf("verified-files output %q: %v", r.Outputs["verified-files"], err)
	}
	return out
}

// checkVerifyRun checks a run's exit code, log, summary and verified-files.
func checkVerifyRun(t *testing.T, r *Run, code int, log, summary, verified []string) {
	t.Helper()
	if r.Code != code {
		t.Errorf("exit code = %d, want %d", r.Code, code)
	}
	for _, w := range log {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("log lacks %q", w)
		}
	}
	for _, w := range summary {
		if !strings.Contains(r.Summary, w) {
			t.Errorf("summary lacks %q", w)
		}
	}
	if diff := cmp.Diff(verified, verifiedFiles(t, r)); diff != "" {
		t.Errorf("verified-files mismatch (-want +got):\n%s", diff)
	}
}

// TestVerify_pypi publishes to a PyPI-rules fake with an API token and
// reads the files back from its JSON and simple APIs.
func TestVerify_pypi(t *testing.T) {
	t.Parallel()
	other := strings.Repeat("ab", 32)
	both := []string{demoWheel, demoSdist}
	cases := []struct {
		name     string
		fault    func(*publishtest.Server)
		code     int
		log      []string
		summary  []string
		verified []string
	}{
		{name: "verified", verified: both,
			log:     []string{"::group::Verifying what PyPI serves", demoWheel + ": " + pypiViews, demoSdist + ": " + pypiViews},
			summary: []string{"| Verified |", "| uploaded |  | " + pypiViews + " |"}},
		{name: "missing_file_warns", fault: func(s *publishtest.Server) { s.ScriptView(demoSdist, publishtest.ViewFault{Hide: true}) },
			verified: []string{demoWheel},
			log:      []string{"::warning title=Not visible yet (VE-02)::1 uploaded file(s) not confirmed after waiting 500ms: " + demoSdist},
			summary:  []string{"JSON API: not listed after 500ms; simple API: not listed after 500ms"}},
		{name: "other_hash_fails", fault: func(s *publishtest.Server) { s.ScriptView(demoWheel, publishtest.ViewFault{SHA256: other}) },
			code: 1, verified: []string{demoSdist},
			log: []string{"::error title=Verification failed (VE-03)::The index does not serve what was uploaded.%0A" + demoWheel +
				": the index serves other contents than were uploaded: the JSON API (", "lists sha256 " + other + " where the uploaded file has "},
			summary: []string{"## pypi-publish: Published to PyPI, but it does not serve what was uploaded", "JSON API: ✗ other contents"}},
		{name: "yanked_meanwhile_warns", fault: func(s *publishtest.Server) {
			s.ScriptView(demoWheel, publishtest.ViewFault{Yanked: true, YankedReason: "pulled by a co-maintainer"})
		}, verified: []string{demoSdist},
			log: []string{"::warning title=Yanked on the index (VE-08)::1 uploaded file(s) are served as uploaded but yanked: " + demoWheel,
				`marks it yanked with the reason "pulled by a co-maintainer"`},
			summary: []string{pypiViews + "; yanked on the index |"}},
		{name: "stale_cache_catches_up", fault: func(s *publishtest.Server) { s.Stale(4) }, verified: both,
			log: []string{"round 1: 2 of 2 files not confirmed yet; asking again in", demoWheel + ": " + pypiViews}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := publishtest.New()
			t.Cleanup(srv.Close)
			if tc.fault != nil {
				tc.fault(srv)
			}
			r := runAction(t, newWorkspace(t), Env{
				Inputs: map[string]string{"repository-url": srv.UploadURL(), "index-url": srv.SimpleURL(), "password": testToken},
				Vars: map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi", "PYPI_PUBLISH_API_URL": srv.URL() + "/",
					"PYPI_PUBLISH_VERIFY_WAIT": "500ms"},
				Files: demoFiles(),
			})
			checkVerifyRun(t, r, tc.code, tc.log, tc.summary, tc.verified)
			if tc.name == "verified" && strings.Count(r.Stdout, "(VE-0") != 0 {
				t.Errorf("a clean run printed a VE warning")
			}
		})
	}
}

// TestVerify_provenance publishes with trusted publishing and
// attestations (fake Fulcio and Rekor), then checks PyPI's Integrity API:
// our attestation, a missing one, one under another publisher.
func TestVerify_provenance(t *testing.T) {
	t.Parallel()
	sf := newSigstoreFakes(t)
	cases := []struct {
		name     string
		fault    publishtest.ProvenanceFault
		code     int
		log      []string
		verified []string
	}{
		{name: "carries_ours", verified: []string{demoWheel, demoSdist},
			log: []string{demoWheel + ": " + pypiViews + "; provenance ✓", demoSdist + ": " + pypiViews + "; provenance ✓"}},
		{name: "missing", fault: publishtest.ProvenanceMissing, code: 1, verified: []string{demoWheel},
			log: []string{"::error title=Verification failed (VE-04)::", demoSdist + ": uploaded with 1 attestation(s), but the Integrity API ("}},
		{name: "foreign", fault: publishtest.ProvenanceForeignPublisher, code: 1, verified: []string{demoWheel},
			log: []string{"::error title=Verification failed (VE-05)::", "but under the publisher GitHub mallory/other, workflow evil.yml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := trustedIndex(t, sf)
			srv.ScriptView(demoSdist, publishtest.ViewFault{Provenance: tc.fault})
			vars := tpVars(oidctest.NewGitHub(t), sf, "pypi")
			vars["PYPI_PUBLISH_API_URL"] = srv.URL() + "/"
			vars["PYPI_PUBLISH_VERIFY_WAIT"] = "500ms"
			r := runAction(t, newWorkspace(t), Env{
				Inputs: map[string]string{"repository-url": srv.UploadURL(), "index-url": srv.SimpleURL()},
				Vars:   vars, Files: demoFiles(),
			})
			checkVerifyRun(t, r, tc.code, tc.log, nil, tc.verified)
			integrity := 0
			for _, rd := range srv.Reads() {
				if strings.HasPrefix(rd.Path, "/integrity/") {
					integrity++
				}
			}
			if integrity == 0 {
				t.Error("the Integrity API was never asked")
			}
		})
	}
}

// TestVerify_thirdPartyFake reads the files back from a pypiserver-like
// fake's simple API (index-url), sizes included (PEP 691 JSON).
func TestVerify_thirdPartyFake(t *testing.T) {
	t.Parallel()
	srv := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	t.Cleanup(srv.Close)
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "index-url": srv.SimpleURL(), "user": "u", "password": "p4ssw0rd", "attestations": "false"},
		Files:  demoFiles(),
	})
	checkVerifyRun(t, r, 0, []string{"::group::Verifying what third-party index serves", demoWheel + ": simple API: sha256, size"},
		[]string{"| simple API: sha256, size |"}, []string{demoWheel, demoSdist})
}

// startPypiserver starts a real pypiserver of this test's own, whose
// user has a password of its own.
func startPypiserver(t *testing.T) *indexServer {
	t.Helper()
	srv := ownIndexServer(t, "pypiserver")
	// The tool's password is "password", a word the log uses: the secret
	// check would see it everywhere. pypiserver rereads its htpasswd file
	// when it changes, so give the user a password of its own.
	srv.Password = "pypiserver-e2e-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if out, err := exec.Command(testtool.DebianPython, filepath.Join(srv.tool, "lib", "helper.py"), "htpasswd",
		filepath.Join(srv.dir, "htpasswd"), srv.User, srv.Password).CombinedOutput(); err != nil {
		t.Fatalf("helper.py htpasswd: %v\n%s", err, out)
	}
	return srv
}

// TestVerify_pypiserver publishes to the real pypiserver and reads the
// files back from its PEP 503 HTML simple API (digests, no sizes), with the
// upload credentials (same host).
func TestVerify_pypiserver(t *testing.T) {
	t.Parallel()
	ps := startPypiserver(t)
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": ps.URL, "index-url": ps.Simple, "user": ps.User,
			"password": ps.Password, "attestations": "false"},
		Files: demoFiles(),
	})
	checkVerifyRun(t, r, 0, []string{demoWheel + ": simple API: sha256", demoSdist + ": simple API: sha256"},
		[]string{"| simple API: sha256 |"}, []string{demoWheel, demoSdist})
}

// TestVerify_warehouseOracle publishes to warehouse-oracle (PyPI's upload
// view) and reads the files back from its PEP 691 simple API, sizes
// included. Its host is not PyPI's, so no JSON or Integrity API is asked.
func TestVerify_warehouseOracle(t *testing.T) {
	t.Parallel()
	base, _ := startOracle(t)
	r := oracleRun(t, base, demoFiles(), true, nil)
	checkVerifyRun(t, r, 0, []string{"::group::Verifying what PyPI serves", demoWheel + ": simple API: sha256, size"},
		[]string{"| simple API: sha256, size |"}, []string{demoWheel, demoSdist})
}
