package dist

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{
		"demo_pkg-1.0.0-py3-none-any.whl",
		"pkg-1.0-1abc-py2.py3-none-any.whl",
		"numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"a-1!2.0+local-cp311-abi3-macosx_11_0_arm64.whl",
		"bad.whl", "-.whl", "a--b-c-d.whl", "café-1.0-py3-none-any.whl",
	} {
		f.Add(s)
	}
	if entries, err := os.ReadDir(filepath.Join("testdata", "dists")); err == nil {
		for _, e := range entries {
			f.Add(e.Name())
		}
	}
	f.Fuzz(func(t *testing.T, name string) {
		w, err := ParseWheelFilename(name)
		if err != nil {
			return
		}
		// Round trip: the parts rebuild the name.
		if got := w.String(); got != name {
			t.Errorf("ParseWheelFilename(%q).String() = %q", name, got)
		}
		if w.Name == "" || w.Version == "" || len(w.Python) == 0 || len(w.ABI) == 0 || len(w.Platform) == 0 {
			t.Errorf("ParseWheelFilename(%q) = %+v, an empty part", name, w)
		}
		if _, _, err := ParseSdistFilename(name); err == nil {
			t.Errorf("%q parses as both a wheel and an sdist", name)
		}
	})
}

func FuzzParseSdistFilename(f *testing.F) {
	for _, s := range []string{"demo_pkg-1.0.0.tar.gz", "a-b-c-1.0.zip", "x.tar.gz", "-1.tar.gz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, filename string) {
		name, version, err := ParseSdistFilename(filename)
		if err != nil {
			return
		}
		if !strings.HasPrefix(filename, name+"-"+version+".") {
			t.Errorf("ParseSdistFilename(%q) = %q, %q: not the file name's parts", filename, name, version)
		}
		if strings.Contains(version, "-") || name == "" || version == "" {
			t.Errorf("ParseSdistFilename(%q) = %q, %q", filename, name, version)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	if entries, err := os.ReadDir(filepath.Join("testdata", "metadata")); err == nil {
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join("testdata", "metadata", e.Name())); err == nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{"", "Name: x\n", " \n:\nFrom x\n\r\n", "A: b\r\n c\rD:\n\nbody", "\xef\xbb\xbfName: x", "Name: \xff\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(b)
		if err != nil {
			return
		}
		for _, h := range m.Headers {
			if h.Name == "" || strings.ContainsAny(h.Name, ": \t\r\n") {
				t.Errorf("ParseMetadata(%q): bad header name %q", b, h.Name)
			}
			if strings.HasSuffix(h.Value, "\n") || strings.HasSuffix(h.Value, "\r") {
				t.Errorf("ParseMetadata(%q): value %q ends with a line break", b, h.Value)
			}
		}
		if !bytes.HasSuffix(b, []byte(m.Body)) {
			t.Errorf("ParseMetadata(%q).Body = %q, not the end of the input", b, m.Body)
		}
		// Round trip: headers written back (each value on its original
		// lines) and the body parse to the same thing, when the body
		// starts after an empty line and no header is multi-line.
		if m.BodyPresent || len(m.Headers) == 0 {
			return
		}
		var buf bytes.Buffer
		for _, h := range m.Headers {
			if strings.ContainsAny(h.Value, "\r\n") || strings.HasPrefix(h.Value, " ") || strings.HasPrefix(h.Value, "\t") || strings.HasPrefix(h.Name, "From") {
				return
			}
			buf.WriteString(h.Name + ": " + h.Value + "\n")
		}
		m2, err := ParseMetadata(buf.Bytes())
		if err != nil {
			t.Fatalf("ParseMetadata(rewritten %q) error = %v", buf.Bytes(), err)
		}
		if len(m2.Headers) != len(m.Headers) {
			t.Fatalf("round trip of %q: %d headers, want %d", b, len(m2.Headers), len(m.Headers))
		}
		for i := range m.Headers {
			if m.Headers[i] != m2.Headers[i] {
				t.Errorf("round trip of %q: header %d = %+v, want %+v", b, i, m2.Headers[i], m.Headers[i])
			}
		}
	})
}

// FuzzRead decodes the input as a wheel, a .tar.gz sdist and a .zip sdist
// (the part of Read after opening the file): it must never panic, and what
// it returns must be whole. Read itself is tested on files in read_test.go.
func FuzzRead(f *testing.F) {
	if entries, err := os.ReadDir(filepath.Join("testdata", "dists")); err == nil {
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || info.Size() > 64<<10 {
				continue
			}
			if b, err := os.ReadFile(filepath.Join("testdata", "dists", e.Name())); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"fuzz-1.0-py3-none-any.whl", "fuzz-1.0.tar.gz", "fuzz-1.0.zip"} {
			k, _ := kindOf(name)
			d := &Distribution{Filename: name, Kind: k}
			if err := decode(bytes.NewReader(b), int64(len(b)), d, MaxMembers); err != nil {
				if err.Error() == "" {
					t.Errorf("decode(%s) returned an empty error", name)
				}
				continue
			}
			if d.Metadata == nil || d.Archive == nil || d.Size != int64(len(b)) || len(d.Digests.SHA256) != 64 {
				t.Errorf("decode(%s) = %+v, incomplete", name, d)
			}
			if _, ok := d.Metadata.Get("Metadata-Version"); !ok {
				t.Errorf("decode(%s) returned metadata without Metadata-Version", name)
			}
		}
	})
}
