package dist

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

func TestHashKnownValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want Digests
	}{
		{name: "empty", in: "", want: Digests{
			SHA256:     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			MD5:        "d41d8cd98f00b204e9800998ecf8427e",
			Blake2b256: "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
		}},
		{name: "abc", in: "abc", want: Digests{
			SHA256:     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			MD5:        "900150983cd24fb0d6963f7d28e17f72",
			Blake2b256: "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, n, err := Hash(strings.NewReader(tc.in))
			if err != nil || n != int64(len(tc.in)) {
				t.Fatalf("Hash(%q) = _, %d, %v, want %d, nil", tc.in, n, err, len(tc.in))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Hash(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestHashMatchesCoreutils compares Read's digests with sha256sum, md5sum and
// "b2sum -l 256" (GNU coreutils) on the fixtures and a 3 MiB random file.
func TestHashMatchesCoreutils(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"sha256sum", "md5sum", "b2sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			testtool.Missing(t, "needs %s (coreutils)", tool)
		}
	}
	big := filepath.Join(t.TempDir(), "random-1.0-py3-none-any.whl")
	data := make([]byte, 3<<20)
	r := rand.NewChaCha8([32]byte{1, 2, 3})
	r.Read(data)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{big}
	for _, name := range []string{"demo_pkg-1.0.0-py3-none-any.whl", "demo_pkg-1.0.0.tar.gz", "demo_pkg-1.0.0.zip", "tarbomb-1.0.tar.gz"} {
		paths = append(paths, filepath.Join("testdata", "dists", name))
	}
	sum := func(p string, tool string, args ...string) string {
		out, err := exec.Command(tool, append(args, p)...).Output()
		if err != nil {
			t.Fatalf("%s %s: %v", tool, p, err)
		}
		return strings.Fields(string(out))[0]
	}
	for _, p := range paths {
		want := Digests{
			SHA256:     sum(p, "sha256sum"),
			MD5:        sum(p, "md5sum"),
			Blake2b256: sum(p, "b2sum", "-l", "256"),
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := Hash(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Hash(%s) mismatch (-coreutils +go):\n%s", p, diff)
		}
		if strings.Contains(p, "demo_pkg") {
			d, err := Read(File{Path: p, Filename: filepath.Base(p)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, d.Digests); diff != "" {
				t.Errorf("Read(%s).Digests mismatch (-coreutils +go):\n%s", p, diff)
			}
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestHashReadError(t *testing.T) {
	t.Parallel()
	_, _, err := Hash(failingReader{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Hash(failing reader) error = %v, want the read error", err)
	}
}

func BenchmarkHash(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Hash(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
