package dist

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// corpusEntry is one file of the manifest written by
// .ci/build-corpus.sh (see the comment at its top).
type corpusEntry struct {
	Filename               string   `json:"filename"`
	SHA256                 string   `json:"sha256"`
	Size                   int64    `json:"size"`
	Kind                   string   `json:"kind"`
	Origin                 string   `json:"origin"`
	MetadataPath           string   `json:"metadata_path"`
	MetadataVersion        string   `json:"metadata_version"`
	Name                   string   `json:"name"`
	Version                string   `json:"version"`
	Summary                *string  `json:"summary"`
	DescriptionContentType *string  `json:"description_content_type"`
	RequiresPython         *string  `json:"requires_python"`
	RequiresDist           []string `json:"requires_dist"`
	ProvidesExtra          []string `json:"provides_extra"`
}

// corpusManifest is the manifest.json that build-corpus.sh writes.
type corpusManifest struct {
	Files []corpusEntry `json:"files"`
}

// loadCorpus returns the corpus directory named by DIST_CORPUS (built by
// .ci/build-corpus.sh, `make corpus`) and its manifest, or skips the test.
func loadCorpus(t *testing.T) (string, corpusManifest) {
	t.Helper()
	root := os.Getenv("DIST_CORPUS")
	if root == "" {
		testtool.Missing(t, "DIST_CORPUS is not set; build a corpus with .ci/build-corpus.sh DIR (make corpus)")
	}
	var manifest corpusManifest
	b, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatalf("failed to decode manifest.json: %v", err)
	}
	return root, manifest
}

// TestCorpus reads real distributions built by Debian's build backends. It
// runs when DIST_CORPUS names a directory made by
// ".ci/build-corpus.sh DIR" and is skipped otherwise.
func TestCorpus(t *testing.T) {
	root, manifest := loadCorpus(t)
	t.Parallel()
	if len(manifest.Files) == 0 {
		t.Fatal("manifest.json lists no files")
	}
	found, err := Find([]string{"dists"}, root)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]File{}
	for _, f := range found.Files {
		byName[f.Filename] = f
	}
	if len(found.Files) != len(manifest.Files) || len(found.Unrelated) != 0 {
		t.Errorf("Find() found %d files and %d unrelated, want the manifest's %d and none", len(found.Files), len(found.Unrelated), len(manifest.Files))
	}
	opt := func(s string, ok bool) *string {
		if !ok {
			return nil
		}
		return &s
	}
	for _, want := range manifest.Files {
		t.Run(want.Filename, func(t *testing.T) {
			t.Parallel()
			f, ok := byName[want.Filename]
			if !ok {
				t.Fatalf("Find() did not return %s", want.Filename)
			}
			d, err := Read(f)
			if err != nil {
				t.Fatalf("Read(%s) error = %v", want.Filename, err)
			}
			m := d.Metadata
			summary, sok := m.Get("Summary")
			dct, dok := m.Get("Description-Content-Type")
			rp, rok := m.Get("Requires-Python")
			got := corpusEntry{
				Filename:               d.Filename,
				SHA256:                 d.Digests.SHA256,
				Size:                   d.Size,
				Kind:                   d.Kind.String(),
				Origin:                 want.Origin,
				MetadataPath:           d.MetadataPath,
				MetadataVersion:        m.Value("Metadata-Version"),
				Name:                   d.Name(),
				Version:                d.Version(),
				Summary:                opt(summary, sok),
				DescriptionContentType: opt(dct, dok),
				RequiresPython:         opt(rp, rok),
				RequiresDist:           m.All("Requires-Dist"),
				ProvidesExtra:          m.All("Provides-Extra"),
			}
			if got.RequiresDist == nil {
				got.RequiresDist = []string{}
			}
			if got.ProvidesExtra == nil {
				got.ProvidesExtra = []string{}
			}
			if want.Kind == "sdist" {
				// setuptools sdists are not reproducible: compare with
				// a fresh digest of the file instead of the manifest.
				data, err := os.ReadFile(f.Path)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				want.SHA256, want.Size = hex.EncodeToString(sum[:]), int64(len(data))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Read(%s) mismatch (-manifest +got):\n%s", want.Filename, diff)
			}
		})
	}
}
