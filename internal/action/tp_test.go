package action_test

import (
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

// TestRun_trustedPublishing runs trusted publishing in-process against the
// fake GitHub token service and the fake index's mint endpoint.
func TestRun_trustedPublishing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		kind      string
		inputs    map[string]string
		vars      map[string]string
		ghOpts    []oidctest.GitHubOption
		idxOpts   []oidctest.IndexOption
		wantID    string
		statuses  []string
		log       []string
		noLog     []string
		summary   []string
		outputs   map[string]string
		wantBurns bool
	}{
		{
			name: "pypi_token_minted_and_burned", kind: "pypi",
			inputs:   map[string]string{"attestations": "false"},
			statuses: up2, wantBurns: true,
			summary: []string{"| Authentication | trusted publishing |", "| Attestations | off (attestations: false) |"},
			outputs: map[string]string{"trusted-publishing": "true"},
		},
		{
			name: "no_publisher", kind: "pypi",
			inputs:  map[string]string{"attestations": "false"},
			idxOpts: []oidctest.IndexOption{},
			wantID:  "TP-10",
			log:     []string{"::error title=Trusted publishing failed (TP-10)::", "Details are in the step summary."},
			summary: []string{"## pypi-publish: Publishing to PyPI failed"},
			outputs: map[string]string{"trusted-publishing": "false"},
		},
		{
			name: "no_id_token_permission", kind: "pypi",
			vars:   map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""},
			wantID: "TP-01",
		},
		{
			name: "not_github_actions", kind: "other",
			vars:   map[string]string{"GITHUB_ACTIONS": ""},
			wantID: "TP-17",
		},
		{
			name: "pull_request_payload_unreadable", kind: "other",
			inputs:   map[string]string{"attestations": "false"},
			vars:     map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "/nonexistent/event.json"},
			statuses: up2, wantBurns: true,
			log: []string{"::debug::could not read the event payload:"},
		},
		{
			// Nobody asked for attestations: the default earns no notice
			// on an index that never takes them (only the summary says it).
			name: "third_party_index_skips_attestations", kind: "other",
			statuses: up2, wantBurns: true,
			log:     []string{"::debug::attestations are skipped: only PyPI and TestPyPI accept PEP 740 attestations"},
			noLog:   []string{"::notice::Attestations are skipped"},
			summary: []string{"| Attestations | skipped: only PyPI and TestPyPI"},
		},
		{
			name: "third_party_index_skips_attestations_asked_for", kind: "other",
			inputs:   map[string]string{"attestations": "true"},
			statuses: up2, wantBurns: true,
			log:     []string{"::notice::Attestations are skipped: only PyPI and TestPyPI accept PEP 740 attestations"},
			summary: []string{"| Attestations | skipped: only PyPI and TestPyPI"},
		},
		{
			name: "reusable_workflow", kind: "pypi",
			ghOpts:   []oidctest.GitHubOption{oidctest.WithClaims(map[string]any{"job_workflow_ref": "octo-org/octo-repo/.github/workflows/publish.yml@refs/tags/v1.0.0"})},
			idxOpts:  []oidctest.IndexOption{oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "publish.yml", Environment: "pypi"})},
			statuses: up2, wantBurns: true,
			log:     []string{"::warning title=Reusable workflow (TP-05)::", "::notice::Attestations are skipped: in a reusable workflow"},
			summary: []string{"### Reusable workflow", "| Attestations | skipped: reusable workflow (PyPI would reject the attestations) |"},
		},
		{
			name: "trusted_root_unreadable", kind: "pypi",
			vars:   map[string]string{"PYPI_PUBLISH_TRUSTED_ROOT": "/nonexistent/root.json"},
			wantID: "-", wantBurns: true,
			log: []string{"::error title=Attestations failed::failed to read the trusted root"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newTPFakes(t, tc.ghOpts, tc.idxOpts)
			inputs := map[string]string{"repository-url": f.srv.UploadURL()}
			for k, v := range tc.inputs {
				inputs[k] = v
			}
			vars := f.vars(tc.kind)
			for k, v := range tc.vars {
				vars[k] = v
			}
			r := runAction(t, setup{inputs: inputs, vars: vars, files: demoFiles(), secrets: append(f.gh.Issued(), f.gh.RequestToken())})
			checkResult(t, r, tc.wantID, tc.statuses, tc.log, tc.noLog, tc.summary, tc.outputs)
			checkSecrets(t, r, append(append(f.gh.Issued(), f.gh.RequestToken()), f.idx.Tokens()...))
			for _, tok := range f.idx.Tokens() {
				if !strings.Contains(r.log, "::add-mask::"+tok) {
					t.Errorf("minted token %.9s… was never masked", tok)
				}
			}
			if got := f.idx.Burns() > 0; got != tc.wantBurns {
				t.Errorf("burned = %v, want %v", got, tc.wantBurns)
			}
		})
	}
}

// TestRun_attestations signs both distributions against the fake Sigstore,
// then, in a second run in the same workspace (TestPyPI then PyPI),
// reuses the attestation files (AT-03).
func TestRun_attestations(t *testing.T) {
	t.Parallel()
	sf := newSigstore(t)
	ws := t.TempDir()
	want := []string{"dist/" + wheel + ".publish.attestation", "dist/" + sdist + ".publish.attestation"}
	for i, kind := range []string{"testpypi", "pypi"} {
		f := newTPFakes(t, nil, nil, publishtest.WithAttestationVerifier(
			attesttest.Verifier(sf.Root, attest.Identity{Repository: "octo-org/octo-repo", Workflow: "release.yml"})))
		s := setup{ws: ws, inputs: map[string]string{"repository-url": f.srv.UploadURL()}, vars: sigstoreVars(sf, f.vars(kind))}
		if i == 0 {
			s.files = demoFiles()
		}
		r := runAction(t, s)
		wantLog := "::notice::Generated attestations for 2 distributions."
		if i == 1 {
			wantLog = "::notice::Reused the existing attestation files of " + wheel + ", " + sdist
		}
		checkResult(t, r, "", up2, []string{wantLog}, nil, []string{"| `" + wheel + "` |"}, nil)
		got := outputList(t, r, "attestation-files")
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run %d: attestation-files mismatch (-want +got):\n%s", i+1, diff)
		}
		for _, u := range f.srv.Uploads() {
			onDisk, err := os.ReadFile(filepath.Join(ws, "dist", u.Filename+".publish.attestation"))
			if err != nil {
				t.Fatal(err)
			}
			if u.Attestations != "["+string(onDisk)+"]" {
				t.Errorf("run %d: attestations field of %s is not [<the file>]", i+1, u.Filename)
			}
		}
	}
	if got := sf.Rekor.Entries(); got != 2 {
		t.Errorf("%d log entries, want 2 (made once, then reused)", got)
	}
}
