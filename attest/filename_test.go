package attest

import (
	"os"
	"path/filepath"
	"testing"
)

// Subject names are compared as parsed tuples, as packaging does.
func TestParseDistFilename_equality(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b string
		want bool
	}{
		{"pkg-1.0.tar.gz", "pkg-1.0.tar.gz", true},
		{"Pkg_Name-1.0.tar.gz", "pkg-name-1.0.tar.gz", true},
		{"pkg-1.0.tar.gz", "pkg-1.0.0.tar.gz", true},
		{"pkg-1.0.tar.gz", "pkg-1.1.tar.gz", false},
		{"pkg-1.0.tar.gz", "pkg-1.0.zip", true},
		{"pkg-1.0.tar.gz", "pkg-1.0-py3-none-any.whl", false},
		{"pkg-1.0-py3-none-any.whl", "pkg-1.0-py3-none-any.whl", true},
		{"pkg-1.0-py2.py3-none-any.whl", "pkg-1.0-py3.py2-none-any.whl", true},
		{"pkg-1.0-py3-none-any.whl", "pkg-1.0-1-py3-none-any.whl", false},
		{"pkg-1.0rc1-py3-none-any.whl", "pkg-1.0c1-py3-none-any.whl", true},
		{"pkg-1.0.post1.tar.gz", "pkg-1.0-1.tar.gz", false}, // "1.0-1" is name "pkg-1.0", version "1"
		{"pkg-1.0a1.dev2+Local.1.tar.gz", "pkg-1.0alpha1.dev2+local_1.tar.gz", true},
	}
	for _, tc := range cases {
		a, errA := parseDistFilename(tc.a)
		b, errB := parseDistFilename(tc.b)
		if errA != nil || errB != nil {
			t.Errorf("parseDistFilename(%q, %q) errors %v, %v", tc.a, tc.b, errA, errB)
			continue
		}
		if got := a == b; got != tc.want {
			t.Errorf("%q == %q: got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	for _, bad := range []string{"pkg.tar.gz", "pkg-1.0.txt", "pkg-1.0-py3-any.whl", "pkg-x.y.tar.gz", "p__k-1.0-py3-none-any.whl", "pkg-1.0-x-py3-none-any.whl"} {
		if _, err := parseDistFilename(bad); err == nil {
			t.Errorf("parseDistFilename(%q) = nil error, want one", bad)
		}
	}
}

func FuzzParseDistFilename(f *testing.F) {
	for _, s := range []string{"pkg-1.0.tar.gz", "pkg-1.0-1-py3-none-any.whl", "a-1!2.3rc4.post5.dev6+x.y.zip"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseDistFilename(s)
	})
}

// FuzzVerify must never panic, whatever the attestation bytes; it is
// seeded with the real production attestations.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"version":1}`))
	for _, name := range []string{"pypi_attestations-0.0.19.tar.gz.publish.attestation", "spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	id := Identity{Repository: "trailofbits/pypi-attestations", Workflow: "release.yml"}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Verify(b, "pypi_attestations-0.0.19.tar.gz", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3", id, nil)
		_ = VerifyUpload(b, "pypi_attestations-0.0.19.tar.gz", "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3", id, nil)
		_, _ = ToBundle(b)
		_, _ = FromBundle(b)
	})
}
