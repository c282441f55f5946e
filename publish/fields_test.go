package publish

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/dist"
)

func TestFields(t *testing.T) {
	t.Parallel()
	dg := dist.Digests{SHA256: "s256", Blake2b256: "b2", MD5: "m5"}
	tail := func(py, ft string) []Field {
		return []Field{{"pyversion", py}, {"filetype", ft}, {"sha256_digest", "s256"}, {"blake2_256_digest", "b2"}, {"md5_digest", "m5"}, {":action", "file_upload"}, {"protocol_version", "1"}}
	}
	cases := []struct {
		name string
		d    *dist.Distribution
		o    UploadOptions
		want []Field
	}{
		{
			name: "wheel_full_metadata_wire_order",
			d: &dist.Distribution{Filename: "my_pkg-1.0-py2.py3-none-any.whl", Kind: dist.Wheel, Digests: dg, Metadata: meta(
				"Metadata-Version: 2.4", "Name: my_pkg", "Version: 1.0", "Summary: Sum",
				"Keywords: a,b , c", "License-Expression: MIT", "License-File: LICENSE", "License-File: NOTICE",
				"Classifier: A", "Classifier: B", "Requires-Dist: x>=1", "Requires-Python: >=3.9",
				"Project-URL: Home, https://e.x", "Provides-Extra: dev", "Description-Content-Type: text/markdown",
				"Dynamic: Requires-Dist", "# body")},
			want: append([]Field{{"metadata_version", "2.4"}, {"name", "my-pkg"}, {"version", "1.0"}, {"summary", "Sum"},
				{"description_content_type", "text/markdown"}, {"keywords", "a, b, c"}, {"license_expression", "MIT"},
				{"license_file", "LICENSE"}, {"license_file", "NOTICE"}, {"classifiers", "A"}, {"classifiers", "B"},
				{"requires_python", ">=3.9"}, {"requires_dist", "x>=1"}, {"project_urls", "Home, https://e.x"},
				{"provides_extra", "dev"}, {"dynamic", "Requires-Dist"}, {"description", "# body"}}, tail("py2.py3", "bdist_wheel")...),
		},
		{
			// UP-14: setuptools wrote License-File under 2.1; twine drops it.
			name: "license_file_dropped_below_2_4",
			d: &dist.Distribution{Filename: "p-1.tar.gz", Kind: dist.Sdist, Digests: dg, Metadata: meta(
				"Metadata-Version: 2.1", "Name: p", "Version: 1", "License-File: LICENSE", "License-Expression: MIT")},
			want: append([]Field{{"metadata_version", "2.1"}, {"name", "p"}, {"version", "1"}, {"requires_python", ""}}, tail("source", "sdist")...),
		},
		{
			name: "requires_python_always_sent_and_single_fields_once",
			d: &dist.Distribution{Filename: "p-1-py3-none-any.whl", Kind: dist.Wheel, Digests: dg, Metadata: meta(
				"Metadata-Version: 2.5", "Name: p", "Version: 1", "Summary: one", "Summary: two", "Import-Name: p", "Import-Namespace: ns")},
			want: append([]Field{{"metadata_version", "2.5"}, {"name", "p"}, {"version", "1"}, {"summary", "one"}, {"requires_python", ""},
				{"import_name", "p"}, {"import_namespace", "ns"}}, tail("py3", "bdist_wheel")...),
		},
		{
			name: "attestations_after_sha256",
			d:    &dist.Distribution{Filename: "odd.whl", Kind: dist.Wheel, Digests: dist.Digests{SHA256: "s256"}, Metadata: meta("Name: p")},
			o:    UploadOptions{Attestations: []byte(`[{"version":1}]`)},
			want: []Field{{"name", "p"}, {"requires_python", ""}, {"pyversion", "any"}, {"filetype", "bdist_wheel"}, {"sha256_digest", "s256"},
				{"attestations", `[{"version":1}]`}, {":action", "file_upload"}, {"protocol_version", "1"}},
		},
		{
			name: "nil_metadata",
			d:    &dist.Distribution{Filename: "p-1.zip", Kind: dist.Sdist},
			want: []Field{{"requires_python", ""}, {"pyversion", "source"}, {"filetype", "sdist"}, {":action", "file_upload"}, {"protocol_version", "1"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Fields(tc.d, tc.o)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Fields(%s) mismatch (-want +got):\n%s", tc.d.Filename, diff)
			}
		})
	}
}

func TestSafeName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"my_pkg":           "my-pkg",
		"Zebra.Cake_Tools": "Zebra.Cake-Tools",
		"a__b--c":          "a-b-c",
		"ok.name9":         "ok.name9",
		"sp ace":           "sp-ace",
		"ünï":              "-n-",
	}
	for in, want := range cases {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFields_sendsWhatTheFormKeeps: every header dist.FormMetadata keeps
// (the view the preflight judges) goes out as a form field.
func TestFields_sendsWhatTheFormKeeps(t *testing.T) {
	t.Parallel()
	var lines []string
	for _, h := range metadataFields {
		lines = append(lines, h.name+": v")
	}
	lines[0] = "Metadata-Version: 2.5"
	d := &dist.Distribution{Filename: "p-1.tar.gz", Kind: dist.Sdist, Metadata: meta(lines...)}
	sent, left := dist.FormMetadata(d.Metadata)
	if len(left) != 0 {
		t.Errorf("FormMetadata leaves out %v; Fields has a field for each", left)
	}
	fields := map[string]bool{}
	for _, f := range Fields(d, UploadOptions{}) {
		fields[f.Name] = true
	}
	for _, h := range sent.Headers {
		found := false
		for _, mf := range metadataFields {
			if strings.EqualFold(mf.name, h.Name) && fields[mf.field] {
				found = true
			}
		}
		if !found {
			t.Errorf("header %s is kept by FormMetadata but not sent", h.Name)
		}
	}
}
