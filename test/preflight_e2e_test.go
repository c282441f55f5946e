package test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// TestPreflight_allProblemsAtOnce: unreadable archives are reported
// together with the problems of every readable file, in one run, and
// nothing is uploaded (issue 13). Without the checks, the unreadable files
// alone stop the run.
func TestPreflight_allProblemsAtOnce(t *testing.T) {
	t.Parallel()
	m := baseMeta("2.4")
	corruptWheel := wheelFile(m)
	corruptWheel.Corrupt = true
	corruptSdist := genFile{Filename: "other_pkg-2.0.tar.gz", Kind: dist.Sdist, Corrupt: true}
	linux := wheelFile(m)
	linux.Filename = "gen_pkg-1.0-cp312-cp312-linux_x86_64.whl"
	zig := wheelFile(m.add("Classifier", "Programming Language :: Cobol :: 99"))
	zig.Filename = "gen_pkg-1.0-cp313-cp313-win_amd64.whl"
	sdist1, sdist2 := sdistFile(m), sdistFile(m.with("Version", "1.0.0"))
	files := writeCase(t, genCase{Files: []genFile{corruptWheel, corruptSdist, linux, zig, sdist1, sdist2}})
	wantErrors := map[string]string{
		corruptWheel.Filename: "Invalid distribution file. File is not a zipfile",
		corruptSdist.Filename: "Invalid distribution file. File is not a tarfile",
		linux.Filename:        "has an unsupported platform tag 'linux_x86_64'",
		zig.Filename:          "'Programming Language :: Cobol :: 99' is not a valid classifier.",
		sdist1.Filename:       "Only one sdist may be uploaded per release.",
	}
	srv := publishtest.New()
	defer srv.Close()
	r := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken},
		Vars:   map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi"},
		Files:  files,
	})
	if r.Code != 1 {
		t.Fatalf("exit code = %d, want 1", r.Code)
	}
	if errs := annotations(r, "error"); len(errs) != 1 {
		t.Errorf("error annotations = %q, want exactly one", errs)
	}
	got := logErrors(r.Stdout)
	for f, want := range wantErrors {
		found := false
		for _, msg := range got[f] {
			found = found || strings.Contains(msg, want)
		}
		if !found {
			t.Errorf("%s: errors %q lack %q", f, got[f], want)
		}
	}
	if len(got[sdist2.Filename]) != 0 {
		t.Errorf("the first sdist of the release has errors %q; DS-08 marks only the later ones", got[sdist2.Filename])
	}
	if n := len(srv.Uploads()); n != 0 {
		t.Errorf("%d uploads reached the index while problems stand", n)
	}

	off := runAction(t, newWorkspace(t), Env{
		Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken, "verify-metadata": "false"},
		Vars:   map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi"},
		Files:  files,
	})
	if off.Code != 1 || !strings.Contains(off.Output(), "2 of 6 distributions could not be read") {
		t.Errorf("verify-metadata: false: exit %d; want 1 and the two unreadable files named", off.Code)
	}
}

// TestPreflight_classifiersFromIndex: for PyPI, the classifier list comes
// from the index before the check (PYPI_PUBLISH_CLASSIFIERS_URL stands in
// for https://pypi.org/pypi?%3Aaction=list_classifiers); when the index
// does not answer, the embedded list is used with a note naming its
// release and date; dry runs never ask (issue 13).
func TestPreflight_classifiersFromIndex(t *testing.T) {
	t.Parallel()
	embedded, err := os.ReadFile(filepath.Join(repoRoot(), "dist", "internal", "trove", "data", "classifiers.txt"))
	if err != nil {
		t.Fatal(err)
	}
	const brandNew = "Framework :: Brand New"
	files := writeCase(t, genCase{Files: []genFile{wheelFile(baseMeta("2.4").add("Classifier", brandNew))}})
	note := "trove-classifiers " + dist.ClassifiersRelease() + " of " + dist.ClassifiersDate()
	cases := []struct {
		name     string
		status   int
		dryRun   bool
		wantExit int
		wantAsks int32
		wantText string
	}{
		{name: "index_list_decides", status: 200, wantExit: 0, wantAsks: 1},
		{name: "index_down_embedded_with_date", status: 503, wantExit: 1, wantAsks: 1, wantText: note},
		{name: "dry_run_never_asks", status: 200, dryRun: true, wantExit: 1, wantAsks: 0, wantText: note},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var asks atomic.Int32
			list := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asks.Add(1)
				if tc.status != 200 {
					http.Error(w, "unavailable", tc.status)
					return
				}
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Write(append(embedded, brandNew+"\n"...))
			}))
			defer list.Close()
			srv := publishtest.New()
			defer srv.Close()
			r := runAction(t, newWorkspace(t), Env{
				Inputs: map[string]string{"repository-url": srv.UploadURL(), "password": testToken, "dry-run": map[bool]string{true: "true", false: "false"}[tc.dryRun]},
				Vars:   map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi", "PYPI_PUBLISH_CLASSIFIERS_URL": list.URL + "/pypi?%3Aaction=list_classifiers"},
				Files:  files,
			})
			if r.Code != tc.wantExit {
				t.Errorf("exit code = %d, want %d", r.Code, tc.wantExit)
			}
			if got := asks.Load(); got != tc.wantAsks {
				t.Errorf("the list was asked for %d times, want %d", got, tc.wantAsks)
			}
			if tc.wantText != "" && !strings.Contains(r.Output(), tc.wantText) {
				t.Errorf("output lacks %q", tc.wantText)
			}
			if tc.wantExit == 1 && !strings.Contains(r.Output(), "'"+brandNew+"' is not a valid classifier.") {
				t.Errorf("output lacks the classifier error")
			}
		})
	}
}
