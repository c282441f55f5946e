package dist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

func TestParseMetadata(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want *Metadata
	}{
		{
			name: "headers_and_body",
			in:   "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n\n# Title\n\nText.\n",
			want: &Metadata{
				Headers:     []Header{{"Metadata-Version", "2.1"}, {"Name", "pkg"}, {"Version", "1.0"}},
				Body:        "# Title\n\nText.\n",
				BodyPresent: true,
			},
		},
		{
			name: "no_body",
			in:   "Metadata-Version: 1.0\nName: pkg\n",
			want: &Metadata{Headers: []Header{{"Metadata-Version", "1.0"}, {"Name", "pkg"}}},
		},
		{
			name: "empty_body_after_separator",
			in:   "Name: pkg\n\n",
			want: &Metadata{Headers: []Header{{"Name", "pkg"}}, BodyPresent: true},
		},
		{
			name: "repeated_headers_kept_in_order",
			in:   "Requires-Dist: a\nClassifier: X\nRequires-Dist: b\n",
			want: &Metadata{Headers: []Header{{"Requires-Dist", "a"}, {"Classifier", "X"}, {"Requires-Dist", "b"}}},
		},
		{
			name: "folded_value_kept_verbatim",
			in:   "License: MIT\n        Copyright 2024\n\tline 3\nName: x\n",
			want: &Metadata{Headers: []Header{{"License", "MIT\n        Copyright 2024\n\tline 3"}, {"Name", "x"}}},
		},
		{
			name: "description_header_8_spaces_and_pipe",
			in:   "Description: Title\n        =====\n       |\n       |  indented\nName: x\n",
			want: &Metadata{Headers: []Header{{"Description", "Title\n        =====\n       |\n       |  indented"}, {"Name", "x"}}},
		},
		{
			name: "crlf_kept_inside_value_stripped_at_end",
			in:   "Name: x\r\nLicense: a\r\n b\r\n\r\nbody\r\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}, {"License", "a\r\n b"}}, Body: "body\r\n", BodyPresent: true},
		},
		{
			name: "leading_tabs_and_spaces_after_colon_removed_trailing_kept",
			in:   "Name: \t x  \nSummary:\n",
			want: &Metadata{Headers: []Header{{"Name", "x  "}, {"Summary", ""}}},
		},
		{
			name: "non_header_line_starts_body",
			in:   "Name: x\nthis is not a header\nVersion: 1\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}}, Body: "this is not a header\nVersion: 1\n", BodyPresent: true},
		},
		{
			name: "name_with_space_is_not_a_header",
			in:   "Name: x\nHome Page: y\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}}, Body: "Home Page: y\n", BodyPresent: true},
		},
		{
			name: "continuation_before_first_header_dropped",
			in:   "  stray\nName: x\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}}},
		},
		{
			name: "colon_first_dropped_with_its_continuation",
			in:   "Name: x\n: nameless\n more\nVersion: 1\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}, {"Version", "1"}}},
		},
		{
			name: "unix_from_line_skipped",
			in:   "From nobody Mon Jan 1\nName: x\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}}},
		},
		{
			name: "utf8_values",
			in:   "Author: Renée Ça\nSummary: 日本語\n",
			want: &Metadata{Headers: []Header{{"Author", "Renée Ça"}, {"Summary", "日本語"}}},
		},
		{
			name: "bare_cr_line_ends",
			in:   "Name: x\rVersion: 1\r\rbody",
			want: &Metadata{Headers: []Header{{"Name", "x"}, {"Version", "1"}}, Body: "body", BodyPresent: true},
		},
		{
			name: "form_feed_line_starts_body",
			in:   "Name: x\n\fpage\n",
			want: &Metadata{Headers: []Header{{"Name", "x"}}, Body: "\fpage\n", BodyPresent: true},
		},
		{
			name: "description_header_and_body",
			in:   "Description: header text\n\nbody text\n",
			want: &Metadata{Headers: []Header{{"Description", "header text"}}, Body: "body text\n", BodyPresent: true},
		},
		{
			name: "empty",
			in:   "",
			want: &Metadata{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMetadata([]byte(tc.in))
			if err != nil {
				t.Fatalf("ParseMetadata(%q) error = %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseMetadata(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestParseMetadataDescription(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want string
	}{
		{name: "body", in: "Name: x\n\nLong text\n", want: "Long text\n"},
		{name: "header_wins", in: "Description: short\n\nbody\n", want: "short"},
		{name: "none", in: "Name: x\n", want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMetadata([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Description(); got != tc.want {
				t.Errorf("ParseMetadata(%q).Description() = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseMetadataErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      []byte
		wantErr error
		wantMsg string
	}{
		{name: "latin1_header", in: []byte("Name: x\nAuthor: Ren\xe9\n"), wantErr: ErrInvalidMetadata, wantMsg: "line 2"},
		{name: "latin1_body", in: []byte("Name: x\n\nCaf\xe9\n"), wantErr: ErrInvalidMetadata, wantMsg: "line 3"},
		{name: "surrogate_encoded", in: []byte("Name: \xed\xb2\x80\n"), wantErr: ErrInvalidMetadata, wantMsg: "line 1"},
		{name: "bom", in: []byte("\xef\xbb\xbfMetadata-Version: 2.1\n"), wantErr: ErrInvalidMetadata, wantMsg: "byte order mark"},
		{name: "huge", in: bytes.Repeat([]byte("a"), MaxMetadataSize+1), wantErr: ErrTooLarge, wantMsg: "16 MiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseMetadata(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ParseMetadata() error = %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("ParseMetadata() error = %q, want it to mention %q", err, tc.wantMsg)
			}
		})
	}
}

// TestParseMetadataVersions reads every Metadata-Version from 1.0 to 2.5 and
// future ones (2.6, 3.0): the parser does not judge the version.
func TestParseMetadataVersions(t *testing.T) {
	t.Parallel()
	for _, mv := range []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.0"} {
		t.Run(mv, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", "metadata", "metadata-"+mv+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseMetadata(b)
			if err != nil {
				t.Fatalf("ParseMetadata(metadata-%s.txt) error = %v", mv, err)
			}
			got := map[string]string{
				"Metadata-Version": m.Value("Metadata-Version"),
				"Name":             m.Value("Name"),
				"Version":          m.Value("Version"),
				"Requires-Dist":    strings.Join(m.All("requires-dist"), "|"),
				"Description":      m.Description(),
			}
			want := map[string]string{
				"Metadata-Version": mv,
				"Name":             "demo-pkg",
				"Version":          "1.0.0",
				"Requires-Dist":    "requests>=2; extra == 'http'",
				"Description":      "# Demo\n\nA tiny package used as a test fixture.\n",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseMetadata(metadata-%s.txt) mismatch (-want +got):\n%s", mv, diff)
			}
		})
	}
}

// TestParseMetadataMatchesPython compares ParseMetadata with Python's own
// email parser (compat32 policy, as packaging uses it) on tricky inputs.
// It needs /usr/bin/python3 (Debian's python3-minimal).
func TestParseMetadataMatchesPython(t *testing.T) {
	t.Parallel()
	py := testtool.Python(t)
	inputs := []string{
		"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n\n# Title\n\nText.\n",
		"Metadata-Version: 1.0\nName: pkg\n",
		"Name: pkg\n\n",
		"Requires-Dist: a\nClassifier: X\nRequires-Dist: b\n",
		"License: MIT\n        Copyright 2024\n\tline 3\nName: x\n",
		"Description: Title\n        =====\n       |\n       |  indented\nName: x\n",
		"Name: x\r\nLicense: a\r\n b\r\n\r\nbody\r\n",
		"Name: \t x  \nSummary:\n",
		"Name: x\nthis is not a header\nVersion: 1\n",
		"Name: x\nHome Page: y\n",
		"  stray\nName: x\n",
		"Name: x\n: nameless\n more\nVersion: 1\n",
		"From nobody Mon Jan 1\nName: x\n",
		"Author: Renée Ça\nSummary: 日本語\n\nCorps: été\n",
		"Name: x\rVersion: 1\r\rbody",
		"Name: x\n\fpage\n",
		"Name: x\nSummary: a\fb\n",
		"Name: x\nSummary: a\vb\n",
		"Name: x\nSummary: a\x1cb\x1dc\x1e\u0085d\n",
		"Name: x\nSummary: a\u2028b\n",
		"Description: header text\n\nbody text\n",
		"",
		"\n\nbody only\n",
		"Name: x\n \n\t\n",
		"Name: x\nVersion:1.0\n",
		"Weird!#$%&'*+-.^_`|~Name: v\n",
		"Name: x\n\r\nbody after crlf separator",
		"Name: x\nSummary: ends without newline",
		"Name: x\n    \n\nbody\n",
		"Name: x\nKeywords: a,\n  b\n\n\n\ntrailing blank lines\n\n\n",
	}
	dir := t.TempDir()
	for _, name := range []string{"folded.txt", "metadata-1.0.txt", "metadata-2.5.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "metadata", name))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	args := []string{filepath.Join("testdata", "email_parse.py")}
	for i, in := range inputs {
		p := filepath.Join(dir, fmt.Sprintf("%02d.txt", i))
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(py, args...).Output()
	if err != nil {
		t.Fatalf("%s email_parse.py: %v", py, err)
	}
	var pyResults []struct {
		Headers [][2]string `json:"headers"`
		Body    string      `json:"body"`
		Error   string      `json:"error"`
	}
	if err := json.Unmarshal(out, &pyResults); err != nil {
		t.Fatalf("failed to decode Python's output: %v", err)
	}
	if len(pyResults) != len(inputs) {
		t.Fatalf("Python returned %d results for %d inputs", len(pyResults), len(inputs))
	}
	for i, in := range inputs {
		m, err := ParseMetadata([]byte(in))
		if err != nil {
			t.Errorf("ParseMetadata(%q) error = %v", in, err)
			continue
		}
		want := pyResults[i]
		if want.Error != "" {
			t.Errorf("Python could not read input %q: %s", in, want.Error)
			continue
		}
		got := make([][2]string, 0, len(m.Headers))
		for _, h := range m.Headers {
			got = append(got, [2]string{h.Name, h.Value})
		}
		if want.Headers == nil {
			want.Headers = [][2]string{}
		}
		if diff := cmp.Diff(want.Headers, got); diff != "" {
			t.Errorf("ParseMetadata(%q) headers differ from Python's (-python +go):\n%s", in, diff)
		}
		if want.Body != m.Body {
			t.Errorf("ParseMetadata(%q).Body = %q, Python's body = %q", in, m.Body, want.Body)
		}
	}
}
