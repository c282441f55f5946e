package attest

import "testing"

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

func FuzzParseAttestation(f *testing.F) {
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := ParseAttestation(b); err == nil {
			_, _ = verifyCrypto(a, ProductionRoot())
		}
	})
}
