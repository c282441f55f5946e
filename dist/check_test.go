package dist

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// meta builds metadata from name/value pairs; a body may follow "BODY".
func meta(kv ...string) *Metadata {
	m := &Metadata{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "BODY" {
			m.Body, m.BodyPresent = kv[i+1], true
			continue
		}
		m.Headers = append(m.Headers, Header{Name: kv[i], Value: kv[i+1]})
	}
	return m
}

// baseMeta is valid Metadata 2.1 for "demo-pkg" 1.0 with a Markdown README.
func baseMeta(extra ...string) *Metadata {
	kv := []string{"Metadata-Version", "2.1", "Name", "demo-pkg", "Version", "1.0",
		"Summary", "A demo", "Description-Content-Type", "text/markdown", "BODY", "# Demo\n"}
	return meta(append(kv, extra...)...)
}

func with(m *Metadata, name, value string) *Metadata {
	var hs []Header
	replaced := false
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			if !replaced && value != "" {
				hs = append(hs, Header{Name: name, Value: value})
			}
			replaced = true
			continue
		}
		hs = append(hs, h)
	}
	if !replaced {
		hs = append(hs, Header{Name: name, Value: value})
	}
	out := *m
	out.Headers = hs
	return &out
}

func wheel(filename string, m *Metadata, extraMembers ...string) *Distribution {
	parts := strings.SplitN(filename, "-", 3)
	di := parts[0] + "-" + parts[1] + ".dist-info/"
	a := &Archive{Format: "zip"}
	for _, n := range append([]string{"pkg/__init__.py", di + "METADATA", di + "WHEEL", di + "RECORD"}, extraMembers...) {
		a.Members = append(a.Members, Member{Name: n, Size: 100, CompressedSize: 60, Method: 8})
	}
	return &Distribution{Path: "dist/" + filename, Filename: filename, Kind: Wheel, Size: 2000, Metadata: m, Archive: a}
}

func sdist(filename string, m *Metadata, members ...string) *Distribution {
	format := "tar.gz"
	if strings.HasSuffix(filename, ".zip") {
		format = "zip"
	}
	top := strings.TrimSuffix(strings.TrimSuffix(filename, ".tar.gz"), ".zip")
	if members == nil {
		members = []string{top, top + "/PKG-INFO", top + "/pyproject.toml"}
	}
	a := &Archive{Format: format}
	for _, n := range members {
		a.Members = append(a.Members, Member{Name: n, Size: 100, TypeFlag: '0', Method: 8, CompressedSize: 50})
	}
	return &Distribution{Path: "dist/" + filename, Filename: filename, Kind: Sdist, Size: 2000, Metadata: m, Archive: a}
}

type finding struct {
	File string
	ID   string
	Rule string
	Sev  Severity
}

func findings(ps []Problem) []finding {
	var out []finding
	for _, p := range ps {
		out = append(out, finding{p.File, p.ID, p.Rule, p.Severity})
	}
	return out
}

const (
	okWheel = "demo_pkg-1.0-py3-none-any.whl"
	okSdist = "demo_pkg-1.0.tar.gz"
)

