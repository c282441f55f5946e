package pep508

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRequirement(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    *Requirement
		wantErr bool
	}{
		{in: "requests", want: &Requirement{Name: "requests"}},
		{in: "requests[security,socks] >=2.8.1, ==2.8.* ; python_version < '2.7'", want: &Requirement{Name: "requests", Extras: []string{"security", "socks"}, Specifier: ">=2.8.1,==2.8.*", Marker: "python_version < '2.7'"}},
		{in: "name (>=1.0)", want: &Requirement{Name: "name", Specifier: ">=1.0"}},
		{in: "pip @ https://github.com/pypa/pip/archive/1.3.1.zip ; extra == 'x'", want: &Requirement{Name: "pip", URL: "https://github.com/pypa/pip/archive/1.3.1.zip", Marker: "extra == 'x'"}},
		{in: "foo; os.name == 'posix' and (platform_machine == 'x86_64' or extra == \"a\")", want: &Requirement{Name: "foo", Marker: "os.name == 'posix' and (platform_machine == 'x86_64' or extra == \"a\")"}},
		{in: "", wantErr: true},
		{in: "-foo", wantErr: true},
		{in: "foo >= 1.0 <2", wantErr: true},
		{in: "foo[bar baz]", wantErr: true},
		{in: "foo; python_version", wantErr: true},
		{in: "foo; python_version == '3' and", wantErr: true},
		{in: "foo; (python_version == '3'", wantErr: true},
		{in: "foo >=1.0.*", wantErr: true},
		{in: "foo @ https://x.y/z.whl; extra == 'a'", wantErr: true},
		{in: "foo; unknown == 'x'", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRequirement(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseRequirement(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseRequirement(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseSpecifierSet(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    []Specifier
		wantErr bool
	}{
		{in: "", want: nil},
		{in: ">=3.8,", want: []Specifier{{">=", "3.8"}}},
		{in: " ~= 1.4.5 , != 1.5.*", want: []Specifier{{"~=", "1.4.5"}, {"!=", "1.5.*"}}},
		{in: "===foobar", want: []Specifier{{"===", "foobar"}}},
		{in: "==1.0+local", want: []Specifier{{"==", "1.0+local"}}},
		{in: ">=1.0+local", wantErr: true},
		{in: "~=1", wantErr: true},
		{in: "3.8", wantErr: true},
		{in: ">=3.8 <4", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSpecifierSet(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseSpecifierSet(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseSpecifierSet(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

var seeds = []string{
	"requests[security] >=2.8.1, ==2.8.* ; python_version < \"2.7\"",
	"name@https://example.com/x.whl ; extra == 'a'",
	"foo (>=1.0, <2)",
	"foo; (os_name == 'nt' or sys_platform == 'win32') and extra == 'x'",
	"foo[",
	">=1.0,!=1.5.*",
	"===weird",
	"python_version not in '3.8 3.9'",
}

func TestRealRequirements(t *testing.T) {
	t.Parallel()
	for _, s := range realRequirements(t) {
		if _, err := ParseRequirement(s); err != nil {
			t.Errorf("ParseRequirement(%q) failed: %v", s, err)
		}
	}
}

func FuzzRequirement(f *testing.F) {
	for _, s := range append(seeds, realRequirements(f)...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err == nil && r.Name == "" {
			t.Fatalf("ParseRequirement(%q) returned no name", s)
		}
	})
}

func FuzzSpecifier(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			return
		}
		for _, sp := range set {
			if _, err := ParseSpecifier(sp.String()); err != nil {
				t.Fatalf("specifier %q from %q does not parse again: %v", sp, s, err)
			}
		}
	})
}

func FuzzMarker(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	for _, s := range realRequirements(f) {
		if _, m, ok := strings.Cut(s, ";"); ok {
			f.Add(m)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = ParseMarker(s)
	})
}
