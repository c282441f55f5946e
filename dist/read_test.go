package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func testdataFile(name string) File {
	k, _ := kindOf(name)
	return File{Path: filepath.Join("testdata", "dists", name), Filename: name, Kind: k}
}

func TestRead(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file         string
		wantName     string
		wantVersion  string
		wantMV       string
		wantMetaPath string
		wantFormat   string
		wantMembers  []string
	}{
		{
			file: "demo_pkg-1.0.0-py3-none-any.whl", wantName: "demo-pkg", wantVersion: "1.0.0", wantMV: "2.4",
			wantMetaPath: "demo_pkg-1.0.0.dist-info/METADATA", wantFormat: "zip",
			wantMembers: []string{"demo_pkg/__init__.py", "demo_pkg-1.0.0.dist-info/METADATA", "demo_pkg-1.0.0.dist-info/WHEEL", "demo_pkg-1.0.0.dist-info/RECORD"},
		},
		{
			file: "demo_pkg-1.0.0.tar.gz", wantName: "demo-pkg", wantVersion: "1.0.0", wantMV: "2.4",
			wantMetaPath: "demo_pkg-1.0.0/PKG-INFO", wantFormat: "tar.gz",
			wantMembers: []string{"demo_pkg-1.0.0/", "demo_pkg-1.0.0/PKG-INFO", "demo_pkg-1.0.0/pyproject.toml", "demo_pkg-1.0.0/demo_pkg/", "demo_pkg-1.0.0/demo_pkg/__init__.py"},
		},
		{
			file: "demo_pkg-1.0.0.zip", wantName: "demo-pkg", wantVersion: "1.0.0", wantMV: "2.4",
			wantMetaPath: "demo_pkg-1.0.0/PKG-INFO", wantFormat: "zip",
			wantMembers: []string{"demo_pkg-1.0.0/", "demo_pkg-1.0.0/PKG-INFO", "demo_pkg-1.0.0/pyproject.toml"},
		},
		{
			file: "future_pkg-2.0-py3-none-any.whl", wantName: "future-pkg", wantVersion: "2.0", wantMV: "2.5",
			wantMetaPath: "future_pkg-2.0.dist-info/METADATA", wantFormat: "zip",
			wantMembers: []string{"future_pkg/__init__.py", "future_pkg-2.0.dist-info/METADATA", "future_pkg-2.0.dist-info/WHEEL", "future_pkg-2.0.dist-info/RECORD"},
		},
		{
			// The .dist-info folder is spelled unlike the file name.
			file: "Demo.Pkg-1.0.0-py3-none-any.whl", wantName: "Demo.Pkg", wantVersion: "1.0.0", wantMV: "2.4",
			wantMetaPath: "demo_pkg-1.0.0.dist-info/METADATA", wantFormat: "zip",
			wantMembers: []string{"demo_pkg/__init__.py", "demo_pkg-1.0.0.dist-info/METADATA", "demo_pkg-1.0.0.dist-info/WHEEL", "demo_pkg-1.0.0.dist-info/RECORD"},
		},
		{
			// Zip slip names are listed, never extracted.
			file: "slip-1.0-py3-none-any.whl", wantName: "slip", wantVersion: "1.0", wantMV: "2.4",
			wantMetaPath: "slip-1.0.dist-info/METADATA", wantFormat: "zip",
			wantMembers: []string{"slip/__init__.py", "slip-1.0.dist-info/METADATA", "slip-1.0.dist-info/WHEEL", "../../evil.sh", "/etc/evil", "slip-1.0.dist-info/RECORD"},
		},
		{
			file: "dotroot-1.0.tar.gz", wantName: "dotroot", wantVersion: "1.0", wantMV: "2.4",
			wantMetaPath: "./dotroot-1.0/PKG-INFO", wantFormat: "tar.gz",
			wantMembers: []string{"./", "./dotroot-1.0/", "./dotroot-1.0/PKG-INFO"},
		},
		{
			file: "dotslash-1.0.tar.gz", wantName: "dotslash", wantVersion: "1.0", wantMV: "2.4",
			wantMetaPath: "./dotslash-1.0/PKG-INFO", wantFormat: "tar.gz",
			wantMembers: []string{"./dotslash-1.0/", "./dotslash-1.0/PKG-INFO"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			f := testdataFile(tc.file)
			f.Attestations = []string{"x.publish.attestation"}
			d, err := Read(f)
			if err != nil {
				t.Fatalf("Read(%s) error = %v", tc.file, err)
			}
			var members []string
			for _, m := range d.Archive.Members {
				members = append(members, m.Name)
			}
			type summary struct {
				Name, Version, MV, MetaPath, Format, Filename string
				Size                                          int64
				Members, Attestations                         []string
				Description                                   string
			}
			fi, err := os.Stat(f.Path)
			if err != nil {
				t.Fatal(err)
			}
			got := summary{d.Name(), d.Version(), d.Metadata.Value("Metadata-Version"), d.MetadataPath, d.Archive.Format, d.Filename, d.Size, members, d.Attestations, d.Metadata.Description()}
			want := summary{tc.wantName, tc.wantVersion, tc.wantMV, tc.wantMetaPath, tc.wantFormat, tc.file, fi.Size(), tc.wantMembers, f.Attestations, "# Demo\n\nA tiny package used as a test fixture.\n"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Read(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
			b, err := os.ReadFile(f.Path)
			if err != nil {
				t.Fatal(err)
			}
			wantDigests, _, _ := Hash(bytes.NewReader(b))
			if d.Digests != wantDigests {
				t.Errorf("Read(%s).Digests = %+v, want %+v", tc.file, d.Digests, wantDigests)
			}
		})
	}
}

func TestReadMemberDetails(t *testing.T) {
	t.Parallel()
	d, err := Read(testdataFile("demo_pkg-1.0.0.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{
		{Name: "demo_pkg-1.0.0/", TypeFlag: '5', Dir: true},
		{Name: "demo_pkg-1.0.0/PKG-INFO", Size: 252, TypeFlag: '0'},
	}
	if diff := cmp.Diff(want, d.Archive.Members[:2]); diff != "" {
		t.Errorf("Read(demo_pkg-1.0.0.tar.gz) members mismatch (-want +got):\n%s", diff)
	}
	d, err = Read(testdataFile("future_pkg-2.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	m := d.Archive.Members[1]
	if m.Method != zip.Store || m.Size != m.CompressedSize || m.Size == 0 {
		t.Errorf("Read(future_pkg...).Members[1] = %+v, want a stored member with equal sizes", m)
	}
	d, err = Read(testdataFile("demo_pkg-1.0.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	if m := d.Archive.Members[1]; m.Method != zip.Deflate || m.CompressedSize == 0 {
		t.Errorf("Read(demo_pkg...whl).Members[1] = %+v, want a deflated member", m)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file    string
		wantErr error
		wantMsg string
	}{
		{file: "nometa-1.0-py3-none-any.whl", wantErr: ErrNoMetadata, wantMsg: "nometa-1.0.dist-info/METADATA has no Metadata-Version"},
		{file: "nometa2-1.0-py3-none-any.whl", wantErr: ErrNoMetadata, wantMsg: "no nometa2-1.0.dist-info/METADATA"},
		{file: "latin1-1.0-py3-none-any.whl", wantErr: ErrInvalidMetadata, wantMsg: "not valid UTF-8"},
		{file: "bomb-1.0-py3-none-any.whl", wantErr: ErrTooLarge, wantMsg: "16 MiB"},
		{file: "truncated-1.0-py3-none-any.whl", wantErr: ErrInvalidArchive, wantMsg: "zip"},
		{file: "truncated-1.0.tar.gz", wantErr: ErrInvalidArchive, wantMsg: "tar.gz"},
		{file: "notgzip-1.0.tar.gz", wantErr: ErrInvalidArchive, wantMsg: "gzip"},
		{file: "linkinfo-1.0.tar.gz", wantErr: ErrNoMetadata, wantMsg: "linkinfo-1.0/PKG-INFO is not a regular file"},
		{file: "noinfo-1.0.tar.gz", wantErr: ErrNoMetadata, wantMsg: "no noinfo-1.0/PKG-INFO"},
		{file: "rootinfo-1.0.tar.gz", wantErr: ErrNoMetadata, wantMsg: `first member, "PKG-INFO", is not in a folder`},
		{file: "tarbomb-1.0.tar.gz", wantErr: ErrTooLarge, wantMsg: "decompression bomb"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			_, err := Read(testdataFile(tc.file))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Read(%s) error = %v, want %v", tc.file, err, tc.wantErr)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "failed to read "+tc.file+": ") || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("Read(%s) error = %q, want it to name the file and contain %q", tc.file, msg, tc.wantMsg)
			}
		})
	}
}

// writeZip writes a zip built by fn to a temporary file and returns it as a
// wheel File.
func writeZip(t *testing.T, filename string, fn func(w *zip.Writer)) File {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fn(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), filename)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	k, _ := kindOf(filename)
	return File{Path: p, Filename: filename, Kind: k}
}

// TestReadZipClaimsGigabytes: a METADATA whose header claims 8 GiB is refused
// before anything is decompressed.
func TestReadZipClaimsGigabytes(t *testing.T) {
	t.Parallel()
	f := writeZip(t, "claims-1.0-py3-none-any.whl", func(w *zip.Writer) {
		fw, err := w.CreateRaw(&zip.FileHeader{
			Name: "claims-1.0.dist-info/METADATA", Method: zip.Store,
			CompressedSize64: 5, UncompressedSize64: 8 << 30,
		})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte("Name:"))
	})
	_, err := Read(f)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Read() error = %v, want ErrTooLarge", err)
	}
}