func TestCheckRules(t *testing.T) {
	t.Parallel()
	E, W, N := SeverityError, SeverityWarning, SeverityNotice
	rstMeta := with(baseMeta(), "Description-Content-Type", "")
	cases := []struct {
		name   string
		dists  []*Distribution
		target Target
		want   []finding
	}{
		{name: "clean_pair", dists: []*Distribution{wheel(okWheel, baseMeta()), sdist(okSdist, baseMeta())}},
		// VA-01 metadata
		{name: "va01_name_missing", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Name", ""))},
			want: []finding{{okWheel, "VA-01", "name-required", E}}},
		{name: "va01_name_invalid", dists: []*Distribution{sdist("demo_pkg-1.0.tar.gz", with(baseMeta(), "Name", "-demo"))},
			want: []finding{{okSdist, "VA-01", "name-invalid", E}}},
		{name: "va01_version_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Version", "1.0-beta-x"))},
			want: []finding{{okWheel, "VA-01", "version-invalid", E}}},
		{name: "va01_metadata_version_2_0", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Metadata-Version", "2.0"))},
			want: []finding{{okWheel, "VA-01", "metadata-version-invalid", E}}},
		{name: "va01_metadata_version_malformed", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Metadata-Version", "two"))},
			want: []finding{{okWheel, "VA-01", "metadata-version-invalid", E}}},
		{name: "va02_metadata_version_newer", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Metadata-Version", "2.6"))},
			want: []finding{{okWheel, "VA-02", "metadata-version-newer", W}}},
		{name: "va01_metadata_version_1_0_ok", dists: []*Distribution{wheel(okWheel, meta("Metadata-Version", "1.0", "Name", "demo-pkg", "Version", "1.0", "Description", "Plain text."))},
			want: []finding{{okWheel, "VA-09", "description-content-type-missing", N}}},
		{name: "va01_field_too_new", dists: []*Distribution{wheel(okWheel, with(with(with(baseMeta(), "Metadata-Version", "1.2"), "Description-Content-Type", ""), "Provides-Extra", "fast"))},
			want: []finding{{okWheel, "VA-01", "field-too-new", E}, {okWheel, "VA-09", "description-content-type-missing", N}}},
		// The uploader leaves License-Expression out under 2.1, so PyPI
		// accepts the file: one warning, for hatchling 1.12's files.
		{name: "va01_field_too_new_left_out", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "License-Expression", "MIT"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		{name: "va01_field_too_new_other_index", target: TargetOther, dists: []*Distribution{wheel(okWheel, with(baseMeta(), "License-Expression", "MIT"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		// License-File under 2.1 is what setuptools and hatchling write;
		// the page shows no license files: a notice.
		{name: "va01_license_file_below_2_4_left_out", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "License-File", "LICENSE"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", N}}},
		// Judged as sent: the left-out fields break no rule (issue 13).
		{name: "va01_license_and_expression_2_1", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "License", "MIT"), "License-Expression", "MIT AND"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		{name: "va01_dynamic_name_2_1", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Dynamic", "Name"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		{name: "va01_import_name_2_4", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.4"), "Import-Name", "1bad"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		{name: "va01_two_left_out_values_one_warning", dists: []*Distribution{wheel(okWheel, baseMeta("Dynamic", "Summary", "Dynamic", "Keywords"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		{name: "va01_unknown_field", dists: []*Distribution{wheel(okWheel, baseMeta("X-Custom", "1"))},
			want: []finding{{okWheel, "VA-01", "field-unknown", W}}},
		{name: "va01_name_sent_safe", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Name", "demo pkg"))},
			want: []finding{{okWheel, "VA-01", "name-sent-safe", W}}},
		{name: "va01_summary_too_long", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Summary", strings.Repeat("x", 513)))},
			want: []finding{{okWheel, "VA-01", "summary-length", E}}},
		{name: "va01_summary_two_lines", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Summary", "a\nb"))},
			want: []finding{{okWheel, "VA-01", "summary-single-line", E}}},
		{name: "va01_email_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Author-email", "Me <me@localhost>"))},
			want: []finding{{okWheel, "VA-01", "email-invalid", E}}},
		{name: "va01_email_ok", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Author-email", "Me <me@example.org>, You <you@example.com>"))}},
		{name: "va01_home_page_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Home-page", "ftp://example.com"))},
			want: []finding{{okWheel, "VA-01", "url-invalid", E}}},
		{name: "va01_project_url_label_long", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Project-URL", strings.Repeat("L", 33)+", https://example.com"))},
			want: []finding{{okWheel, "VA-01", "project-url-label", E}}},
		{name: "va01_project_url_bad", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Project-URL", "Docs, example.com/docs"))},
			want: []finding{{okWheel, "VA-01", "project-url-url", E}}},
		{name: "va01_requires_dist_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Requires-Dist", "requests >= 2 <3"))},
			want: []finding{{okWheel, "VA-01", "requirement-invalid", E}}},
		{name: "va01_direct_reference", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Requires-Dist", "dep @ https://example.com/dep.whl"))},
			want: []finding{{okWheel, "VA-01", "direct-reference", E}}},
		{name: "va01_direct_reference_other_index", target: TargetOther, dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Requires-Dist", "dep @ https://example.com/dep.whl"))},
			want: []finding{{okWheel, "VA-01", "direct-reference", W}}},
		{name: "va01_requires_python_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Requires-Python", ">=3.8 <4"))},
			want: []finding{{okWheel, "VA-01", "requires-python-invalid", E}}},
		{name: "va01_provides_extra_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Provides-Extra", "bad extra"))},
			want: []finding{{okWheel, "VA-01", "extra-invalid", E}}},
		{name: "va01_content_type_invalid", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Description-Content-Type", "text/html"))},
			want: []finding{{okWheel, "VA-01", "description-content-type", E}}},
		{name: "va01_content_type_charset", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Description-Content-Type", "text/markdown; charset=latin-1"))},
			want: []finding{{okWheel, "VA-01", "description-content-type", E}}},
		{name: "va01_content_type_variant", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Description-Content-Type", "text/markdown; variant=Original"))},
			want: []finding{{okWheel, "VA-01", "description-content-type", E}}},
		{name: "va01_dynamic_misuse", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.2"), "Dynamic", "Version"))},
			want: []finding{{okWheel, "VA-01", "dynamic-invalid", E}}},
		{name: "va01_license_both", dists: []*Distribution{wheel(okWheel, with(with(with(baseMeta(), "Metadata-Version", "2.4"), "License-Expression", "MIT"), "License", "MIT License"))},
			want: []finding{{okWheel, "VA-01", "license-exclusive", E}}},
		{name: "va01_license_expression_invalid", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-Expression", "MIT OR Nonsense-1.0"))},
			want: []finding{{okWheel, "VA-01", "license-expression-invalid", E}}},
		{name: "va01_license_file_path", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-File", "../LICENSE"))},
			want: []finding{{okWheel, "VA-01", "license-file-path", E}, {okWheel, "VA-10", "license-file-missing", E}}},
		{name: "va01_classifier_unknown", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Classifier", "Programming Language :: Klingon"))},
			want: []finding{{okWheel, "VA-01", "classifier-unknown", E}}},
		{name: "va01_classifier_unknown_other_index", target: TargetOther, dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Classifier", "Programming Language :: Klingon"))},
			want: []finding{{okWheel, "VA-01", "classifier-unknown", W}}},
		{name: "va01_classifier_deprecated", dists: []*Distribution{wheel(okWheel, with(baseMeta(), "Classifier", "Natural Language :: Ukranian"))},
			want: []finding{{okWheel, "VA-01", "classifier-deprecated", E}}},
		{name: "va01_import_name_keyword", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.5"), "Import-Name", "pkg.class"))},
			want: []finding{{okWheel, "VA-01", "import-name-invalid", E}}},
		{name: "va01_repeated_single_field", dists: []*Distribution{wheel(okWheel, meta("Metadata-Version", "2.1", "Name", "demo-pkg", "Version", "1.0", "Version", "1.1", "Description-Content-Type", "text/plain", "BODY", "x"))},
			want: []finding{{okWheel, "VA-01", "field-left-out", W}}},
		{name: "unknown_values_dropped", dists: []*Distribution{wheel(okWheel, with(with(baseMeta(), "Home-page", "UNKNOWN"), "Author-email", "UNKNOWN"))}},
		// VA-07 local versions
		{name: "va07_local_version", dists: []*Distribution{wheel("demo_pkg-1.0+local-py3-none-any.whl", with(baseMeta(), "Version", "1.0+local"))},
			want: []finding{{"demo_pkg-1.0+local-py3-none-any.whl", "VA-07", "local-version", E}}},
		{name: "va07_local_version_other_index", target: TargetOther, dists: []*Distribution{wheel("demo_pkg-1.0+local-py3-none-any.whl", with(baseMeta(), "Version", "1.0+local"))},
			want: []finding{{"demo_pkg-1.0+local-py3-none-any.whl", "VA-07", "local-version", W}}},
		// VA-05 wheel names
		{name: "va05_not_normalized", dists: []*Distribution{wheel("Demo_Pkg-1.0-py3-none-any.whl", baseMeta())},
			want: []finding{{"Demo_Pkg-1.0-py3-none-any.whl", "VA-05", "wheel-name-normalized", E}}},
		{name: "va05_not_normalized_other_index", target: TargetOther, dists: []*Distribution{wheel("demo.pkg-1.0-py3-none-any.whl", baseMeta())},
			want: []finding{{"demo.pkg-1.0-py3-none-any.whl", "VA-05", "wheel-name-normalized", W}}},
		{name: "va05_other_project", dists: []*Distribution{wheel("other-1.0-py3-none-any.whl", baseMeta())},
			want: []finding{{"other-1.0-py3-none-any.whl", "VA-05", "wheel-name-project", E}}},
		{name: "va05_version_mismatch", dists: []*Distribution{wheel("demo_pkg-1.1-py3-none-any.whl", baseMeta())},
			want: []finding{{"demo_pkg-1.1-py3-none-any.whl", "VA-05", "wheel-version", E}}},
		{name: "va05_version_equal_as_versions", dists: []*Distribution{wheel("demo_pkg-1.0.0-py3-none-any.whl", baseMeta())}},
		{name: "va05_bad_filename", dists: []*Distribution{wheel("demo_pkg-1.0-py3-none.whl", baseMeta())},
			want: []finding{{"demo_pkg-1.0-py3-none.whl", "VA-05", "wheel-filename", E}}},
		{name: "va05_filename_too_long", dists: []*Distribution{wheel("demo_pkg-1.0-py3-none-"+strings.Repeat("manylinux_2_17_x86_64.", 11)+"any.whl", baseMeta())},
			want: []finding{{"demo_pkg-1.0-py3-none-" + strings.Repeat("manylinux_2_17_x86_64.", 11) + "any.whl", "VA-05", "wheel-filename-length", E}}},
		// VA-06 platform tags
		{name: "va06_linux_tag", dists: []*Distribution{wheel("demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", baseMeta())},
			want: []finding{{"demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", "VA-06", "platform-tag", E}}},
		{name: "va06_linux_tag_other_index", target: TargetOther, dists: []*Distribution{wheel("demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", baseMeta())},
			want: []finding{{"demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", "VA-06", "platform-tag", W}}},
		{name: "va06_allowed_tags", dists: []*Distribution{
			wheel("demo_pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", baseMeta()),
			wheel("demo_pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl", baseMeta()),
			wheel("demo_pkg-1.0-cp312-cp312-musllinux_1_2_aarch64.whl", baseMeta()),
			wheel("demo_pkg-1.0-cp312-cp312-win_amd64.whl", baseMeta()),
			wheel("demo_pkg-1.0-cp313-cp313-ios_13_0_arm64_iphoneos.whl", baseMeta()),
			wheel("demo_pkg-1.0-cp313-cp313-android_24_arm64_v8a.whl", baseMeta()),
		}},
		{name: "va06_macos_11_minor", dists: []*Distribution{wheel("demo_pkg-1.0-cp312-cp312-macosx_11_1_arm64.whl", baseMeta())},
			want: []finding{{"demo_pkg-1.0-cp312-cp312-macosx_11_1_arm64.whl", "VA-06", "platform-tag", E}}},
		// VA-03, VA-04 sdists
		{name: "va03_sdist_not_normalized", dists: []*Distribution{sdist("Demo.Pkg-1.0.tar.gz", baseMeta())},
			want: []finding{{"Demo.Pkg-1.0.tar.gz", "VA-03", "sdist-name-pep625", E}}},
		{name: "va03_sdist_version_not_normalized", dists: []*Distribution{sdist("demo_pkg-1.0.0-1.tar.gz", with(baseMeta(), "Version", "1.0.0-1"))},
			want: []finding{{"demo_pkg-1.0.0-1.tar.gz", "VA-03", "sdist-name-pep625", E}}},
		{name: "va03_sdist_other_index", target: TargetOther, dists: []*Distribution{sdist("Demo.Pkg-1.0.tar.gz", baseMeta())},
			want: []finding{{"Demo.Pkg-1.0.tar.gz", "VA-03", "sdist-name-pep625", W}}},
		{name: "va03_sdist_other_project", dists: []*Distribution{sdist("other-1.0.tar.gz", baseMeta())},
			want: []finding{{"other-1.0.tar.gz", "VA-03", "sdist-name-project", E}}},
		{name: "va04_zip_sdist", dists: []*Distribution{sdist("demo_pkg-1.0.zip", baseMeta())},
			want: []finding{{"demo_pkg-1.0.zip", "VA-04", "sdist-zip", E}, {"demo_pkg-1.0.zip", "VA-03", "sdist-name-pep625", E}}},
		{name: "va04_zip_sdist_other_index", target: TargetOther, dists: []*Distribution{sdist("demo_pkg-1.0.zip", baseMeta())},
			want: []finding{{"demo_pkg-1.0.zip", "VA-04", "sdist-zip", W}, {"demo_pkg-1.0.zip", "VA-03", "sdist-name-pep625", W}}},
		// VA-10 archives
		{name: "va10_wheel_missing_record", dists: []*Distribution{func() *Distribution {
			d := wheel(okWheel, baseMeta())
			d.Archive.Members = d.Archive.Members[:3]
			return d
		}()}, want: []finding{{okWheel, "VA-10", "wheel-member-record", E}}},
		{name: "va10_wheel_bzip2", dists: []*Distribution{func() *Distribution {
			d := wheel(okWheel, baseMeta())
			d.Archive.Members[0].Method = 12
			return d
		}()}, want: []finding{{okWheel, "VA-10", "compression-method", E}}},
		{name: "va10_wheel_bomb", dists: []*Distribution{func() *Distribution {
			d := wheel(okWheel, baseMeta())
			d.Archive.Members[0].Size = 65 << 20
			d.Size = 1 << 20
			return d
		}()}, want: []finding{{okWheel, "VA-10", "compression-ratio", E}}},
		{name: "va10_sdist_two_tops", dists: []*Distribution{sdist(okSdist, baseMeta(), "demo_pkg-1.0/PKG-INFO", "other/file")},
			want: []finding{{okSdist, "VA-10", "sdist-top-level", E}}},
		{name: "va10_sdist_no_pkg_info", dists: []*Distribution{sdist(okSdist, baseMeta(), "demo_pkg-1.0/setup.py", "demo_pkg-1.0/src/x.py")},
			want: []finding{{okSdist, "VA-10", "sdist-pkg-info", E}}},
		{name: "va10_sdist_sparse", dists: []*Distribution{func() *Distribution {
			d := sdist(okSdist, baseMeta())
			d.Archive.Members[2].TypeFlag = 'S'
			return d
		}()}, want: []finding{{okSdist, "VA-10", "tar-sparse", E}}},
		{name: "va10_license_files_2_4", dists: []*Distribution{
			wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-File", "LICENSE"), "demo_pkg-1.0.dist-info/licenses/LICENSE"),
			sdist(okSdist, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-File", "LICENSE"), "demo_pkg-1.0", "demo_pkg-1.0/PKG-INFO", "demo_pkg-1.0/LICENSE"),
		}},
		{name: "va10_license_files_missing", dists: []*Distribution{
			wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-File", "LICENSE"), "demo_pkg-1.0.dist-info/LICENSE"),
			sdist(okSdist, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-File", "LICENSES/MIT.txt")),
		}, want: []finding{{okWheel, "VA-10", "license-file-missing", E}, {okSdist, "VA-10", "license-file-missing", E}}},
		{name: "va10_wrong_format", dists: []*Distribution{func() *Distribution {
			d := sdist(okSdist, baseMeta())
			d.Archive.Format = "zip"
			return d
		}()}, want: []finding{{okSdist, "VA-10", "archive-format", E}}},
		{name: "va10_bad_extension", dists: []*Distribution{sdist("demo_pkg-1.0.tar.bz2", baseMeta(), "demo_pkg-1.0/PKG-INFO")},
			want: []finding{{"demo_pkg-1.0.tar.bz2", "VA-10", "filename-extension", E}}},
		{name: "va10_no_metadata", dists: []*Distribution{{Filename: okWheel, Kind: Wheel}},
			want: []finding{{okWheel, "VA-01", "metadata-missing", E}}},
		// VA-08 sizes
		{name: "va08_over_default", dists: []*Distribution{func() *Distribution { d := wheel(okWheel, baseMeta()); d.Size = 150 << 20; return d }()},
			want: []finding{{okWheel, "VA-08", "file-size-default", W}}},
		{name: "va08_over_cap", dists: []*Distribution{func() *Distribution { d := wheel(okWheel, baseMeta()); d.Size = 2 << 30; return d }()},
			want: []finding{{okWheel, "VA-08", "file-size-cap", E}}},
		{name: "va08_over_cap_other_index", target: TargetOther, dists: []*Distribution{func() *Distribution { d := wheel(okWheel, baseMeta()); d.Size = 2 << 30; return d }()},
			want: []finding{{okWheel, "VA-08", "file-size-cap", W}}},
		// VA-09 descriptions
		{name: "va09_no_description", dists: []*Distribution{wheel(okWheel, meta("Metadata-Version", "2.1", "Name", "demo-pkg", "Version", "1.0"))},
			want: []finding{{okWheel, "VA-09", "description-missing", W}}},
		{name: "va09_unknown_description", dists: []*Distribution{wheel(okWheel, meta("Metadata-Version", "2.1", "Name", "demo-pkg", "Version", "1.0", "Description", "UNKNOWN"))},
			want: []finding{{okWheel, "VA-09", "description-missing", W}}},
		{name: "va09_no_content_type_rst_ok", dists: []*Distribution{wheel(okWheel, meta("Metadata-Version", "2.1", "Name", "demo-pkg", "Version", "1.0", "BODY", "Demo\n====\n\nText.\n"))},
			want: []finding{{okWheel, "VA-09", "description-content-type-missing", N}}},
		{name: "va01_rst_fails_default", dists: []*Distribution{wheel(okWheel, with(rstMeta, "Description", "Demo\n==\n\nSee :ref:`x`.\n"))},
			want: []finding{{okWheel, "VA-09", "description-content-type-missing", N}, {okWheel, "VA-01", "description-render", E}}},
		{name: "va01_rst_fails_declared", dists: []*Distribution{wheel(okWheel, with(baseMeta("BODY", "**bold\n"), "Description-Content-Type", "text/x-rst"))},
			want: []finding{{okWheel, "VA-01", "description-render", E}}},
		{name: "va01_rst_fails_other_index", target: TargetOther, dists: []*Distribution{wheel(okWheel, with(baseMeta("BODY", "**bold\n"), "Description-Content-Type", "text/x-rst"))},
			want: []finding{{okWheel, "VA-01", "description-render", W}}},
		{name: "markdown_never_fails", dists: []*Distribution{wheel(okWheel, baseMeta("BODY", "**bold\n.. toctree::\n"))}},
		// DS-08
		// DS-08 marks the second and later sdists of a release in upload
		// order; PyPI takes the first.
		{name: "ds08_two_sdists", dists: []*Distribution{sdist(okSdist, baseMeta()), sdist("demo_pkg-1.0.zip", baseMeta())},
			want: []finding{{"demo_pkg-1.0.zip", "VA-04", "sdist-zip", E}, {"demo_pkg-1.0.zip", "VA-03", "sdist-name-pep625", E},
				{"demo_pkg-1.0.zip", "DS-08", "one-sdist-per-release", E}}},
		{name: "ds08_three_sdists", dists: []*Distribution{sdist("demo_pkg-1.0.0.tar.gz", with(baseMeta(), "Version", "1.0.0")), sdist(okSdist, baseMeta()), sdist("demo_pkg-1.0.0.0.tar.gz", with(baseMeta(), "Version", "1.0.0.0"))},
			want: []finding{{okSdist, "DS-08", "one-sdist-per-release", E}, {"demo_pkg-1.0.0.0.tar.gz", "DS-08", "one-sdist-per-release", E}}},
		{name: "ds08_uncertain_goes_first", dists: []*Distribution{sdist(okSdist, baseMeta()), sdist("demo_pkg-1.0.0.tar.gz", with(with(baseMeta(), "Version", "1.0.0"), "Metadata-Version", "2.6"))},
			want: []finding{{"demo_pkg-1.0.0.tar.gz", "VA-02", "metadata-version-newer", W}, {okSdist, "DS-08", "one-sdist-per-release", E}}},
		{name: "ds08_other_index", target: TargetOther, dists: []*Distribution{sdist(okSdist, baseMeta()), sdist("demo_pkg-1.0.0.tar.gz", with(baseMeta(), "Version", "1.0.0"))},
			want: []finding{{"demo_pkg-1.0.0.tar.gz", "DS-08", "one-sdist-per-release", W}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := tc.target
			if target == 0 {
				target = TargetPyPI
			}
			got := findings(Check(tc.dists, target))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check() mismatch (-want +got):\n%s\n%s", diff, FormatProblems(Check(tc.dists, target)))
			}
		})
	}
}

