package dist

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckCorpus runs the preflight on real distributions built by
// Debian's build backends (DIST_CORPUS, made by
// ../.ci/build-corpus.sh DIR; skipped when unset).
//
// Expected (PyPI wants every file name's project part normalized, compared
// case-sensitively; Debian's older backends keep the project's spelling):
// for a third-party index no file has an error; for PyPI exactly the files
// whose name part is not the normalized project name are rejected, with
// PyPI's reason (VA-05 for wheels, VA-03 for sdists). Also:
// hatchling 1.12 writes License-Expression under Metadata-Version
// 2.1-2.3, which PyPI would reject; the uploader leaves it out of the form
// (FormMetadata, LeftTooNew), so those files only get a warning.
func TestCheckCorpus(t *testing.T) {
	root, manifest := loadCorpus(t)
	t.Parallel()
	var dists []*Distribution
	want := map[string][]string{} // file -> "ID rule" of expected PyPI errors
	for _, e := range manifest.Files {
		kind := Wheel
		if e.Kind == "sdist" {
			kind = Sdist
		}
		d, err := Read(File{Path: filepath.Join(root, "dists", e.Filename), Filename: e.Filename, Kind: kind})
		if err != nil {
			t.Fatalf("Read(%s) failed: %v", e.Filename, err)
		}
		dists = append(dists, d)
		raw, _, _ := strings.Cut(e.Filename, "-")
		normalized := strings.ReplaceAll(NormalizeName(e.Name), "-", "_")
		if raw != normalized {
			if kind == Wheel {
				want[e.Filename] = append(want[e.Filename], "VA-05 wheel-name-normalized")
			} else {
				want[e.Filename] = append(want[e.Filename], "VA-03 sdist-name-pep625")
			}
		}
		// hatchling 1.12 writes License-Expression under 2.1-2.3: the
		// uploader leaves it out (LeftTooNew), so PyPI accepts
		// those files and the preflight only warns, as the tools README
		// expects ("exactly the files whose names are not normalized").
	}

	for _, p := range Check(dists, TargetOther) {
		if p.Severity == SeverityError {
			t.Errorf("TargetOther: unexpected error for %s: %s %s: %s", p.File, p.ID, p.Rule, p.Message)
		}
	}

	ps := Check(dists, TargetPyPI)
	got := map[string][]string{}
	for _, p := range ps {
		if p.Severity == SeverityError {
			got[p.File] = append(got[p.File], p.ID+" "+p.Rule)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TargetPyPI errors mismatch (-want +got):\n%s\n%s", diff, FormatProblems(ps))
	}
	files := make([]string, 0, len(got))
	for f := range got {
		files = append(files, f)
	}
	sort.Strings(files)
	t.Logf("%d files; PyPI would reject %d: %s", len(dists), len(files), strings.Join(files, ", "))
	t.Logf("\n%s", FormatProblems(ps))
}
