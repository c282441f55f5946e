package dist

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

func TestParseWheelFilename(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      string
		want    WheelName
		wantErr bool
	}{
		{name: "pure", in: "pkg-1.0-py3-none-any.whl",
			want: WheelName{Name: "pkg", Version: "1.0", Python: []string{"py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "build_tag", in: "pkg-1.0-1abc-py2.py3-none-any.whl",
			want: WheelName{Name: "pkg", Version: "1.0", Build: "1abc", Python: []string{"py2", "py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "not_normalized_name_kept", in: "Zebra.Cake_Tools-2.0.0rc1.post2.dev3-py3-none-any.whl",
			want: WheelName{Name: "Zebra.Cake_Tools", Version: "2.0.0rc1.post2.dev3", Python: []string{"py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "local_version_epoch", in: "a-1!2.0+local.1-cp311-cp311-linux_x86_64.whl",
			want: WheelName{Name: "a", Version: "1!2.0+local.1", Python: []string{"cp311"}, ABI: []string{"cp311"}, Platform: []string{"linux_x86_64"}}},
		{name: "unicode_name", in: "café-1.0-py3-none-any.whl",
			want: WheelName{Name: "café", Version: "1.0", Python: []string{"py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "wrong_extension", in: "pkg-1.0-py3-none-any.zip", wantErr: true},
		{name: "upper_extension", in: "pkg-1.0-py3-none-any.WHL", wantErr: true},
		{name: "too_few_parts", in: "pkg-1.0-py3-none.whl", wantErr: true},
		{name: "too_many_parts", in: "my-pkg-1.0-1-py3-none-any.whl", wantErr: true},
		{name: "double_underscore", in: "my__pkg-1.0-py3-none-any.whl", wantErr: true},
		{name: "bad_name_char", in: "my+pkg-1.0-py3-none-any.whl", wantErr: true},
		{name: "empty_name", in: "-1.0-py3-none-any.whl", wantErr: true},
		{name: "empty_version", in: "pkg--py3-none-any.whl", wantErr: true},
		{name: "bad_version_char", in: "pkg-1.0~1-py3-none-any.whl", wantErr: true},
		{name: "build_tag_not_digit", in: "pkg-1.0-x1-py3-none-any.whl", wantErr: true},
		{name: "empty_tag", in: "pkg-1.0-py3.-none-any.whl", wantErr: true},
		{name: "only_extension", in: ".whl", wantErr: true},
		{name: "invalid_utf8", in: "p\xffkg-1.0-py3-none-any.whl", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWheelFilename(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidFilename) {
					t.Fatalf("ParseWheelFilename(%q) error = %v, want ErrInvalidFilename", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWheelFilename(%q) error = %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseWheelFilename(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if s := got.String(); s != tc.in {
				t.Errorf("ParseWheelFilename(%q).String() = %q, want the input", tc.in, s)
			}
		})
	}
}

func TestParseSdistFilename(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		in          string
		wantName    string
		wantVersion string
		wantErr     bool
	}{
		{name: "tar_gz", in: "pkg-1.0.tar.gz", wantName: "pkg", wantVersion: "1.0"},
		{name: "zip", in: "pkg-1.0.zip", wantName: "pkg", wantVersion: "1.0"},
		{name: "dashes_in_name", in: "my-cool-pkg-2.0rc1.tar.gz", wantName: "my-cool-pkg", wantVersion: "2.0rc1"},
		{name: "spelling_kept", in: "Zebra.Cake_Tools-2.0.0rc1.post2.dev3.tar.gz", wantName: "Zebra.Cake_Tools", wantVersion: "2.0.0rc1.post2.dev3"},
		{name: "no_dash", in: "pkg.tar.gz", wantErr: true},
		{name: "empty_version", in: "pkg-.tar.gz", wantErr: true},
		{name: "empty_name", in: "-1.0.tar.gz", wantErr: true},
		{name: "bz2", in: "pkg-1.0.tar.bz2", wantErr: true},
		{name: "upper_extension", in: "pkg-1.0.TAR.GZ", wantErr: true},
		{name: "wheel", in: "pkg-1.0-py3-none-any.whl", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name, version, err := ParseSdistFilename(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidFilename) {
					t.Fatalf("ParseSdistFilename(%q) error = %v, want ErrInvalidFilename", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSdistFilename(%q) error = %v", tc.in, err)
			}
			if name != tc.wantName || version != tc.wantVersion {
				t.Errorf("ParseSdistFilename(%q) = %q, %q, want %q, %q", tc.in, name, version, tc.wantName, tc.wantVersion)
			}
		})
	}
}

// makeTree creates entries under root. Each spec is "path" (a file), "path/"
// (a directory), "path -> target" (a symbolic link) or "path|" (a FIFO).
func makeTree(t *testing.T, root string, specs ...string) {
	t.Helper()
	for _, s := range specs {
		var err error
		switch {
		case strings.Contains(s, " -> "):
			name, target, _ := strings.Cut(s, " -> ")
			p := filepath.Join(root, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			err = os.Symlink(target, p)
		case strings.HasSuffix(s, "/"):
			err = os.MkdirAll(filepath.Join(root, s), 0o755)
		case strings.HasSuffix(s, "|"):
			p := filepath.Join(root, strings.TrimSuffix(s, "|"))
			os.MkdirAll(filepath.Dir(p), 0o755)
			err = syscall.Mkfifo(p, 0o644)
		default:
			p := filepath.Join(root, s)
			os.MkdirAll(filepath.Dir(p), 0o755)
			err = os.WriteFile(p, []byte("x"), 0o644)
		}
		if err != nil {
			t.Fatalf("makeTree %q: %v", s, err)
		}
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	type file struct {
		Path, Kind   string
		Attestations []string
	}
	type result struct {
		Files                                         []file
		Unrelated, Signatures, Orphans, Dirs, NotDirs []string
	}
	cases := []struct {
		name    string
		tree    []string
		entries []string
		want    result
	}{
		{
			name:    "order_wheels_then_sdists_byte_order",
			tree:    []string{"dist/b-1.0.tar.gz", "dist/a-1.0.zip", "dist/B-1.0-py3-none-any.whl", "dist/a-1.0-py3-none-any.whl", "dist/a-1.0.tar.gz"},
			entries: []string{"dist"},
			want: result{
				Files: []file{
					{Path: "dist/B-1.0-py3-none-any.whl", Kind: "wheel"},
					{Path: "dist/a-1.0-py3-none-any.whl", Kind: "wheel"},
					{Path: "dist/a-1.0.tar.gz", Kind: "sdist"},
					{Path: "dist/a-1.0.zip", Kind: "sdist"},
					{Path: "dist/b-1.0.tar.gz", Kind: "sdist"},
				},
				Dirs: []string{"dist"},
			},
		},
		{
			name:    "trailing_slash_and_spaces",
			tree:    []string{"my dist/p-1.0.tar.gz"},
			entries: []string{"  my dist/  "},
			want:    result{Files: []file{{Path: "my dist/p-1.0.tar.gz", Kind: "sdist"}}, Dirs: []string{"my dist"}},
		},
		{
			name:    "attestations_unrelated_signatures_orphans",
			tree:    []string{"dist/p-1.0-py3-none-any.whl", "dist/p-1.0-py3-none-any.whl.publish.attestation", "dist/p-1.0-py3-none-any.whl.slsa.attestation", "dist/p-1.0-py3-none-any.whl.asc", "dist/q-1.0.tar.gz.publish.attestation", "dist/p-1.0-py3-none-any.whl.attestation", "dist/notes.txt", "dist/x.sigstore.json", "dist/sub/", "dist/P-1.0.WHL"},
			entries: []string{"dist"},
			want: result{
				Files:      []file{{Path: "dist/p-1.0-py3-none-any.whl", Kind: "wheel", Attestations: []string{"dist/p-1.0-py3-none-any.whl.publish.attestation", "dist/p-1.0-py3-none-any.whl.slsa.attestation"}}},
				Unrelated:  []string{"dist/P-1.0.WHL", "dist/notes.txt", "dist/x.sigstore.json"},
				Signatures: []string{"dist/p-1.0-py3-none-any.whl.asc"},
				Orphans:    []string{"dist/p-1.0-py3-none-any.whl.attestation", "dist/q-1.0.tar.gz.publish.attestation"},
				Dirs:       []string{"dist"},
			},
		},
		{
			name:    "several_dirs_and_globs_deduplicated",
			tree:    []string{"out/a/x-1.0.tar.gz", "out/b/x-1.0-py3-none-any.whl", "out/c.txt", "other/y-2.0.tar.gz"},
			entries: []string{"out/*", "other", "", "out/a/", "./other"},
			want: result{
				Files: []file{
					{Path: "out/b/x-1.0-py3-none-any.whl", Kind: "wheel"},
					{Path: "out/a/x-1.0.tar.gz", Kind: "sdist"},
					{Path: "other/y-2.0.tar.gz", Kind: "sdist"},
				},
				Dirs:    []string{"out/a", "out/b", "other"},
				NotDirs: []string{"out/c.txt"},
			},
		},
		{
			name:    "symlinks_to_files_and_dirs",
			tree:    []string{"real/p-1.0.tar.gz", "real/w.bin", "dist/p-1.0.tar.gz -> ../real/p-1.0.tar.gz", "dist/q-1.0-py3-none-any.whl -> ../real/w.bin", "link -> dist"},
			entries: []string{"link"},
			want: result{
				Files: []file{
					{Path: "link/q-1.0-py3-none-any.whl", Kind: "wheel"},
					{Path: "link/p-1.0.tar.gz", Kind: "sdist"},
				},
				Dirs: []string{"link"},
			},
		},
		{
			name:    "dangling_symlink_not_named_like_a_dist_is_unrelated",
			tree:    []string{"dist/p-1.0.tar.gz", "dist/README -> nowhere", "dist/pipe|"},
			entries: []string{"dist"},
			want: result{
				Files:     []file{{Path: "dist/p-1.0.tar.gz", Kind: "sdist"}},
				Unrelated: []string{"dist/README", "dist/pipe"},
				Dirs:      []string{"dist"},
			},
		},
		{
			name:    "only_zip_sdists",
			tree:    []string{"dist/p-1.0.zip"},
			entries: []string{"dist"},
			want:    result{Files: []file{{Path: "dist/p-1.0.zip", Kind: "sdist"}}, Dirs: []string{"dist"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			makeTree(t, root, tc.tree...)
			found, err := Find(tc.entries, root)
			if err != nil {
				t.Fatalf("Find(%q) error = %v", tc.entries, err)
			}
			rel := func(ps []string) []string {
				var out []string
				for _, p := range ps {
					r, err := filepath.Rel(root, p)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, r)
				}
				return out
			}
			var got result
			for _, f := range found.Files {
				if f.Filename != filepath.Base(f.Path) {
					t.Errorf("File %s has Filename %q", f.Path, f.Filename)
				}
				got.Files = append(got.Files, file{Path: rel([]string{f.Path})[0], Kind: f.Kind.String(), Attestations: rel(f.Attestations)})
			}
			got.Unrelated, got.Signatures, got.Orphans, got.Dirs = rel(found.Unrelated), rel(found.Signatures), rel(found.Orphans), rel(found.Dirs)
			got.NotDirs = rel(found.NotDirs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Find(%q) mismatch (-want +got):\n%s", tc.entries, diff)
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		tree      []string
		entries   []string
		wantID    string
		wantParts []string
	}{
		{name: "missing_dir", entries: []string{"dist"}, wantID: "DS-01",
			wantParts: []string{`"dist" does not exist`, "/dist", "in the workspace: dist", "$RUNNER_TEMP", "download-artifact"}},
		{name: "missing_absolute_outside_workspace", entries: []string{"/nonexistent/runner/temp/dist"}, wantID: "DS-01",
			wantParts: []string{"/nonexistent/runner/temp/dist", "outside the workspace", "Only the workspace is visible"}},
		{name: "dangling_dir_symlink", tree: []string{"dist -> gone"}, entries: []string{"dist"}, wantID: "DS-01",
			wantParts: []string{"dangling symbolic link", "gone"}},
		{name: "dir_symlink_loop", tree: []string{"dist -> dist2", "dist2 -> dist"}, entries: []string{"dist"}, wantID: "DS-01",
			wantParts: []string{"symbolic link loop"}},
		{name: "not_a_dir", tree: []string{"dist"}, entries: []string{"dist"}, wantID: "DS-02",
			wantParts: []string{"not a directory", "Point packages-dir"}},
		{name: "empty_dir", tree: []string{"dist/"}, entries: []string{"dist"}, wantID: "DS-03",
			wantParts: []string{"*.whl, *.tar.gz, *.zip", "it is empty", "Build the distributions first"}},
		{name: "only_unrelated", tree: []string{"dist/a.txt", "dist/b.egg", "dist/c/"}, entries: []string{"dist"}, wantID: "DS-03",
			wantParts: []string{"a.txt", "b.egg", "c/"}},
		{name: "lookalike_dirs_from_download_artifact", tree: []string{"dist/p-1.0-py3-none-any.whl/p-1.0-py3-none-any.whl", "dist/p-1.0.tar.gz/p-1.0.tar.gz"}, entries: []string{"dist"}, wantID: "DS-04",
			wantParts: []string{"2 entries", "p-1.0-py3-none-any.whl (a directory)", "p-1.0.tar.gz (a directory)", "merge-multiple: true"}},
		{name: "lookalike_among_good_files", tree: []string{"dist/good-1.0.tar.gz", "dist/bad-1.0-py3-none-any.whl/"}, entries: []string{"dist"}, wantID: "DS-04",
			wantParts: []string{"1 entry", "bad-1.0-py3-none-any.whl (a directory)"}},
		{name: "dangling_symlink_dist", tree: []string{"dist/p-1.0.tar.gz -> /nonexistent/p-1.0.tar.gz"}, entries: []string{"dist"}, wantID: "DS-04",
			wantParts: []string{"dangling symbolic link to /nonexistent/p-1.0.tar.gz"}},
		{name: "symlink_loop_dist", tree: []string{"dist/p-1.0.tar.gz -> p-1.0.tar.gz"}, entries: []string{"dist"}, wantID: "DS-04",
			wantParts: []string{"symbolic link loop"}},
		{name: "fifo_dist", tree: []string{"dist/p-1.0.tar.gz|"}, entries: []string{"dist"}, wantID: "DS-04",
			wantParts: []string{"a named pipe"}},
		{name: "nested_artifact_folders", tree: []string{"dist/artifact-a/p-1.0-py3-none-any.whl", "dist/artifact-b/p-1.0.tar.gz", "dist/artifact-b/p-1.0-cp312-cp312-win_amd64.whl", "dist/empty/"}, entries: []string{"dist"}, wantID: "DS-04",
			wantParts: []string{"artifact-a/ (1 distribution)", "artifact-b/ (2 distributions)", "merge-multiple: true", "dist/*/"}},
		{name: "glob_matches_nothing", entries: []string{"build/*/dist"}, wantID: "IN-04",
			wantParts: []string{`"build/*/dist"`, "matches no directory"}},
		{name: "glob_matches_only_files", tree: []string{"out/a.whl", "out/b.whl"}, entries: []string{"out/*.whl"}, wantID: "IN-04",
			wantParts: []string{"out/a.whl", "none of them a directory", "a pattern of files", "instead: out"}},
		{name: "bad_glob", entries: []string{"dist/[a"}, wantID: "IN-04",
			wantParts: []string{"not a valid glob pattern"}},
		{name: "no_entries", entries: []string{"", "  "}, wantID: "IN-04",
			wantParts: []string{"names no directory"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			makeTree(t, root, tc.tree...)
			_, err := Find(tc.entries, root)
			var fe *FindError
			if !errors.As(err, &fe) {
				t.Fatalf("Find(%q) error = %v, want a *FindError", tc.entries, err)
			}
			if fe.ID != tc.wantID {
				t.Errorf("Find(%q) error ID = %s, want %s (%v)", tc.entries, fe.ID, tc.wantID, err)
			}
			for _, part := range tc.wantParts {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("Find(%q) error = %q, want it to contain %q", tc.entries, err, part)
				}
			}
		})
	}
}

// TestFindListsAtMost20: DS-03 lists 20 entries and counts the rest.
func TestFindListsAtMost20(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for i := range 25 {
		makeTree(t, root, fmt.Sprintf("dist/file%02d.txt", i))
	}
	_, err := Find([]string{"dist"}, root)
	var fe *FindError
	if !errors.As(err, &fe) || fe.ID != "DS-03" {
		t.Fatalf("Find() error = %v, want DS-03", err)
	}
	if len(fe.Paths) != 20 || fe.More != 5 || !strings.Contains(err.Error(), "and 5 more") {
		t.Errorf("Find() listed %d entries and %d more (%q), want 20 and 5", len(fe.Paths), fe.More, err)
	}
}

// TestFindManyFiles: a packages dir with 10,000 distributions.
func TestFindManyFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "dist")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "source")
	if err := os.WriteFile(src, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 10000 {
		name := fmt.Sprintf("pkg%05d-1.0-py3-none-any.whl", i)
		if i%2 == 1 {
			name = fmt.Sprintf("pkg%05d-1.0.tar.gz", i)
		}
		// Hard links: regular files, made with one system call each.
		if err := os.Link(src, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	found, err := Find([]string{"dist"}, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Files) != 10000 {
		t.Fatalf("Find() found %d files, want 10000", len(found.Files))
	}
	if got := found.Files[0].Filename; got != "pkg00000-1.0-py3-none-any.whl" {
		t.Errorf("Find().Files[0] = %s, want the first wheel", got)
	}
	if got := found.Files[5000].Filename; got != "pkg00001-1.0.tar.gz" {
		t.Errorf("Find().Files[5000] = %s, want the first sdist", got)
	}
}

// TestFindAbsoluteEntry: absolute entries ignore workdir.
func TestFindAbsoluteEntry(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	makeTree(t, root, "abs/p-1.0.tar.gz")
	found, err := Find([]string{filepath.Join(root, "abs")}, "/nonexistent-workspace")
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Files) != 1 {
		t.Errorf("Find(absolute) found %d files, want 1", len(found.Files))
	}
}

// TestFindGlobCharsInPaths: glob characters in the workspace path are
// literal, and an existing directory named with them is taken as is.
func TestFindGlobCharsInPaths(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "ws[1]*")
	makeTree(t, root, "out/a/p-1.0.tar.gz", "build[x86]/q-1.0.tar.gz")
	cases := []struct {
		name  string
		entry string
		want  string
	}{
		{name: "glob_under_glob_like_workdir", entry: "out/*", want: "p-1.0.tar.gz"},
		{name: "literal_dir_with_brackets", entry: "build[x86]", want: "q-1.0.tar.gz"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			found, err := Find([]string{tc.entry}, root)
			if err != nil {
				t.Fatalf("Find(%q) error = %v", tc.entry, err)
			}
			if len(found.Files) != 1 || found.Files[0].Filename != tc.want {
				t.Errorf("Find(%q) = %+v, want %s", tc.entry, found.Files, tc.want)
			}
		})
	}
}

// TestParseFilenamesMatchPackaging compares ParseWheelFilename and
// ParseSdistFilename with packaging.utils on the machine's Python (Debian's
// python3-packaging). Known, intended differences are skipped: we leave PEP
// 440 validation to the preflight rules, and we already apply the tag rules
// packaging added in 26.3 (no empty tag, Python tags are identifiers).
func TestParseFilenamesMatchPackaging(t *testing.T) {
	t.Parallel()
	py := testtool.Python(t, "packaging.utils")
	names := []string{
		"pkg-1.0-py3-none-any.whl", "pkg-1.0-1-py3-none-any.whl", "pkg-1.0-1abc-py2.py3-none-any.whl",
		"Zebra.Cake_Tools-2.0.0rc1.post2.dev3-py3-none-any.whl", "a-1!2.0+local.1-cp311-cp311-linux_x86_64.whl",
		"numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "café-1.0-py3-none-any.whl",
		"pkg-1.0-py3-none-any.WHL", "pkg-1.0-py3-none.whl", "my-pkg-1.0-1-py3-none-any.whl", "my__pkg-1.0-py3-none-any.whl",
		"my+pkg-1.0-py3-none-any.whl", "pkg-1.0-x1-py3-none-any.whl", "pkg-1.0-py3.-none-any.whl", "pkg-1.0-3py-none-any.whl",
		"pkg-1.0-py3-none-.whl", "pkg-1.0-py_3-abi-plat.whl", "pkg-1.0--py3-none-any.whl", "pkg.1-1.0-py3-none-any.whl",
		"pkg-1.0.tar.gz", "pkg-1.0.zip", "my-cool-pkg-2.0rc1.tar.gz", "Zebra.Cake_Tools-2.0.0rc1.post2.dev3.tar.gz",
		"pkg.tar.gz", "pkg-1.0.tar.bz2", "pkg-1.0.TAR.GZ", "pkg-1.0-py3-none-any.whl.tar.gz", "pkg_1-v1.0.tar.gz",
	}
	var results []struct {
		WheelOK   bool     `json:"wheel_ok"`
		WheelErr  string   `json:"wheel_err"`
		Name      string   `json:"name"`
		Build     string   `json:"build"`
		Tags      []string `json:"tags"`
		SdistOK   bool     `json:"sdist_ok"`
		SdistErr  string   `json:"sdist_err"`
		SdistName string   `json:"sdist_name"`
	}
	testtool.RunJSON(t, exec.Command(py, filepath.Join("testdata", "parse_names.py")), names, &results)
	for i, name := range names {
		ref := results[i]
		w, werr := ParseWheelFilename(name)
		switch {
		case strings.HasPrefix(ref.WheelErr, "invalid version"):
			// packaging checks PEP 440 here; we do not.
		case ref.WheelOK && werr != nil:
			if strings.Contains(werr.Error(), "empty tag") || strings.Contains(werr.Error(), "identifier") {
				continue // packaging 26.3 rules, newer than the machine's packaging
			}
			t.Errorf("ParseWheelFilename(%q) error = %v; packaging accepts it", name, werr)
		case !ref.WheelOK && werr == nil:
			t.Errorf("ParseWheelFilename(%q) = %+v; packaging rejects it: %s", name, w, ref.WheelErr)
		case ref.WheelOK:
			var tags []string
			for _, p := range w.Python {
				for _, a := range w.ABI {
					for _, pl := range w.Platform {
						tags = append(tags, p+"-"+a+"-"+pl)
					}
				}
			}
			sort.Strings(tags)
			got := []string{NormalizeName(w.Name), w.Build}
			want := []string{ref.Name, ref.Build}
			if diff := cmp.Diff(append(want, ref.Tags...), append(got, tags...)); diff != "" {
				t.Errorf("ParseWheelFilename(%q) differs from packaging (-packaging +go):\n%s", name, diff)
			}
		}
		sname, _, serr := ParseSdistFilename(name)
		switch {
		case strings.HasPrefix(ref.SdistErr, "invalid version"):
		case ref.SdistOK != (serr == nil):
			t.Errorf("ParseSdistFilename(%q) error = %v; packaging ok = %v (%s)", name, serr, ref.SdistOK, ref.SdistErr)
		case ref.SdistOK && NormalizeName(sname) != ref.SdistName:
			t.Errorf("ParseSdistFilename(%q) name = %q; packaging: %q", name, sname, ref.SdistName)
		}
	}
}