// TestCheckMessages pins PyPI's wording for the rules whose messages users
// search for (warehouse/forklift/legacy.py).
func TestCheckMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		d    *Distribution
		rule string
		want string
	}{
		{"wheel_normalized", wheel("Demo_Pkg-1.0-py3-none-any.whl", baseMeta()), "wheel-name-normalized",
			"Filename 'Demo_Pkg-1.0-py3-none-any.whl' should contain the normalized project name 'demo_pkg', not 'Demo_Pkg'."},
		{"wheel_project", wheel("other-1.0-py3-none-any.whl", baseMeta()), "wheel-name-project", "Start filename for 'demo-pkg' with 'demo_pkg'."},
		{"wheel_version", wheel("demo_pkg-1.1-py3-none-any.whl", baseMeta()), "wheel-version", "Version in filename should be '1.0' not '1.1'."},
		{"platform", wheel("demo_pkg-1.0-cp312-cp312-linux_x86_64.whl", baseMeta()), "platform-tag",
			"Binary wheel 'demo_pkg-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."},
		{"pep625", sdist("Demo.Pkg-1.0.tar.gz", baseMeta()), "sdist-name-pep625", "Filename 'Demo.Pkg-1.0.tar.gz' is invalid, should be 'demo_pkg-1.0.tar.gz'."},
		{"local", wheel("demo_pkg-1.0+abc-py3-none-any.whl", with(baseMeta(), "Version", "1.0+ABC")), "local-version", "The use of local versions in '1.0+abc' is not allowed."},
		{"metadata_version", wheel(okWheel, with(baseMeta(), "Metadata-Version", "2.0")), "metadata-version-invalid", "'2.0' is not a valid metadata version."},
		{"too_new", wheel(okWheel, with(with(with(baseMeta(), "Metadata-Version", "1.2"), "Description-Content-Type", ""), "Provides-Extra", "x")), "field-too-new", "provides-extra introduced in metadata version 2.1, not 1.2."},
		{"left_out", wheel(okWheel, with(baseMeta(), "License-Expression", "MIT")), "field-left-out",
			"License-Expression is left out of the upload: the field belongs to Metadata-Version 2.4 and this file declares 2.1, so PyPI would refuse the file with it. Without it PyPI accepts the file, and the project page does not show it"},
		{"name_required", wheel(okWheel, with(baseMeta(), "Name", "UNKNOWN")), "name-required", "'' is an invalid value for Name. Error: This field is required."},
		{"name_invalid_sent", wheel(okWheel, with(baseMeta(), "Name", "demo_pkg.")), "name-invalid",
			"'demo-pkg.' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."},
		{"email", wheel(okWheel, with(baseMeta(), "Author-email", "Jane <jane>")), "email-invalid", "'jane' is not a valid email address: An email address must have an @-sign."},
		{"charset", wheel(okWheel, with(baseMeta(), "Description-Content-Type", "text/markdown; charset=utf-8")), "description-content-type",
			"'description-content-type' can only specify the UTF-8 charset, not 'utf-8'."},
		{"license_expression", wheel(okWheel, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-Expression", "MIT AND")), "license-expression-invalid",
			"'MIT AND' is invalid for 'license-expression'."},
		{"provides_direct", wheel(okWheel, with(baseMeta(), "Provides-Dist", "x @ https://e.com/x.whl")), "direct-reference", "Can't have direct dependency: 'x @ https://e.com/x.whl'."},
		{"project_url_twice", wheel(okWheel, baseMeta("Project-URL", "Home, https://a.example", "Project-URL", "Home, https://b.example")), "project-url-duplicate", "'project_urls' has invalid data."},
		{"entry_points", func() *Distribution {
			d := wheel(okWheel, baseMeta())
			d.EntryPoints = []byte("[console_scripts]\nmy tool = pkg:main\n")
			return d
		}(), "wheel-entry-points", "Wheel 'demo_pkg-1.0-py3-none-any.whl' has invalid entry points defined in the entry_points.txt file"},
		{"classifier", wheel(okWheel, with(baseMeta(), "Classifier", "Foo :: Bar")), "classifier-unknown", "'Foo :: Bar' is not a valid classifier."},
		{"deprecated", wheel(okWheel, with(baseMeta(), "Classifier", "Natural Language :: Ukranian")), "classifier-deprecated",
			"The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."},
		{"direct", wheel(okWheel, with(baseMeta(), "Requires-Dist", "x @ https://e.com/x.whl")), "direct-reference", "Can't have direct dependency: x @ https://e.com/x.whl."},
		{"record", func() *Distribution {
			d := wheel(okWheel, baseMeta())
			d.Archive.Members = d.Archive.Members[:3]
			return d
		}(), "wheel-member-record",
			"Wheel 'demo_pkg-1.0-py3-none-any.whl' does not contain the required RECORD file: demo_pkg-1.0.dist-info/RECORD"},
		{"pkg_info", sdist(okSdist, baseMeta(), "demo_pkg-1.0/setup.py"), "sdist-pkg-info", "Invalid distribution file. PKG-INFO not found at demo_pkg-1.0/setup.py/PKG-INFO"},
		{"license_file", sdist(okSdist, with(with(baseMeta(), "Metadata-Version", "2.4"), "License-File", "COPYING")), "license-file-missing",
			"License-File COPYING does not exist in distribution file demo_pkg-1.0.tar.gz at demo_pkg-1.0/COPYING"},
		{"both_licenses", wheel(okWheel, with(with(with(baseMeta(), "Metadata-Version", "2.4"), "License-Expression", "MIT"), "License", "MIT")), "license-exclusive",
			"License is deprecated when License-Expression is present. Only License-Expression should be present."},
		{"render", wheel(okWheel, with(baseMeta("BODY", "**x\n"), "Description-Content-Type", "")), "description-render",
			"The description failed to render in the default format of reStructuredText. See https://pypi.org/help/#description-content-type for more information."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, p := range Check([]*Distribution{tc.d}, TargetPyPI) {
				if p.Rule == tc.rule {
					got = append(got, p.Message)
					if p.Fix == "" {
						t.Errorf("rule %s has no fix", p.Rule)
					}
				}
			}
			if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
				t.Errorf("messages for %s mismatch (-want +got):\n%s", tc.rule, diff)
			}
		})
	}
}