// TestReadZipUnderstatesSize: a METADATA that claims 100 bytes but inflates
// to 1 MiB is stopped at the declared size.
func TestReadZipUnderstatesSize(t *testing.T) {
	t.Parallel()
	var payload bytes.Buffer
	payload.WriteString("Metadata-Version: 2.1\nName: x\n\n")
	payload.Write(make([]byte, 1<<20))
	// Compress honestly, then rewrite the declared size.
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.CreateHeader(&zip.FileHeader{Name: "liar-1.0.dist-info/METADATA", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(payload.Bytes())
	w.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := zr.File[0].OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	var compressed bytes.Buffer
	if _, err := compressed.ReadFrom(raw); err != nil {
		t.Fatal(err)
	}
	f := writeZip(t, "liar-1.0-py3-none-any.whl", func(w *zip.Writer) {
		h := zr.File[0].FileHeader
		h.UncompressedSize64 = 100
		fw, err := w.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(compressed.Bytes())
	})
	_, err = Read(f)
	if !errors.Is(err, ErrInvalidArchive) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Read() error = %v, want ErrInvalidArchive or ErrTooLarge", err)
	}
}

// TestReadTooManyMembers checks the member bound with a small limit (the
// real one, MaxMembers, is 500,000) on a zip and on a .tar.gz.
func TestReadTooManyMembers(t *testing.T) {
	t.Parallel()
	const limit = 10
	cases := []struct {
		name    string
		members int
		wantErr error
	}{
		{name: "at_the_limit", members: limit},
		{name: "over_the_limit", members: limit + 1, wantErr: ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A wheel: METADATA plus members-1 directories.
			var zbuf bytes.Buffer
			zw := zip.NewWriter(&zbuf)
			w, _ := zw.Create("many-1.0.dist-info/METADATA")
			w.Write([]byte("Metadata-Version: 2.1\nName: many\n"))
			for i := 1; i < tc.members; i++ {
				zw.Create(fmt.Sprintf("d%d/", i))
			}
			zw.Close()
			// An sdist: PKG-INFO plus members-1 files.
			var tbuf bytes.Buffer
			gw := gzip.NewWriter(&tbuf)
			tw := tar.NewWriter(gw)
			meta := []byte("Metadata-Version: 2.1\nName: many\n")
			tw.WriteHeader(&tar.Header{Name: "many-1.0/PKG-INFO", Size: int64(len(meta)), Mode: 0o644, Typeflag: tar.TypeReg})
			tw.Write(meta)
			for i := 1; i < tc.members; i++ {
				tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("many-1.0/f%d", i), Mode: 0o644, Typeflag: tar.TypeReg})
			}
			tw.Close()
			gw.Close()
			for name, b := range map[string][]byte{"many-1.0-py3-none-any.whl": zbuf.Bytes(), "many-1.0.tar.gz": tbuf.Bytes()} {
				k, _ := kindOf(name)
				d := &Distribution{Filename: name, Kind: k}
				err := decode(bytes.NewReader(b), int64(len(b)), d, limit)
				if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
					t.Errorf("decode(%s with %d members, limit %d) error = %v, want %v", name, tc.members, limit, err, tc.wantErr)
				}
				if err == nil && len(d.Archive.Members) != tc.members {
					t.Errorf("decode(%s) listed %d members, want %d", name, len(d.Archive.Members), tc.members)
				}
			}
		})
	}
}

func TestReadNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo-1.0-py3-none-any.whl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	sub := filepath.Join(dir, "dir-1.0-py3-none-any.whl")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		file File
		want error
	}{
		{name: "fifo", file: File{Path: fifo, Filename: filepath.Base(fifo), Kind: Wheel}, want: ErrInvalidArchive},
		{name: "directory", file: File{Path: sub, Filename: filepath.Base(sub), Kind: Wheel}, want: ErrInvalidArchive},
		{name: "missing", file: File{Path: filepath.Join(dir, "gone-1.0.tar.gz"), Kind: Sdist}, want: os.ErrNotExist},
		{name: "unknown_format", file: File{Path: filepath.Join(dir, "x.egg")}, want: ErrUnknownFormat},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(tc.file)
			if !errors.Is(err, tc.want) {
				t.Errorf("Read(%s) error = %v, want %v", tc.file.Path, err, tc.want)
			}
		})
	}
}

// TestReadKindFromName: a File with no Kind gets it from its name.
func TestReadKindFromName(t *testing.T) {
	t.Parallel()
	f := testdataFile("demo_pkg-1.0.0.tar.gz")
	f.Kind, f.Filename = 0, ""
	d, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Distribution{Path: f.Path, Filename: "demo_pkg-1.0.0.tar.gz", Kind: Sdist}, d,
		cmpopts.IgnoreFields(Distribution{}, "Size", "Digests", "Metadata", "MetadataPath", "Archive", "ModTime")); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
}
