package pep440

import (
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in    string
		want  string // "" means invalid
		local bool
		post  bool
	}{
		{in: "1.0", want: "1.0"},
		{in: "v1.0", want: "1.0"},
		{in: " 1.0\t", want: "1.0"},
		{in: "1.0.0RC1", want: "1.0.0rc1"},
		{in: "1.0-1", want: "1.0.post1", post: true},
		{in: "1.0.post", want: "1.0.post0", post: true},
		{in: "1.0-r2", want: "1.0.post2", post: true},
		{in: "1.0_alpha_3", want: "1.0a3"},
		{in: "1.0preview", want: "1.0rc0"},
		{in: "1.0c1", want: "1.0rc1"},
		{in: "1!2.0", want: "1!2.0"},
		{in: "0!2.0", want: "2.0"},
		{in: "01.002", want: "1.2"},
		{in: "1.0.dev", want: "1.0.dev0"},
		{in: "1.0+Ubuntu-1", want: "1.0+ubuntu.1", local: true},
		{in: "1.0+001", want: "1.0+1", local: true},
		{in: "2.0.0rc1.post2.dev3", want: "2.0.0rc1.post2.dev3", post: true},
		{in: "", want: ""},
		{in: "1.", want: ""},
		{in: "1.0+", want: ""},
		{in: "1.0-", want: ""},
		{in: "1.0.*", want: ""},
		{in: "a1", want: ""},
		{in: "1.0 .0", want: ""},
		{in: "1.0\u212a", want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			v, err := Parse(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Errorf("Parse(%q) = %v, want error", tc.in, v)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) failed: %v", tc.in, err)
			}
			if got := v.String(); got != tc.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			if v.IsLocal() != tc.local || v.IsPostRelease() != tc.post {
				t.Errorf("Parse(%q): IsLocal=%v IsPostRelease=%v, want %v %v", tc.in, v.IsLocal(), v.IsPostRelease(), tc.local, tc.post)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	// Each version is smaller than the next.
	order := []string{"1.0.dev0", "1.0a1.dev0", "1.0a1", "1.0a2.post1", "1.0b1", "1.0rc1", "1.0", "1.0+abc", "1.0+5", "1.0.post1.dev0", "1.0.post1", "1.1", "1!0.1"}
	for i := range order {
		for j := range order {
			a, _ := Parse(order[i])
			b, _ := Parse(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := Compare(a, b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	a, _ := Parse("1.0")
	b, _ := Parse("1.0.0")
	if !Equal(a, b) {
		t.Error("Equal(1.0, 1.0.0) = false, want true")
	}
}

func FuzzVersion(f *testing.F) {
	for _, s := range []string{"1.0", "1!2.0rc1.post3.dev4+local.1", "v1.0-1", " 1 ", "1.0+", "1..0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		// The normalized form parses to the same version.
		w, err := Parse(v.String())
		if err != nil {
			t.Fatalf("Parse(%q) round trip of %q failed: %v", v.String(), s, err)
		}
		if w.String() != v.String() || Compare(v, w) != 0 {
			t.Fatalf("round trip of %q: %q then %q", s, v, w)
		}
	})
}