func TestCheckNeverPanics(t *testing.T) {
	t.Parallel()
	dists := []*Distribution{nil, {}, {Filename: "x.whl", Kind: Wheel, Archive: &Archive{}}, {Filename: "-.tar.gz", Kind: Sdist, Metadata: &Metadata{}, Archive: &Archive{Format: "tar.gz"}}}
	if ps := Check(dists, 0); len(ps) == 0 {
		t.Error("Check() on broken distributions found nothing")
	}
}

func TestFormatProblems(t *testing.T) {
	t.Parallel()
	if got := FormatProblems(nil); got != "" {
		t.Errorf("FormatProblems(nil) = %q, want empty", got)
	}
	if got := ProblemsMarkdown(nil); got != "" {
		t.Errorf("ProblemsMarkdown(nil) = %q, want empty", got)
	}
	ps := []Problem{
		{File: "a-1.0.tar.gz", ID: "VA-03", Rule: "sdist-name-pep625", Severity: SeverityError, Message: "Filename 'a-1.0.tar.gz' is invalid | really", Fix: "rename\nit"},
		{File: "a-1.0.tar.gz", ID: "VA-09", Rule: "description-missing", Severity: SeverityWarning, Field: "Description", Message: "no description"},
	}
	want := "Preflight: 1 error(s), 1 warning(s), 0 other\n\na-1.0.tar.gz\n" +
		"  error   VA-03 sdist-name-pep625: Filename 'a-1.0.tar.gz' is invalid | really\n" +
		"          fix: rename it\n" +
		"  warning VA-09 description-missing [Description]: no description\n"
	if diff := cmp.Diff(want, FormatProblems(ps)); diff != "" {
		t.Errorf("FormatProblems() mismatch (-want +got):\n%s", diff)
	}
	wantMD := "| File | Severity | Rule | What PyPI says | How to fix |\n| --- | --- | --- | --- | --- |\n" +
		"| `a-1.0.tar.gz` | error | VA-03 sdist-name-pep625 | Filename 'a-1.0.tar.gz' is invalid \\| really | rename it |\n" +
		"| `a-1.0.tar.gz` | warning | VA-09 description-missing (Description) | no description |  |\n"
	if diff := cmp.Diff(wantMD, ProblemsMarkdown(ps)); diff != "" {
		t.Errorf("ProblemsMarkdown() mismatch (-want +got):\n%s", diff)
	}
}

