package dist

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormMetadata(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		in       *Metadata
		wantSent []Header
		wantLeft []LeftOut
	}{
		{
			name:     "too_new_left_out",
			in:       meta("Metadata-Version", "2.1", "Name", "demo", "License", "MIT", "License-Expression", "MIT", "Dynamic", "Name"),
			wantSent: []Header{{"Metadata-Version", "2.1"}, {"Name", "demo"}, {"License", "MIT"}},
			wantLeft: []LeftOut{{Header{"License-Expression", "MIT"}, LeftTooNew, "2.4"}, {Header{"Dynamic", "Name"}, LeftTooNew, "2.2"}},
		},
		{
			name:     "kept_when_declared",
			in:       meta("Metadata-Version", "2.4", "License-Expression", "MIT", "License-File", "LICENSE"),
			wantSent: []Header{{"Metadata-Version", "2.4"}, {"License-Expression", "MIT"}, {"License-File", "LICENSE"}},
		},
		{
			name:     "unparsable_version_keeps_fields",
			in:       meta("Metadata-Version", "two", "Import-Name", "x"),
			wantSent: []Header{{"Metadata-Version", "two"}, {"Import-Name", "x"}},
		},
		{
			name:     "repeated_single_use",
			in:       meta("Metadata-Version", "2.1", "Summary", "one", "summary", "two", "Classifier", "A :: B", "Classifier", "C :: D"),
			wantSent: []Header{{"Metadata-Version", "2.1"}, {"Summary", "one"}, {"Classifier", "A :: B"}, {"Classifier", "C :: D"}},
			wantLeft: []LeftOut{{Header: Header{"summary", "two"}, Why: LeftRepeated}},
		},
		{
			name:     "unknown_and_safe_name",
			in:       meta("Metadata-Version", "2.1", "Name", "my_pkg tools", "X-Custom", "1"),
			wantSent: []Header{{"Metadata-Version", "2.1"}, {"Name", "my-pkg-tools"}},
			wantLeft: []LeftOut{{Header: Header{"X-Custom", "1"}, Why: LeftUnknown}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sent, left := FormMetadata(tc.in)
			if diff := cmp.Diff(tc.wantSent, sent.Headers); diff != "" {
				t.Errorf("FormMetadata() sent mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantLeft, left); diff != "" {
				t.Errorf("FormMetadata() left out mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if sent, left := FormMetadata(nil); len(sent.Headers) != 0 || left != nil {
		t.Errorf("FormMetadata(nil) = %v, %v; want empty", sent, left)
	}
}

func TestUploadOrder(t *testing.T) {
	t.Parallel()
	w1 := wheel("a-1.0-py3-none-any.whl", baseMeta())
	w2 := wheel("b-1.0-py3-none-any.whl", with(baseMeta(), "Metadata-Version", "2.6"))
	s1 := sdist("a-1.0.tar.gz", baseMeta())
	s2 := sdist("b-1.0.tar.gz", baseMeta("X-New-Field", "1"))
	w3 := wheel("c-1.0-py3-none-any.whl", baseMeta())
	got := UploadOrder([]*Distribution{w1, w2, s1, nil, s2, w3})
	var names []string
	for _, d := range got {
		names = append(names, d.Filename)
	}
	want := []string{"b-1.0-py3-none-any.whl", "b-1.0.tar.gz", "a-1.0-py3-none-any.whl", "c-1.0-py3-none-any.whl", "a-1.0.tar.gz"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("UploadOrder() mismatch (-want +got):\n%s", diff)
	}
	for d, want := range map[*Distribution]string{
		w1: "",
		w2: "Metadata-Version 2.6 is newer than 2.5",
		s2: "unknown fields X-New-Field",
		wheel("x-1.0-py3-none-any.whl", with(baseMeta("X-A", "1"), "Metadata-Version", "3.0")): "Metadata-Version 3.0 is newer than 2.5; unknown fields X-A",
	} {
		if got := Uncertain(d); got != want {
			t.Errorf("Uncertain(%s) = %q, want %q", d.Filename, got, want)
		}
	}
	if Uncertain(nil) != "" || Uncertain(&Distribution{}) != "" {
		t.Error("Uncertain of a distribution without metadata is not empty")
	}
}

func TestCheckReadFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "demo_pkg-1.0-py3-none-any.whl")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := File{Path: bad, Filename: filepath.Base(bad), Kind: Wheel}
	_, err := Read(f)
	if err == nil {
		t.Fatal("Read of a broken wheel succeeded")
	}
	odd := File{Path: filepath.Join(dir, "x.tar.bz2"), Filename: "demo.exe", Kind: Sdist}
	ps := Check([]*Distribution{wheel("demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", baseMeta())}, TargetPyPI,
		WithReadFailures(ReadFailure{File: f, Err: err}, ReadFailure{File: odd, Err: errors.New("disk on fire")}))
	want := []finding{
		{"demo_pkg-1.0-py3-none-any.whl", "VA-10", "unreadable", SeverityError},
		{"demo.exe", "VA-10", "unreadable", SeverityError},
		{"demo.exe", "VA-10", "filename-extension", SeverityError},
		{"demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", "VA-06", "platform-tag", SeverityError},
	}
	if diff := cmp.Diff(want, findings(ps)); diff != "" {
		t.Errorf("Check() mismatch (-want +got):\n%s", diff)
	}
	if got := ps[0].Message; got != "Invalid distribution file. File is not a zipfile" {
		t.Errorf("unreadable wheel message = %q, want PyPI's", got)
	}
	if !strings.Contains(ps[0].Fix, "not a valid zip archive") {
		t.Errorf("fix %q does not carry the read error", ps[0].Fix)
	}
	if got := ps[1].Message; got != "disk on fire" {
		t.Errorf("message without PyPI wording = %q, want the error", got)
	}
}

func TestCheckWithClassifiers(t *testing.T) {
	t.Parallel()
	list := strings.Join(append(strings.Split(strings.TrimSpace(servedList()), "\n"), "Framework :: Brand New"), "\n")
	live, err := ParseClassifiers(list, "https://pypi.org/pypi?%3Aaction=list_classifiers")
	if err != nil {
		t.Fatal(err)
	}
	d := wheel(okWheel, baseMeta("Classifier", "Framework :: Brand New", "Classifier", "Natural Language :: Ukranian"))
	rules := func(ps []Problem) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Rule+": "+p.Message)
		}
		return out
	}
	want := []string{"classifier-unknown: 'Framework :: Brand New' is not a valid classifier.",
		"classifier-deprecated: The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."}
	if diff := cmp.Diff(want, rules(Check([]*Distribution{d}, TargetPyPI))); diff != "" {
		t.Errorf("embedded list mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[1:], rules(Check([]*Distribution{d}, TargetPyPI, WithClassifiers(live)))); diff != "" {
		t.Errorf("index list mismatch (-want +got):\n%s", diff)
	}
	if got, want := EmbeddedClassifiers().Source(), "trove-classifiers "+ClassifiersRelease()+" of "+ClassifiersDate(); got != want {
		t.Errorf("EmbeddedClassifiers().Source() = %q, want %q", got, want)
	}
	if _, err := ParseClassifiers("<html>Service Unavailable</html>", "https://pypi.org/x"); err == nil {
		t.Error("ParseClassifiers accepted an error page")
	}
}

// servedList returns a classifier list as an index serves it (one per
// line), with classifiers the embedded list lacks.
func servedList() string {
	var b strings.Builder
	for _, c := range []string{"Programming Language :: Python :: 3"} {
		b.WriteString(c + "\n")
	}
	for i := 0; i < 200; i++ {
		b.WriteString("Topic :: Generated :: " + strings.Repeat("x", i%7+1) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "\n")
	}
	return b.String()
}
