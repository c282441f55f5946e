package action_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// verifyVars points the verify step's JSON and Integrity API reads at srv.
func verifyVars(srv *publishtest.Server, m map[string]string) map[string]string {
	m["PYPI_PUBLISH_API_URL"] = srv.URL() + "/"
	m["PYPI_PUBLISH_VERIFY_WAIT"] = "300ms"
	return m
}

const (
	pypiViews = "JSON API + simple API: sha256, size"
	other     = "abababababababababababababababababababababababababababababababab"
)

// TestRun_verify runs whole publishes in-process and reads the files back
// (issue 15): one view fault per case, what the run returns, logs, says in
// the summary and in verified-files.
func TestRun_verify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		inputs   map[string]string
		mode     publishtest.Mode
		noHooks  bool // leave the JSON API hook unset
		fault    func(srv *publishtest.Server)
		wantID   string
		statuses []string
		log      []string
		noLog    []string
		summary  []string
		verified string // the verified-files output
		reads    bool   // the verify step made requests
	}{
		{name: "pypi_verified", statuses: up2, reads: true,
			log: []string{"::group::Verifying what PyPI serves", wheel + ": " + pypiViews, sdist + ": " + pypiViews},
			summary: []string{"| File | Version | Size | SHA-256 | Status | Attestation | Verified | Link |",
				"| uploaded |  | " + pypiViews + " | [release]"},
			noLog:    []string{"(VE-0"},
			verified: `["` + wheel + `","` + sdist + `"]`},
		{name: "missing_file_is_a_warning", statuses: up2, reads: true,
			fault: func(srv *publishtest.Server) { srv.ScriptView(sdist, publishtest.ViewFault{Hide: true}) },
			log: []string{"::warning title=Not visible yet (VE-02)::1 uploaded file(s) not confirmed after waiting 300ms: " + sdist +
				": not listed yet by the JSON API (http://", "round 1: 1 of 2 files not confirmed yet"},
			summary:  []string{"JSON API: not listed after 300ms; simple API: not listed after 300ms"},
			verified: `["` + wheel + `"]`},
		{name: "other_hash_fails", wantID: "VE-03", statuses: up2, reads: true,
			fault: func(srv *publishtest.Server) { srv.ScriptView(wheel, publishtest.ViewFault{SHA256: other}) },
			log: []string{"::error title=Verification failed (VE-03)::The index does not serve what was uploaded.%0A" + wheel +
				": the index serves other contents than were uploaded: the JSON API (http://", "lists sha256 " + other + " where the uploaded file has "},
			summary:  []string{"## pypi-publish: Published to PyPI, but it does not serve what was uploaded", "JSON API: ✗ other contents; simple API: ✗ other contents"},
			verified: `["` + sdist + `"]`},
		{name: "yanked_meanwhile_is_a_warning", statuses: up2, reads: true,
			fault: func(srv *publishtest.Server) {
				srv.ScriptView(sdist, publishtest.ViewFault{Yanked: true, YankedReason: "wrong build\n::stop-commands::x"})
			},
			log: []string{"::warning title=Yanked on the index (VE-08)::1 uploaded file(s) are served as uploaded but yanked: " + sdist +
				": served as uploaded, but yanked: the JSON API (http://", `marks it yanked with the reason "wrong build\n::stop-commands::x"`},
			noLog:    []string{"\n::stop-commands::"},
			summary:  []string{pypiViews + "; yanked on the index |"},
			verified: `["` + wheel + `"]`},
		{name: "stale_cache_catches_up", statuses: up2, reads: true,
			inputs: map[string]string{"index-url": ""}, // set below
			fault:  func(srv *publishtest.Server) { srv.Stale(4) },
			log:    []string{"round 1: 2 of 2 files not confirmed yet; asking again in", wheel + ": " + pypiViews},
			noLog:  []string{"(VE-0"}, verified: `["` + wheel + `","` + sdist + `"]`},
		{name: "verify_upload_off", statuses: up2, inputs: map[string]string{"verify-upload": "false"},
			log: []string{"::debug::verify-upload is off"}, noLog: []string{"Verifying what"},
			summary: []string{"| File | Version | Size | SHA-256 | Status | Attestation | Link |"}, verified: "[]"},
		{name: "dry_run_reads_nothing", inputs: map[string]string{"dry-run": "true"}, statuses: none2,
			noLog: []string{"Verifying what"}, verified: "[]"},
		{name: "third_party_simple_api", mode: publishtest.ThirdParty, statuses: up2, reads: true,
			log:      []string{"::group::Verifying what third-party index serves", wheel + ": simple API: sha256, size"},
			verified: `["` + wheel + `","` + sdist + `"]`},
		{name: "third_party_without_index_url", mode: publishtest.ThirdParty, noHooks: true, statuses: up2,
			inputs:   map[string]string{"index-url": "-"},
			log:      []string{"The uploaded files are not read back: where this index serves its simple API is not known; set index-url"},
			summary:  []string{"| not checked: no simple API known (set index-url) |"},
			verified: "[]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tokenIndex(t, publishtest.WithMode(tc.mode))
			if tc.fault != nil {
				tc.fault(srv)
			}
			inputs := with(tokenInputs(srv), "index-url", srv.SimpleURL())
			for k, v := range tc.inputs {
				if v != "" {
					inputs[k] = v
				}
			}
			if inputs["index-url"] == "-" {
				delete(inputs, "index-url")
			}
			kind := "pypi"
			if tc.mode == publishtest.ThirdParty {
				kind = "other"
			}
			vars := ghVars(kind)
			if !tc.noHooks {
				vars = verifyVars(srv, vars)
			}
			r := runAction(t, setup{inputs: inputs, vars: vars, files: demoFiles(), secrets: []string{testToken}})
			checkResult(t, r, tc.wantID, tc.statuses, tc.log, tc.noLog, tc.summary, map[string]string{"verified-files": tc.verified})
			checkVerifyReads(t, srv, tc.reads)
		})
	}
}