// TestFormatProblems_hostile: a file name and a metadata value written to
// become workflow commands or Markdown stay one line of the log and one
// inert cell of the summary (issue 12).
func TestFormatProblems_hostile(t *testing.T) {
	t.Parallel()
	ps := []Problem{{File: "evil-1.0-py3-none-any\n::error title=FN::x.whl", ID: "VA-05", Rule: "wheel-name", Severity: SeverityError,
		Message: "Summary 'x\n ::error::y\x1b[8m' <img src=x>", Fix: "[fix](https://evil.example)"}}
	want := "Preflight: 1 error(s), 0 warning(s), 0 other\n\n" +
		`evil-1.0-py3-none-any\n::error title=FN::x.whl` + "\n" +
		`  error   VA-05 wheel-name: Summary 'x ::error::y\x1b[8m' <img src=x>` + "\n" +
		"          fix: [fix](https://evil.example)\n"
	if diff := cmp.Diff(want, FormatProblems(ps)); diff != "" {
		t.Errorf("FormatProblems() mismatch (-want +got):\n%s", diff)
	}
	wantMD := "| File | Severity | Rule | What PyPI says | How to fix |\n| --- | --- | --- | --- | --- |\n" +
		"| `evil-1.0-py3-none-any ::error title=FN::x.whl` | error | VA-05 wheel-name | " +
		`Summary 'x  ::error::y\\x1b\[8m' \<img src=x\>` + " | " + `\[fix\](https\://evil.example)` + " |\n"
	if diff := cmp.Diff(wantMD, ProblemsMarkdown(ps)); diff != "" {
		t.Errorf("ProblemsMarkdown() mismatch (-want +got):\n%s", diff)
	}
}

func ExampleCheck() {
	d := &Distribution{
		Filename: "Demo_Pkg-1.0-cp312-cp312-linux_x86_64.whl",
		Kind:     Wheel,
		Size:     1234,
		Metadata: &Metadata{Headers: []Header{
			{Name: "Metadata-Version", Value: "2.1"},
			{Name: "Name", Value: "demo-pkg"},
			{Name: "Version", Value: "1.0"},
			{Name: "Description-Content-Type", Value: "text/markdown"},
		}, Body: "# Demo"},
	}
	for _, p := range Check([]*Distribution{d}, TargetPyPI) {
		fmt.Println(p.ID, p.Severity, p.Message)
	}
	// Output:
	// VA-06 error Binary wheel 'Demo_Pkg-1.0-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'.
	// VA-05 error Filename 'Demo_Pkg-1.0-cp312-cp312-linux_x86_64.whl' should contain the normalized project name 'demo_pkg', not 'Demo_Pkg'.
}
