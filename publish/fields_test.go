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

func TestMetadataVersionBelow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v    string
		want bool
	}{{"2.1", true}, {"2.3", true}, {"2.4", false}, {"2.5", false}, {"1.0", true}, {"10.0", false}, {"junk", false}, {"", false}}
	for _, tc := range cases {
		if got := metadataVersionBelow(tc.v, 2, 4); got != tc.want {
			t.Errorf("metadataVersionBelow(%q, 2, 4) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// TestIntroducedIn_matchesPreflight keeps the fields the form leaves out in
// step with the preflight, which only warns about them.
func TestIntroducedIn_matchesPreflight(t *testing.T) {
	t.Parallel()
	for field := range introducedIn {
		header := strings.ReplaceAll(field, "_", "-")
		if !dist.DroppedFromUpload(header) {
			t.Errorf("dist.DroppedFromUpload(%q) = false, but Fields drops %s", header, field)
		}
	}
	for _, h := range []string{"license-expression", "license-file", "dynamic", "import-name", "import-namespace"} {
		if _, ok := introducedIn[strings.ReplaceAll(h, "-", "_")]; !ok {
			t.Errorf("dist.DroppedFromUpload(%q) = true, but Fields keeps it", h)
		}
	}
}
