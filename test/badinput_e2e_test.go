package test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// badRow is one line of the bad-input table (docs/bad-input.md).
type badRow struct {
	Case     string
	Exit     int
	Uploaded int
	Message  string
}

var (
	badMu   sync.Mutex
	badRows []badRow
)

// writeZip writes a zip whose members are given in order; a member whose
// content is a *bytes.Reader of zeros of size n is streamed.
func writeZip(t *testing.T, path string, members map[string][]byte, order []string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(members[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// demoMetadata is the demo wheel's METADATA.
const demoMetadata = "Metadata-Version: 2.1\nName: pypi-publish-demo\nVersion: 1.0.0\nSummary: demo\n\nA demo.\n"

func demoWheelMembers(metadata []byte) (map[string][]byte, []string) {
	di := "pypi_publish_demo-1.0.0.dist-info/"
	m := map[string][]byte{
		"pypi_publish_demo/__init__.py": []byte("x = 1\n"),
		di + "METADATA":                 metadata,
		di + "WHEEL":                    []byte("Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
		di + "RECORD":                   []byte(""),
	}
	return m, []string{"pypi_publish_demo/__init__.py", di + "METADATA", di + "WHEEL", di + "RECORD"}
}

// TestBadInput feeds broken distributions and directories to the binary:
// each must end with one clear error (or, where the input is only odd, a
// success), never a panic, and nothing may be uploaded while any file is
// broken (docs/bad-input.md).
func TestBadInput(t *testing.T) {
	t.Parallel()
	wheelBytes, err := os.ReadFile(demoDist(demoWheel))
	if err != nil {
		t.Fatal(err)
	}
	sdistBytes, err := os.ReadFile(demoDist(demoSdist))
	if err != nil {
		t.Fatal(err)
	}
	write := func(t *testing.T, path string, b []byte) {
		t.Helper()
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name     string
		setup    func(t *testing.T, dist string)
		inputs   map[string]string
		wantExit int
		wantText string // in the one error (or the output, on success)
		wantUp   int
	}{
		{name: "corrupt wheel (random bytes)", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoWheel), bytes.Repeat([]byte("not a zip "), 100))
			write(t, filepath.Join(d, demoSdist), sdistBytes)
		}, wantExit: 1, wantText: demoWheel},
		{name: "truncated wheel", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoWheel), wheelBytes[:len(wheelBytes)/2])
			write(t, filepath.Join(d, demoSdist), sdistBytes)
		}, wantExit: 1, wantText: demoWheel},
		{name: "truncated sdist", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoWheel), wheelBytes)
			write(t, filepath.Join(d, demoSdist), sdistBytes[:len(sdistBytes)/2])
		}, wantExit: 1, wantText: demoSdist},
		{name: "wheel without METADATA", setup: func(t *testing.T, d string) {
			m, order := demoWheelMembers(nil)
			delete(m, "pypi_publish_demo-1.0.0.dist-info/METADATA")
			writeZip(t, filepath.Join(d, demoWheel), m, order[:1])
		}, wantExit: 1, wantText: "METADATA"},
		{name: "zip bomb: METADATA inflating to 64 MiB", setup: func(t *testing.T, d string) {
			m, order := demoWheelMembers(append([]byte(demoMetadata), bytes.Repeat([]byte{'A'}, 64<<20)...))
			writeZip(t, filepath.Join(d, demoWheel), m, order)
		}, wantExit: 1, wantText: demoWheel},
		{name: "gzip bomb sdist (2 GiB of zeros)", setup: func(t *testing.T, d string) {
			f, err := os.Create(filepath.Join(d, demoSdist))
			if err != nil {
				t.Fatal(err)
			}
			gz, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
			tw := tar.NewWriter(gz)
			pkg := []byte(strings.Replace(demoMetadata, "2.1", "2.1", 1))
			tw.WriteHeader(&tar.Header{Name: "pypi_publish_demo-1.0.0/PKG-INFO", Mode: 0o644, Size: int64(len(pkg))})
			tw.Write(pkg)
			const big = 2 << 30
			tw.WriteHeader(&tar.Header{Name: "pypi_publish_demo-1.0.0/zeros", Mode: 0o644, Size: big})
			zero := make([]byte, 1<<20)
			for i := 0; i < big/len(zero); i++ {
				tw.Write(zero)
			}
			tw.Close()
			gz.Close()
			f.Close()
		}, wantExit: 1, wantText: demoSdist},
		{name: "non-UTF-8 METADATA", setup: func(t *testing.T, d string) {
			m, order := demoWheelMembers([]byte("Metadata-Version: 2.1\nName: pypi-publish-demo\nVersion: 1.0.0\nSummary: caf\xe9 \xff\xfe\n\nbody\n"))
			writeZip(t, filepath.Join(d, demoWheel), m, order)
		}, wantExit: 1, wantText: demoWheel},
		{name: "huge METADATA (20 MiB stored)", setup: func(t *testing.T, d string) {
			m, order := demoWheelMembers(append([]byte(demoMetadata), bytes.Repeat([]byte("x"), 20<<20)...))
			writeZip(t, filepath.Join(d, demoWheel), m, order)
		}, wantExit: 1, wantText: demoWheel},
		{name: "wrong project name in the file name", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, "other_name-1.0.0-py3-none-any.whl"), wheelBytes)
		}, inputs: map[string]string{"repository-url": "PYPI"}, wantExit: 1, wantText: "other_name"},
		{name: "symlink loop in packages-dir", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoSdist), sdistBytes)
			if err := os.Symlink(demoWheel, filepath.Join(d, demoWheel)); err != nil {
				t.Fatal(err)
			}
		}, wantExit: 1, wantText: demoWheel},
		{name: "dangling symlink", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoSdist), sdistBytes)
			if err := os.Symlink("/nonexistent/"+demoWheel, filepath.Join(d, demoWheel)); err != nil {
				t.Fatal(err)
			}
		}, wantExit: 1, wantText: demoWheel},
		{name: "packages-dir is a symlink loop", setup: func(t *testing.T, d string) {
			os.RemoveAll(d)
			if err := os.Symlink("dist", d); err != nil {
				t.Fatal(err)
			}
		}, wantExit: 1, wantText: "dist"},
		{name: "unreadable entry (FIFO named like a wheel)", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoSdist), sdistBytes)
			if err := syscall.Mkfifo(filepath.Join(d, demoWheel), 0o644); err != nil {
				t.Fatal(err)
			}
		}, wantExit: 1, wantText: demoWheel},
		{name: "symlinks to real files are followed", setup: func(t *testing.T, d string) {
			elsewhere := filepath.Join(filepath.Dir(d), "build")
			write(t, filepath.Join(elsewhere, demoWheel), wheelBytes)
			write(t, filepath.Join(elsewhere, demoSdist), sdistBytes)
			os.Symlink(filepath.Join(elsewhere, demoWheel), filepath.Join(d, demoWheel))
			os.Symlink(filepath.Join("..", "build", demoSdist), filepath.Join(d, demoSdist))
		}, wantExit: 0, wantUp: 2},
		{name: "10,000 unrelated files next to the distributions", setup: func(t *testing.T, d string) {
			write(t, filepath.Join(d, demoWheel), wheelBytes)
			write(t, filepath.Join(d, demoSdist), sdistBytes)
			for i := 0; i < 10000; i++ {
				write(t, filepath.Join(d, fmt.Sprintf("note-%05d.txt", i)), nil)
			}
		}, wantExit: 0, wantUp: 2, wantText: "and 9980 more"},
		{name: "file changed in place during the upload", setup: nil, wantExit: 1, wantText: "modified after it was hashed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := publishtest.New()
			defer srv.Close()
			ws := newWorkspace(t)
			d := filepath.Join(ws, "dist")
			in := map[string]string{"repository-url": srv.UploadURL(), "password": testToken}
			vars := map[string]string{}
			for k, v := range tc.inputs {
				in[k] = v
			}
			if in["repository-url"] == "PYPI" {
				in["repository-url"] = srv.UploadURL()
				vars["PYPI_PUBLISH_INDEX_KIND"] = "pypi"
			}
			var r *Run
			if tc.setup != nil {
				tc.setup(t, d)
				r = runAction(t, ws, Env{Inputs: in, Vars: vars, Timeout: 3 * time.Minute})
			} else {
				// The wheel's answer is slow; meanwhile the sdist, already
				// hashed, is rewritten with other bytes of the same size.
				write(t, filepath.Join(d, demoWheel), wheelBytes)
				write(t, filepath.Join(d, demoSdist), sdistBytes)
				srv.Script(demoWheel, publishtest.Slow(3*time.Second))
				go func() {
					time.Sleep(time.Second)
					changed := bytes.Clone(sdistBytes)
					for i := range changed[:64] {
						changed[i] ^= 0xff
					}
					os.WriteFile(filepath.Join(d, demoSdist), changed, 0o644)
				}()
				r = runAction(t, ws, Env{Inputs: in, Vars: vars})
			}
			if r.Code != tc.wantExit {
				t.Errorf("exit code = %d, want %d", r.Code, tc.wantExit)
			}
			errs := annotations(r, "error")
			msg := ""
			if tc.wantExit != 0 {
				if len(errs) != 1 {
					t.Fatalf("errors = %q, want exactly one", errs)
				}
				msg = errs[0]
			}
			if tc.wantText != "" && !strings.Contains(r.Output(), tc.wantText) {
				t.Errorf("output lacks %q", tc.wantText)
			}
			up := len(srv.Files())
			if tc.name == "file changed in place during the upload" {
				// The wheel went up before the sdist was touched; the
				// changed sdist must not.
				for _, f := range srv.Files() {
					if f.Filename == demoSdist {
						t.Errorf("the changed sdist reached the index")
					}
				}
			} else if up != tc.wantUp {
				t.Errorf("index holds %d files, want %d", up, tc.wantUp)
			}
			if _, after, ok := strings.Cut(msg, "::"); ok {
				if _, m, ok := strings.Cut(after, "::"); ok {
					msg = m
				}
			}
			msg = strings.ReplaceAll(msg, "%0A", " ")
			// The table shows the paths a workflow sees, not this test's
			// temporary directory.
			msg = strings.ReplaceAll(msg, ws, "/github/workspace")
			if len(msg) > 160 {
				msg = msg[:160] + "…"
			}
			badMu.Lock()
			badRows = append(badRows, badRow{Case: tc.name, Exit: r.Code, Uploaded: up, Message: msg})
			badMu.Unlock()
		})
	}
	t.Cleanup(func() {
		badMu.Lock()
		rows := append([]badRow(nil), badRows...)
		badMu.Unlock()
		sort.Slice(rows, func(i, j int) bool { return rows[i].Case < rows[j].Case })
		var b strings.Builder
		b.WriteString("| bad input | exit | files on the index | the error annotation (cut at 160 characters) |\n|---|---:|---:|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", r.Case, r.Exit, r.Uploaded, strings.ReplaceAll(r.Message, "|", `\|`))
		}
		t.Logf("bad-input table:\n%s", b.String())
		if *update {
			doc := "# Bad input: a clear error, no panic, nothing uploaded\n\n" +
				"Written by `go test ./test -run TestBadInput -update`. Each row runs the real binary\n" +
				"on a broken distribution or directory against the strict fake index. Where a file is broken nothing is\n" +
				"uploaded; in the last-but-one kind of row (a file rewritten while the release is being uploaded) the\n" +
				"files sent before the change stay, and the changed one never reaches the index.\n\n" + b.String()
			if err := os.WriteFile(filepath.Join(repoRoot(), "docs", "bad-input.md"), []byte(doc), 0o644); err != nil {
				t.Errorf("failed to write docs/bad-input.md: %v", err)
			}
		}
	})
}
