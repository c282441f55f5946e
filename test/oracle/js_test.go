package oracle

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// jsVerify is Oracle C: @sigstore/verify 4.1.3 run by node on the bundle.
// It skips the test when node or js/node_modules is missing; install with
// `npm ci --prefix test/oracle/js`.
func jsVerify(t *testing.T, att, rootJSON []byte, sha256hex, repo, workflowRef string) error {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		testtool.Missing(t, "node is not installed")
	}
	if _, err := os.Stat(filepath.Join("js", "node_modules", "@sigstore", "verify")); err != nil {
		testtool.Missing(t, "js/node_modules is missing: run npm ci --prefix test/oracle/js")
	}
	dir := t.TempDir()
	b, err := attest.ToBundle(att)
	if err != nil {
		return err
	}
	bundlePath := filepath.Join(dir, "bundle.json")
	rootPath := filepath.Join(dir, "trusted_root.json")
	if err := os.WriteFile(bundlePath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rootPath, rootJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	san := "^" + regexp.QuoteMeta("https://github.com/"+repo+"/.github/workflows/") + ".+@.+$"
	cmd := exec.Command(node, filepath.Join("js", "verify.js"), bundlePath, rootPath, sha256hex, san,
		"https://github.com/"+repo, "https://github.com/"+workflowRef)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return &jsError{msg: stderr.String()}
	}
	if string(bytes.TrimSpace(out)) != "ok" {
		return &jsError{msg: "unexpected output: " + string(out)}
	}
	return nil
}

type jsError struct{ msg string }

func (e *jsError) Error() string { return e.msg }

func TestJS_accepts_our_attestation(t *testing.T) {
	t.Parallel()
	env, att := signed(t)
	if err := jsVerify(t, att, env.RootJSON, wheelSHA, env.Identity.Repository, env.Identity.WorkflowRef); err != nil {
		t.Errorf("@sigstore/verify: %v, want ok", err)
	}
}

func TestJS_accepts_production_fixture(t *testing.T) {
	t.Parallel()
	att := testdata(t, prodFile+".publish.attestation")
	rootJSON := testdataRoot(t)
	if err := jsVerify(t, att, rootJSON, prodSHA256, prodRepo, prodRef); err != nil {
		t.Errorf("@sigstore/verify: %v, want ok", err)
	}
	if err := jsVerify(t, att, rootJSON, prodSHA256, "someone/else", "someone/else/.github/workflows/release.yml@refs/tags/v0.0.19"); err == nil {
		t.Error("@sigstore/verify(other repository) = ok, want an error")
	}
	spt3g := testdata(t, spt3gFile+".publish.attestation")
	if err := jsVerify(t, spt3g, rootJSON, spt3gSHA, "CMB-S4/spt3g_software", "CMB-S4/spt3g_software/.github/workflows/release.yml@refs/tags/v1.0"); err == nil {
		t.Error("@sigstore/verify(spt3g) = ok, want an error")
	} else {
		t.Logf("spt3g rejected: %v", err)
	}
}

func TestJS_rejects_tampered(t *testing.T) {
	t.Parallel()
	env, att := signed(t)
	for _, tc := range tamperCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			digest, repo := wheelSHA, env.Identity.Repository
			if tc.digest != "" {
				digest = tc.digest
			}
			if tc.repo != "" {
				repo = tc.repo
			}
			err := jsVerify(t, tc.att(t, att), env.RootJSON, digest, repo, env.Identity.WorkflowRef)
			if err == nil {
				t.Error("@sigstore/verify = ok, want an error")
			} else {
				t.Logf("rejected: %v", err)
			}
		})
	}
}
