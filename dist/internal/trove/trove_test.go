package trove

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want Status
		repl []string
	}{
		{name: "valid", in: "Programming Language :: Python :: 3", want: Valid},
		{name: "addition", in: "Programming Language :: Python :: 3.13", want: Valid},
		{name: "case_matters", in: "programming language :: python :: 3", want: Unknown},
		{name: "unknown", in: "Programming Language :: Cobol :: 2099", want: Unknown},
		{name: "deprecated_with_replacement", in: "Natural Language :: Ukranian", want: Deprecated, repl: []string{"Natural Language :: Ukrainian"}},
		{name: "deprecated_no_replacement", in: "Topic :: Communications :: Chat :: AOL Instant Messenger", want: Deprecated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, repl := Lookup(tc.in)
			if got != tc.want {
				t.Errorf("Lookup(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if diff := cmp.Diff(tc.repl, repl); diff != "" {
				t.Errorf("Lookup(%q) replacements mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
	if Source() == "" {
		t.Error("Source() is empty")
	}
}
