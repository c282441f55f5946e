package trove

import (
	"strings"
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
		{name: "valid_2026", in: "Programming Language :: Zig", want: Valid},
		{name: "case_matters", in: "programming language :: python :: 3", want: Unknown},
		{name: "unknown", in: "Programming Language :: Cobol :: 2099", want: Unknown},
		{name: "private", in: "Private :: Do Not Upload", want: Unknown},
		{name: "deprecated_with_replacement", in: "Natural Language :: Ukranian", want: Deprecated, repl: []string{"Natural Language :: Ukrainian"}},
		{name: "deprecated_no_replacement", in: "License :: OSI Approved :: X.Net License", want: Deprecated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, repl := Embedded().Lookup(tc.in)
			if got != tc.want {
				t.Errorf("Lookup(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if diff := cmp.Diff(tc.repl, repl); diff != "" {
				t.Errorf("Lookup(%q) replacements mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestEmbeddedSource(t *testing.T) {
	t.Parallel()
	if Release() == "" || Date() == "" {
		t.Fatalf("Release() = %q, Date() = %q; data/SOURCE lacks them", Release(), Date())
	}
	if got, want := Embedded().Source(), "trove-classifiers "+Release()+" of "+Date(); got != want {
		t.Errorf("Source() = %q, want %q", got, want)
	}
	if n := Embedded().Len(); n < 800 {
		t.Errorf("Len() = %d, want the full list", n)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	full := strings.ReplaceAll(classifiersTxt, "\n", "\r\n")
	l, err := Parse(full+"Framework :: Brand New\n", "https://pypi.org/pypi?%3Aaction=list_classifiers")
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range map[string]Status{
		"Framework :: Brand New":              Valid,
		"Programming Language :: Python :: 3": Valid,
		"Natural Language :: Ukranian":        Deprecated,
		"Programming Language :: Cobol :: 99": Unknown,
	} {
		if got, _ := l.Lookup(c); got != want {
			t.Errorf("Lookup(%q) = %v, want %v", c, got, want)
		}
	}
	// The index's list wins over the embedded deprecation.
	l2, err := Parse(classifiersTxt+"Natural Language :: Ukranian\n", "index")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l2.Lookup("Natural Language :: Ukranian"); got != Valid {
		t.Errorf("Lookup of a classifier the index lists = %v, want Valid", got)
	}
	for name, text := range map[string]string{
		"empty":      "",
		"html":       "<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n",
		"short":      "Programming Language :: Python\n",
		"control":    classifiersTxt + "Bad :: \x1b[31m\n",
		"long_line":  classifiersTxt + "A :: " + strings.Repeat("x", 2000) + "\n",
		"not_a_list": strings.Repeat("word\n", 500),
	} {
		if _, err := Parse(text, "index"); err == nil {
			t.Errorf("Parse(%s) succeeded, want an error", name)
		}
	}
}
