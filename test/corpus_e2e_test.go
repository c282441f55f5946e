package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// corpusFiles returns the real distributions built by Debian's build
// backends (.ci/build-corpus.sh, run by `make corpus`), or skips.
func corpusFiles(t *testing.T) (dir string, names []string, manifest []map[string]any) {
	t.Helper()
	root := os.Getenv("DIST_CORPUS")
	if root == "" {
		testtool.Missing(t, "DIST_CORPUS is not set; `make corpus` builds the corpus of real distributions")
	}
	b, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if err != nil {
		testtool.Missing(t, "no corpus at %s: %v", root, err)
	}
	var m struct {
		Files []map[string]any `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		names = append(names, f["filename"].(string))
	}
	sort.Strings(names)
	return filepath.Join(root, "dists"), names, m.Files
}

// TestCorpus_thirdParty publishes every real distribution to a third-party
// index: everything must pass the checks and arrive intact (issue 2 item 11,
// issue 4 "the real-distribution corpus passes clean").
func TestCorpus_thirdParty(t *testing.T) {
	t.Parallel()
	dir, names, _ := corpusFiles(t)
	srv := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	defer srv.Close()
	files := map[string]string{}
	for _, n := range names {
		files["dist/"+n] = filepath.Join(dir, n)
	}
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken},
		Files:  files,
	})
	if r.Code != 0 {
		t.Fatalf("exit code = %d, want 0; errors: %q", r.Code, annotations(r, "error"))
	}
	if diff := cmp.Diff(names, heldFiles(srv)); diff != "" {
		t.Errorf("index files mismatch (-want +got):\n%s", diff)
	}
	for _, f := range srv.Uploads() {
		if v, _ := f.Value("sha256_digest"); v != f.SHA256 {
			t.Errorf("%s: sha256_digest %s, received bytes hash to %s", f.Filename, v, f.SHA256)
		}
	}
}

// TestCorpus_pypiRejectsOnlyUnnormalizedNames: against PyPI exactly the
// files whose names PyPI would refuse are reported, before any upload.
func TestCorpus_pypiRejectsOnlyUnnormalizedNames(t *testing.T) {
	t.Parallel()
	dir, names, manifest := corpusFiles(t)
	srv := publishtest.New()
	defer srv.Close()
	files := map[string]string{}
	for _, n := range names {
		files["dist/"+n] = filepath.Join(dir, n)
	}
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken},
		Vars:   map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi"},
		Files:  files,
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("index got %d uploads, want none while any error stands", n)
	}
	// A file name's project part must be the normalized name with "_".
	var want []string
	for _, f := range manifest {
		name := f["filename"].(string)
		norm := strings.ReplaceAll(dist.NormalizeName(f["name"].(string)), "-", "_")
		if !strings.HasPrefix(name, norm+"-") {
			want = append(want, name)
		}
	}
	sort.Strings(want)
	got := filesWithErrors(r.Stdout)
	if len(want) == 0 {
		t.Fatal("the corpus has no unnormalized names; the test would prove nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files with errors mismatch (-want +got):\n%s", diff)
	}
}

// filesWithErrors reads the problem table of the log: a file name on its
// own line (indented once by the log), then its problems, indented further.
func filesWithErrors(log string) []string {
	var out []string
	seen := map[string]bool{}
	cur := ""
	for _, line := range strings.Split(log, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasSuffix(trimmed, ".whl") || strings.HasSuffix(trimmed, ".tar.gz") || strings.HasSuffix(trimmed, ".zip"):
			if !strings.Contains(trimmed, " ") {
				cur = trimmed
			}
		case strings.HasPrefix(trimmed, "error ") && cur != "" && !seen[cur]:
			seen[cur] = true
			out = append(out, cur)
		}
	}
	sort.Strings(out)
	return out
}
