package spdx

import "testing"

func TestCanonicalize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string // want "" means invalid
	}{
		{"mit", "MIT"},
		{"MIT OR Apache-2.0", "MIT OR Apache-2.0"},
		{"mit and (apache-2.0 or bsd-2-clause)", "MIT AND (Apache-2.0 OR BSD-2-Clause)"},
		{"GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"},
		{"LicenseRef-My-License.1", "LicenseRef-My-License.1"},
		{"licenseref-Public-Domain", "LicenseRef-Public-Domain"},
		{"Apache-2.0+", "Apache-2.0+"},
		{"GPL-2.0", "GPL-2.0"}, // deprecated identifiers are accepted
		{"((MIT))", "((MIT))"},
		{"", ""},
		{"   ", ""},
		{"(mit", ""},
		{"mit)", ""},
		{"MIT OR", ""},
		{"MIT Apache-2.0", ""},
		{"MIT ()", ""},
		{"MIT (Apache-2.0)", ""},
		{"Use-it-after-midnight", ""},
		{"MIT WITH", ""},
		{"WITH MIT", ""},
		{"MIT WITH Not-An-Exception", ""},
		{"LicenseRef-a_b", ""},
		{"LicenseRef-x+", ""},
		{"DocumentRef-x:LicenseRef-y", ""},
		{"MIT AND OR Apache-2.0", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Canonicalize(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Errorf("Canonicalize(%q) = %q, want error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Canonicalize(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
			}
		})
	}
	if ListVersion() == "" {
		t.Error("ListVersion() is empty")
	}
}

func FuzzLicenseExpression(f *testing.F) {
	for _, s := range []string{"MIT", "mit and (apache-2.0 or bsd-2-clause)", "GPL-2.0+ WITH Classpath-exception-2.0", "(((", "LicenseRef-x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Canonicalize(s)
		if err != nil {
			return
		}
		again, err := Canonicalize(got)
		if err != nil || again != got {
			t.Fatalf("Canonicalize(%q) = %q, which canonicalizes to %q, %v", s, got, again, err)
		}
	})
}