// checkVerifyReads checks that the verify step's requests (the ones after
// the last upload) carry Cache-Control: no-cache, and that there are some
// exactly when want says so.
func checkVerifyReads(t *testing.T, srv *publishtest.Server, want bool) {
	t.Helper()
	n := 0
	for _, r := range srv.Reads() {
		if r.Header.Get("Cache-Control") != "no-cache" {
			continue // the existing-file check before the upload
		}
		n++
		if r.Header.Get("User-Agent") != "pypi-publish/test" {
			t.Errorf("GET %s with User-Agent %q", r.Path, r.Header.Get("User-Agent"))
		}
	}
	if got := n > 0; got != want {
		t.Errorf("verify requests with Cache-Control: no-cache: %d, want some = %v", n, want)
	}
}

// TestRun_verifyProvenance publishes with trusted publishing and
// attestations, then checks the provenance PyPI's Integrity API serves:
// one provenance fault per case.
func TestRun_verifyProvenance(t *testing.T) {
	t.Parallel()
	sf := newSigstore(t)
	cases := []struct {
		name     string
		fault    publishtest.ProvenanceFault
		wantID   string
		log      []string
		summary  []string
		verified string
	}{
		{name: "carries_our_attestation", log: []string{wheel + ": " + pypiViews + "; provenance ✓"},
			summary: []string{"| generated | " + pypiViews + "; provenance ✓ |"}, verified: `["` + wheel + `","` + sdist + `"]`},
		{name: "extra_bundle_still_contains_ours", fault: publishtest.ProvenanceExtra, log: []string{wheel + ": " + pypiViews + "; provenance ✓"},
			verified: `["` + wheel + `","` + sdist + `"]`},
		{name: "missing", fault: publishtest.ProvenanceMissing, wantID: "VE-04",
			log:     []string{"::error title=Verification failed (VE-04)::", wheel + ": uploaded with 1 attestation(s), but the Integrity API (http://"},
			summary: []string{"| generated | " + pypiViews + "; provenance ✗ missing |"}, verified: `["` + sdist + `"]`},
		{name: "foreign_publisher", fault: publishtest.ProvenanceForeignPublisher, wantID: "VE-05",
			log:     []string{"::error title=Verification failed (VE-05)::", "carries the uploaded attestation, but under the publisher GitHub mallory/other, workflow evil.yml"},
			summary: []string{"provenance ✗ another publisher"}, verified: `["` + sdist + `"]`},
		{name: "other_attestation", fault: publishtest.ProvenanceOther, wantID: "VE-05",
			log:     []string{"does not carry the uploaded attestation (statement sha256 "},
			summary: []string{"provenance ✗ not the uploaded attestation"}, verified: `["` + sdist + `"]`},
		{name: "attestations_switched_off", fault: publishtest.ProvenanceDisabled,
			log:     []string{"::warning title=Not verified (VE-06)::1 uploaded file(s) could not be checked: " + wheel + ": provenance not verified: the index has attestations switched off (403 from http://"},
			summary: []string{"provenance: not checked (attestations off on the index)"}, verified: `["` + sdist + `"]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newTPFakes(t, nil, nil, publishtest.WithAttestationVerifier(
				attesttest.Verifier(sf.Root, attest.Identity{Repository: "octo-org/octo-repo", Workflow: "release.yml"})))
			f.srv.ScriptView(wheel, publishtest.ViewFault{Provenance: tc.fault})
			s := setup{inputs: map[string]string{"repository-url": f.srv.UploadURL(), "index-url": f.srv.SimpleURL()},
				vars: verifyVars(f.srv, sigstoreVars(sf, f.vars("pypi"))), files: demoFiles(), ws: t.TempDir()}
			r := runAction(t, s)
			checkResult(t, r, tc.wantID, up2, tc.log, nil, tc.summary, map[string]string{"verified-files": tc.verified})
			for _, rd := range f.srv.Reads() {
				if strings.HasPrefix(rd.Path, "/integrity/") && rd.Header.Get("Cache-Control") != "no-cache" {
					t.Errorf("GET %s without Cache-Control: no-cache", rd.Path)
				}
			}
		})
	}
}

// TestRun_verifyPublisherCase: PyPI keeps the repository in the case the
// user typed; the provenance check ignores case, as minting does.
func TestRun_verifyPublisherCase(t *testing.T) {
	t.Parallel()
	sf := newSigstore(t)
	f := newTPFakes(t, nil, nil,
		publishtest.WithAttestationVerifier(attesttest.Verifier(sf.Root, attest.Identity{Repository: "octo-org/octo-repo", Workflow: "release.yml"})),
		publishtest.WithPublisher(publishtest.Publisher{Kind: "GitHub", Repository: "Octo-Org/Octo-Repo", Workflow: "release.yml", Environment: "pypi"}))
	s := setup{inputs: map[string]string{"repository-url": f.srv.UploadURL(), "index-url": f.srv.SimpleURL()},
		vars: verifyVars(f.srv, sigstoreVars(sf, f.vars("testpypi"))), files: demoFiles(), ws: filepath.Join(t.TempDir())}
	r := runAction(t, s)
	checkResult(t, r, "", up2, []string{"::group::Verifying what TestPyPI serves", sdist + ": " + pypiViews + "; provenance ✓"}, nil, nil,
		map[string]string{"verified-files": `["` + wheel + `","` + sdist + `"]`})
}
