package dist

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// cdOf returns the central-directory sizes of a zip, as Read records them.
func cdOf(t *testing.T, b []byte) map[string][2]uint64 {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	cd := map[string][2]uint64{}
	for _, f := range zr.File {
		cd[f.Name] = [2]uint64{f.CompressedSize64, f.UncompressedSize64}
	}
	return cd
}

func TestZipFramingProblem(t *testing.T) {
	t.Parallel()
	// A wheel written by Python's zipfile on a seekable file (hatchling),
	// as almost every real wheel is.
	good, err := os.ReadFile(filepath.Join("..", "demo", "pypi_publish_demo-1.0.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	// Go's zip.Writer streams: every member has a data descriptor.
	var streamed bytes.Buffer
	zw := zip.NewWriter(&streamed)
	w, _ := zw.Create("a/METADATA")
	w.Write([]byte("Metadata-Version: 2.1\n"))
	zw.Close()
	// The first central directory header gets a one-byte comment.
	withComment := func() []byte {
		i := bytes.Index(good, []byte("PK\x01\x02"))
		nameLen := int(good[i+28]) | int(good[i+29])<<8
		extraLen := int(good[i+30]) | int(good[i+31])<<8
		at := i + 46 + nameLen + extraLen
		b := append(bytes.Clone(good[:at]), '!')
		b = append(b, good[at:]...)
		b[i+32], b[i+33] = 1, 0
		return b
	}()
	cases := []struct {
		name string
		b    []byte
		cd   map[string][2]uint64
		want string
	}{
		{name: "python_zipfile_wheel", b: good, want: ""},
		{name: "data_descriptor", b: streamed.Bytes(), want: "ZIP contains a data descriptor"},
		{name: "trailing_data", b: append(bytes.Clone(good), "junk"...), cd: cdOf(t, good), want: "Trailing data"},
		{name: "prepended_data", b: append([]byte("#!/bin/sh\n"), good...), cd: cdOf(t, good), want: "Unknown record signature"},
		{name: "truncated", b: good[:len(good)/2], cd: cdOf(t, good), want: "Malformed zip file"},
		{name: "size_mismatch", b: good, cd: func() map[string][2]uint64 {
			cd := cdOf(t, good)
			for k, v := range cd {
				cd[k] = [2]uint64{v[0] + 1, v[1]}
				break
			}
			return cd
		}(), want: "Mis-matched data size"},
		{name: "not_in_central_directory", b: good, cd: map[string][2]uint64{}, want: "Filename not in central directory"},
		{name: "empty", b: nil, cd: map[string][2]uint64{}, want: "Malformed zip file"},
		{name: "comment_in_central_directory", b: withComment, cd: cdOf(t, good), want: "Comment in central directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cd := tc.cd
			if cd == nil {
				cd = cdOf(t, tc.b)
			}
			if got := zipFramingProblem(bytes.NewReader(tc.b), cd); got != tc.want {
				t.Errorf("zipFramingProblem() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestZipFramingProblem_realWheels: Debian's wheels and the corpus pass.
func TestZipFramingProblem_realWheels(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("/usr/share/python-wheels/*.whl")
	if root := os.Getenv("DIST_CORPUS"); root != "" {
		more, _ := filepath.Glob(filepath.Join(root, "dists", "*.whl"))
		files = append(files, more...)
	}
	if len(files) == 0 {
		testtool.Missing(t, "no real wheels here (apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl)")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if why := zipFramingProblem(bytes.NewReader(b), cdOf(t, b)); why != "" {
			t.Errorf("%s: %s", f, why)
		}
	}
}

// FuzzZipFraming: the framing walker never panics, whatever the bytes.
func FuzzZipFraming(f *testing.F) {
	good, err := os.ReadFile(filepath.Join("..", "demo", "pypi_publish_demo-1.0.0-py3-none-any.whl"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cd := map[string][2]uint64{}
		if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
			for _, zf := range zr.File {
				cd[zf.Name] = [2]uint64{zf.CompressedSize64, zf.UncompressedSize64}
			}
		}
		_ = zipFramingProblem(bytes.NewReader(b), cd)
	})
}
