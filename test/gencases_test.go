package test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// generatedCases returns the mutation cases of the differential tests: for
// every rule of the preflight, valid and invalid forms, each case one
// upload (or a few, in order) to a fresh index.
func generatedCases() []genCase {
	var cs []genCase
	add := func(rule, id string, files ...genFile) {
		cs = append(cs, genCase{ID: rule + "/" + id, Rule: rule, Files: files})
	}
	// A wheel whose metadata is base 2.4 with one header set.
	meta := func(rule, id, name, value string) {
		add(rule, id, wheelFile(baseMeta("2.4").with(name, value)))
	}

	add("baseline", "wheel-2.4", wheelFile(baseMeta("2.4")))
	add("baseline", "sdist-2.4", sdistFile(baseMeta("2.4")))
	add("baseline", "wheel-and-sdist", wheelFile(baseMeta("2.1")), sdistFile(baseMeta("2.1")))

	// Metadata-Version.
	for _, mv := range []string{"1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.0", "2", "two", "2.1.0", "UNKNOWN"} {
		add("metadata-version", mv, wheelFile(baseMeta(mv)))
	}
	add("metadata-version", "missing", wheelFile(baseMeta("2.1").without("Metadata-Version")))
	add("metadata-version", "2.6-sdist", sdistFile(baseMeta("2.6")))

	cs = append(cs, nameCases()...)
	cs = append(cs, versionCases()...)

	// Summary.
	meta("summary", "512", "Summary", strings.Repeat("s", 512))
	meta("summary", "513", "Summary", strings.Repeat("s", 513))
	meta("summary", "folded", "Summary", "first line\n second line")
	meta("summary", "unknown", "Summary", "UNKNOWN")
	meta("summary", "non-ascii", "Summary", "Ünïcödé ✓")
	add("summary", "missing", wheelFile(baseMeta("2.4").without("Summary")))

	// Description-Content-Type and the description.
	for i, ct := range []string{"text/plain", "text/x-rst", "text/markdown; charset=UTF-8; variant=GFM",
		"text/markdown; variant=CommonMark", "text/markdown; variant=Original", "text/html",
		"text/markdown; charset=latin-1", "TEXT/MARKDOWN", "text/x-rst; charset=utf-8", "text/plain;",
		"text", "text/markdown; variant", "text/markdown; charset=UTF-8; charset=ascii"} {
		meta("description-content-type", fmt.Sprintf("%02d", i), "Description-Content-Type", ct)
	}
	brokenRST := "Title\n===\n\n`unclosed\n"
	add("description", "rst-broken", wheelFile(baseMeta("2.4").with("Description-Content-Type", "text/x-rst").body(brokenRST)))
	add("description", "rst-default-broken", wheelFile(baseMeta("2.4").without("Description-Content-Type").body(brokenRST)))
	add("description", "rst-ok", wheelFile(baseMeta("2.4").with("Description-Content-Type", "text/x-rst").body("Title\n=====\n\nSome *text* and ``code``.\n\n- a\n- b\n")))
	add("description", "rst-unknown-directive", wheelFile(baseMeta("2.4").with("Description-Content-Type", "text/x-rst").body("Title\n=====\n\n.. frobnicate:: x\n")))
	add("description", "markdown-broken-looking", wheelFile(baseMeta("2.4").body("`unclosed *emphasis\n\n<div>html</div>\n")))
	add("description", "empty", wheelFile(baseMeta("2.4").body("")))
	add("description", "header", wheelFile(baseMeta("2.1").body("").with("Description", "A description in a header")))

	// Keywords, Author, Maintainer, Platform and friends.
	meta("keywords", "comma", "Keywords", "a,b, c")
	meta("keywords", "space", "Keywords", "a b c")
	meta("author", "plain", "Author", "Jane Doe")
	meta("maintainer", "plain", "Maintainer", "Jane Doe")
	meta("platform", "any", "Platform", "any")
	meta("supported-platform", "linux", "Supported-Platform", "x86_64-linux")

	// URLs.
	for i, u := range []string{"https://example.com", "http://example.com/a/b?c=d#e", "example.com",
		"ftp://example.com", "http://example.com:99999", "http://example.com:8080/", "https://exa mple.com",
		"javascript:alert(1)", "https://example.com/a[b]", "HTTPS://EXAMPLE.COM", "https:///path",
		"https://user@example.com/", "mailto:a@example.com", "https://ex%41mple.com/"} {
		meta("home-page", fmt.Sprintf("%02d", i), "Home-page", u)
	}
	meta("download-url", "ok", "Download-URL", "https://example.com/dl")
	meta("download-url", "scheme", "Download-URL", "git://example.com/dl")

	cs = append(cs, emailCases()...)
	cs = append(cs, licenseCases()...)
	cs = append(cs, classifierCases()...)
	cs = append(cs, requirementCases()...)

	// Project-URL.
	for i, pu := range []string{"Homepage, https://example.com", "Homepage,https://example.com",
		"Homepage https://example.com", ", https://example.com", "Homepage, ", strings.Repeat("L", 33) + ", https://example.com",
		strings.Repeat("L", 32) + ", https://example.com", "Source, ftp://example.com", "Documentation, example.com",
		"Bug Tracker, https://example.com/issues"} {
		meta("project-url", fmt.Sprintf("%02d", i), "Project-URL", pu)
	}
	add("project-url", "duplicate-label", wheelFile(baseMeta("2.4").add("Project-URL", "Home, https://a.example.com").add("Project-URL", "Home, https://b.example.com")))

	// Provides-Extra.
	for _, e := range []string{"test", "Test_Extra", "test extra", "-test", "test.extra", "tést"} {
		meta("provides-extra", e, "Provides-Extra", e)
	}

	// Dynamic.
	for _, d := range []string{"Summary", "Requires-Dist", "name", "Version", "Metadata-Version", "X-Custom", "License-File", "Import-Name"} {
		add("dynamic", "2.2-"+d, wheelFile(baseMeta("2.2").add("Dynamic", d)))
	}
	add("dynamic", "2.1-Name", wheelFile(baseMeta("2.1").add("Dynamic", "Name")))
	add("dynamic", "2.1-Summary", wheelFile(baseMeta("2.1").add("Dynamic", "Summary")))

	// Import-Name and Import-Namespace (Metadata 2.5).
	for _, v := range []string{"gen_pkg", "gen_pkg.sub", "gen_pkg; private", "1bad", "class", "gen-pkg", "gen_pkg; public", "gen_pkg ;private", "ünï"} {
		add("import-name", "2.5-"+v, wheelFile(baseMeta("2.5").add("Import-Name", v)))
	}
	add("import-name", "2.5-namespace", wheelFile(baseMeta("2.5").add("Import-Namespace", "gen")))
	add("import-name", "2.5-namespace-bad", wheelFile(baseMeta("2.5").add("Import-Namespace", "gen.1x")))
	add("import-name", "2.4-invalid", wheelFile(baseMeta("2.4").add("Import-Name", "1bad")))
	add("import-name", "2.4-valid", wheelFile(baseMeta("2.4").add("Import-Name", "gen_pkg")))

	// Legacy 1.1 fields.
	add("legacy-fields", "1.1-requires", wheelFile(baseMeta("1.1").add("Requires", "os").add("Provides", "gen_pkg").add("Obsoletes", "old_pkg")))
	add("legacy-fields", "2.1-requires", wheelFile(baseMeta("2.1").add("Requires", "os")))
	add("legacy-fields", "2.1-requires-bad", wheelFile(baseMeta("2.1").add("Requires", "os (>=x")))

	// Single-use fields given twice.
	add("repeated", "summary", wheelFile(baseMeta("2.4").add("Summary", "second summary")))
	add("repeated", "home-page", wheelFile(baseMeta("2.4").add("Home-page", "https://a.example.com").add("Home-page", "https://b.example.com")))
	add("repeated", "author-email", wheelFile(baseMeta("2.4").add("Author-email", "a@example.com").add("Author-email", "b@example.com")))
	add("repeated", "license", wheelFile(baseMeta("2.1").add("License", "MIT").add("License", "BSD")))
	add("repeated", "requires-python", wheelFile(baseMeta("2.4").add("Requires-Python", ">=3.8").add("Requires-Python", ">=3.9")))

	// Fields newer than the declared Metadata-Version.
	add("field-too-new", "1.0-classifier", wheelFile(baseMeta("1.0").add("Classifier", "Programming Language :: Python :: 3")))
	add("field-too-new", "1.1-maintainer", wheelFile(baseMeta("1.1").add("Maintainer", "Jane")))
	add("field-too-new", "1.2-dct", wheelFile(baseMeta("1.2").add("Description-Content-Type", "text/markdown")))
	add("field-too-new", "1.2-provides-extra", wheelFile(baseMeta("1.2").add("Provides-Extra", "test")))
	add("field-too-new", "1.1-requires-dist", wheelFile(baseMeta("1.1").add("Requires-Dist", "requests")))
	add("field-too-new", "2.1-dynamic", wheelFile(baseMeta("2.1").add("Dynamic", "Summary")))
	add("field-too-new", "2.3-license-expression", wheelFile(baseMeta("2.3").add("License-Expression", "MIT")))
	add("field-too-new", "2.3-license-file", wheelFile(baseMeta("2.3").add("License-File", "LICENSE")))

	// Headers no specification defines.
	meta("unknown-field", "x-custom", "X-Custom", "1")
	meta("unknown-field", "wheel-version", "Wheel-Version", "1.0")

	cs = append(cs, filenameCases()...)
	cs = append(cs, archiveCases()...)
	cs = append(cs, releaseCases()...)
	return cs
}

// realCases returns the real distributions as cases of one file each: the
// corpus built by Debian's backends (DIST_CORPUS, when set) and the
// fixtures of dist/testdata, many of them broken on purpose.
func realCases() []genCase {
	var cs []genCase
	var paths []string
	if root := os.Getenv("DIST_CORPUS"); root != "" {
		p, _ := filepath.Glob(filepath.Join(root, "dists", "*"))
		paths = append(paths, p...)
	}
	for _, sub := range []string{"dists", "check"} {
		for _, ext := range []string{"*.whl", "*.tar.gz", "*.zip"} {
			p, _ := filepath.Glob(filepath.Join(repoRoot(), "dist", "testdata", sub, ext))
			paths = append(paths, p...)
		}
	}
	for _, p := range paths {
		name := filepath.Base(p)
		kind := dist.Sdist
		if strings.HasSuffix(name, ".whl") {
			kind = dist.Wheel
		}
		rule := "real-corpus"
		if strings.Contains(p, "testdata") {
			rule = "real-testdata"
		}
		cs = append(cs, genCase{ID: rule + "/" + name, Rule: rule, Files: []genFile{{Filename: name, Kind: kind, Source: p}}})
	}
	return cs
}

func nameCases() []genCase {
	var cs []genCase
	for _, n := range []string{"gen-pkg", "Gen.Pkg", "gen__pkg", "g", "1gen", "gen-", "-gen", "gen pkg", "gén", "gen_pkg.", "gen!pkg", "UNKNOWN", "GEN_PKG"} {
		m := baseMeta("2.4").with("Name", n)
		cs = append(cs, genCase{ID: "name/" + n, Rule: "name", Files: []genFile{
			{Filename: wheelName(n, "1.0", "py3-none-any"), Kind: dist.Wheel, Meta: m},
		}})
	}
	cs = append(cs, genCase{ID: "name/missing", Rule: "name", Files: []genFile{
		{Filename: "gen_pkg-1.0-py3-none-any.whl", Kind: dist.Wheel, Meta: baseMeta("2.4").without("Name")},
	}})
	cs = append(cs, genCase{ID: "name/empty", Rule: "name", Files: []genFile{
		{Filename: "gen_pkg-1.0-py3-none-any.whl", Kind: dist.Wheel, Meta: baseMeta("2.4").with("Name", "")},
	}})
	return cs
}

func versionCases() []genCase {
	var cs []genCase
	// version as written, and the file name version a current backend writes.
	for _, v := range [][2]string{
		{"1.0", "1.0"}, {"1.0.0", "1.0.0"}, {"v1.0", "1.0"}, {"1.0-1", "1.0.post1"}, {"1.0_rc1", "1.0rc1"},
		{"1.0RC1", "1.0rc1"}, {"1!2.0", "1!2.0"}, {"1.0.post1.dev2", "1.0.post1.dev2"}, {"1.0+local", "1.0+local"},
		{"1.0+local.1", "1.0+local.1"}, {"01.0", "1.0"}, {"1.0a", "1.0a0"}, {"1.0-", "1.0-"}, {"abc", "abc"},
		{"1.0.dev", "1.0.dev0"}, {"1.0.*", "1.0.*"}, {"2024.01.02", "2024.1.2"},
	} {
		m := baseMeta("2.4").with("Version", v[0])
		cs = append(cs, genCase{ID: "version/" + v[0], Rule: "version", Files: []genFile{
			{Filename: wheelName("gen-pkg", strings.ReplaceAll(v[1], "-", "_"), "py3-none-any"), Kind: dist.Wheel, Meta: m},
		}})
		if v[0] != v[1] {
			cs = append(cs, genCase{ID: "version/" + v[0] + "-as-written", Rule: "version", Files: []genFile{
				{Filename: wheelName("gen-pkg", strings.ReplaceAll(v[0], "-", "_"), "py3-none-any"), Kind: dist.Wheel, Meta: m},
			}})
		}
		cs = append(cs, genCase{ID: "version/" + v[0] + "-sdist", Rule: "version", Files: []genFile{
			{Filename: "gen_pkg-" + v[1] + ".tar.gz", Kind: dist.Sdist, Meta: m},
		}})
	}
	cs = append(cs, genCase{ID: "version/missing", Rule: "version", Files: []genFile{
		{Filename: "gen_pkg-1.0-py3-none-any.whl", Kind: dist.Wheel, Meta: baseMeta("2.4").without("Version")},
	}})
	return cs
}

func emailCases() []genCase {
	var cs []genCase
	addrs := []string{"me@example.com", "Jane <jane@example.com>", "jane", "jane@", "@example.com",
		"jane@localhost", "jane@example", "jane@example.test", "jane@exa_mple.com", "jane..doe@example.com",
		".jane@example.com", "jane.@example.com", "a@b@c.com", "jane@example.com, bob@example.org",
		"\"Doe, Jane\" <jane@example.com>", "jane@-example.com", "jane@example-.com", "jane@example..com",
		"jane@example.com.", "jüne@example.com", "jane@bücher.example", "jane@1.2.3.4", "jane@[1.2.3.4]",
		strings.Repeat("l", 65) + "@example.com", strings.Repeat("l", 60) + "@" + strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 60) + ".com",
		"jane doe@example.com", "jane(comment)@example.com", "<jane@example.com>", "Jane Doe",
		"jane@xn--bcher-kva.example", "jane@ex.c1", "jane@ab--cd.example.com", "jane@example.local",
		"jane@sub.example.invalid", "jane@" + strings.Repeat("d", 64) + ".com", "o'neil@example.com",
		"jane+tag@example.com", "jane@example.co.uk", "Jane Doe <jane@localhost>", "jane@exam ple.com",
		"jane@例え.テスト", "jane@EXAMPLE.COM", "\"jane doe\"@example.com", "jane@example.com (Jane)",
		"jane@example.com>", "Jane <jane@example.com", "jane@.example.com", "jane@example.c-m",
	}
	for i, a := range addrs {
		field := "Author-email"
		if i%4 == 3 {
			field = "Maintainer-email"
		}
		cs = append(cs, genCase{ID: fmt.Sprintf("email/%02d", i), Rule: "email", Files: []genFile{wheelFile(baseMeta("2.4").with(field, a))}})
	}
	return cs
}

func licenseCases() []genCase {
	var cs []genCase
	add := func(id string, files ...genFile) {
		cs = append(cs, genCase{ID: "license/" + id, Rule: "license", Files: files})
	}
	add("2.1-license", wheelFile(baseMeta("2.1").add("License", "MIT")))
	add("2.1-license-long", wheelFile(baseMeta("2.1").add("License", "Copyright (c) 2024\n        \n        Permission is hereby granted")))
	for _, e := range []string{"MIT", "mit", "MIT OR Apache-2.0", "MIT AND", "Nonsense-1.0", "LicenseRef-Custom", "GPL-2.0+",
		"Apache-2.0 WITH LLVM-exception", "(MIT)", "MIT or Apache-2.0", "GPL-2.0-or-later"} {
		add("2.4-expression-"+e, wheelFile(baseMeta("2.4").add("License-Expression", e)))
	}
	add("2.4-license-and-expression", wheelFile(baseMeta("2.4").add("License", "MIT").add("License-Expression", "MIT")))
	add("2.1-license-and-expression", wheelFile(baseMeta("2.1").add("License", "MIT").add("License-Expression", "MIT")))
	add("2.1-expression-invalid", wheelFile(baseMeta("2.1").add("License-Expression", "MIT AND")))
	add("2.4-license-only", wheelFile(baseMeta("2.4").add("License", "MIT")))

	lic := []genMember{{Name: "gen_pkg/__init__.py", Data: []byte("\n")}}
	withFile := func(m genMeta, member string) genFile {
		f := wheelFile(m)
		f.Members = append(append([]genMember(nil), lic...), genMember{Name: distInfoName(f.Filename) + "/licenses/" + member, Data: []byte("MIT\n")})
		return f
	}
	add("2.4-file-present", withFile(baseMeta("2.4").add("License-Expression", "MIT").add("License-File", "LICENSE"), "LICENSE"))
	add("2.4-file-missing", wheelFile(baseMeta("2.4").add("License-Expression", "MIT").add("License-File", "LICENSE")))
	add("2.4-file-nested", withFile(baseMeta("2.4").add("License-File", "licenses/LICENSE.txt"), "licenses/LICENSE.txt"))
	for _, p := range []string{"../LICENSE", "/LICENSE", "LIC*", "a\\b", "C:LICENSE"} {
		add("2.4-file-path-"+p, wheelFile(baseMeta("2.4").add("License-File", p)))
	}
	add("2.1-file-missing", wheelFile(baseMeta("2.1").add("License-File", "LICENSE")))
	sd := sdistFile(baseMeta("2.4").add("License-File", "LICENSE"))
	add("2.4-sdist-file-missing", sd)
	sd2 := sdistFile(baseMeta("2.4").add("License-File", "LICENSE"))
	sd2.Extra = []genMember{{Name: sdistTop(sd2.Filename) + "/LICENSE", Data: []byte("MIT\n")}}
	add("2.4-sdist-file-present", sd2)
	return cs
}

func classifierCases() []genCase {
	var cs []genCase
	for _, c := range []string{
		"Programming Language :: Python :: 3",
		"Programming Language :: Zig",
		"Environment :: GPU :: NVIDIA CUDA :: 13",
		"Framework :: Django :: 6",
		"License :: OSI Approved :: Zero-Clause BSD (0BSD)",
		"Programming Language :: Python :: 3.14",
		"Programming Language :: Python :: Free Threading :: 3 - Stable",
		"License :: OSI Approved :: Intel Open Source License",
		"License :: OSI Approved :: Jabber Open Source License",
		"License :: OSI Approved :: MITRE Collaborative Virtual Workspace License (CVW)",
		"License :: OSI Approved :: Sun Industry Standards Source License (SISSL)",
		"License :: OSI Approved :: X.Net License",
		"Natural Language :: Ukranian",
		"Framework :: Django CMS :: 4.2",
		"Topic :: Communications :: Chat :: AOL Instant Messenger",
		"Programming Language :: Cobol :: 99",
		"Private :: Do Not Upload",
		"programming language :: python :: 3",
		"Programming Language :: Python :: 3 ",
	} {
		cs = append(cs, genCase{ID: "classifier/" + c, Rule: "classifier", Files: []genFile{wheelFile(baseMeta("2.4").add("Classifier", c))}})
	}
	cs = append(cs, genCase{ID: "classifier/two-bad", Rule: "classifier", Files: []genFile{wheelFile(baseMeta("2.4").
		add("Classifier", "Zeta :: Unknown").add("Classifier", "Alpha :: Unknown"))}})
	cs = append(cs, genCase{ID: "classifier/repeated", Rule: "classifier", Files: []genFile{wheelFile(baseMeta("2.4").
		add("Classifier", "Programming Language :: Python :: 3").add("Classifier", "Programming Language :: Python :: 3"))}})
	return cs
}

func requirementCases() []genCase {
	var cs []genCase
	add := func(rule, id, field, v, mv string) {
		cs = append(cs, genCase{ID: rule + "/" + id, Rule: rule, Files: []genFile{wheelFile(baseMeta(mv).add(field, v))}})
	}
	for i, r := range []string{"requests>=2", "requests [security] >= 2 ; python_version < '3.8'",
		"requests @ https://example.com/r.whl", "requests>=", "requests (>=2.0)", "requests; os_name == 'nt' and",
		"requests; extra == 'test'", "my pkg", "requests;python_version>'3'", "requests==2.*", "requests~=1",
		">=2", "requests[]", "requests; python_version ~= '3'", "requests>=1.0,<2", "requests===foo",
		"requests; platform_machine == 'x86_64' or implementation_name == \"cpython\"", "requests<=2.0.*"} {
		add("requires-dist", fmt.Sprintf("%02d", i), "Requires-Dist", r, "2.4")
	}
	for i, r := range []string{">=3.8", ">=3.8,<4", "3.8", ">= 3.8", ">=3.8.*", "~=3", "py3", "==3.*", ">=3.8;", "!=3.9.*"} {
		add("requires-python", fmt.Sprintf("%02d", i), "Requires-Python", r, "2.4")
	}
	for i, r := range []string{"libfoo", "libfoo (>=1.0)", "C", "libfoo (>=x)"} {
		add("requires-external", fmt.Sprintf("%02d", i), "Requires-External", r, "2.4")
	}
	for i, r := range []string{"gen-other", "gen-other (1.0)", "gen-other >=", "x @ https://e.com/x.whl", "gen-other==1.0"} {
		add("provides-dist", fmt.Sprintf("%02d", i), "Provides-Dist", r, "2.4")
		add("obsoletes-dist", fmt.Sprintf("%02d", i), "Obsoletes-Dist", r, "2.4")
	}
	return cs
}

func filenameCases() []genCase {
	var cs []genCase
	add := func(rule, id string, files ...genFile) {
		cs = append(cs, genCase{ID: rule + "/" + id, Rule: rule, Files: files})
	}
	m := baseMeta("2.4")
	for _, tags := range []string{"py3-none-any", "py2.py3-none-any", "cp312-cp312-manylinux_2_17_x86_64",
		"cp312-cp312-manylinux2014_x86_64", "cp312-cp312-linux_x86_64", "cp312-cp312-linux_armv7l",
		"cp312-cp312-musllinux_1_2_aarch64", "cp312-cp312-macosx_11_0_arm64", "cp312-cp312-macosx_10_9_x86_64",
		"cp312-cp312-macosx_11_1_arm64", "cp312-cp312-macosx_26_0_arm64", "cp312-cp312-macosx_16_0_arm64",
		"cp312-cp312-win_amd64", "cp312-cp312-win32", "cp312-cp312-win_arm64", "cp313-cp313-ios_13_0_arm64_iphoneos",
		"cp313-cp313-android_21_arm64_v8a", "cp313-cp313-pyemscripten_2024_0_wasm32", "cp312-cp312-manylinux_2_17_riscv64",
		"cp312-cp312-manylinux_2_17_loongarch64", "cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64",
		"cp312-abi3-manylinux_2_17_x86_64.linux_x86_64", "cp312-cp312-musllinux_1_1_ppc64", "cp312-cp312-any",
		"py3-none-", "py3-none-emscripten_3_1_58_wasm32", "cp312-cp312-macosx_10_9_universal2"} {
		f := wheelFile(m)
		f.Filename = "gen_pkg-1.0-" + tags + ".whl"
		add("wheel-tags", tags, f)
	}
	for _, n := range []string{"Gen_Pkg-1.0-py3-none-any.whl", "gen.pkg-1.0-py3-none-any.whl", "gen-pkg-1.0-py3-none-any.whl",
		"other-1.0-py3-none-any.whl", "gen_pkg-2.0-py3-none-any.whl", "gen_pkg-1.0.0-py3-none-any.whl",
		"gen_pkg-1.0-1-py3-none-any.whl", "gen_pkg-1.0-b1-py3-none-any.whl", "gen_pkg-1.0-none-any.whl",
		"gen_pkg-1.0-py3-none-any.WHL", "gen__pkg-1.0-py3-none-any.whl",
		"gen_pkg-1.0-py3-none-" + strings.Repeat("manylinux_2_17_x86_64.", 10) + "win32.whl"} {
		f := wheelFile(m)
		f.Filename = n
		add("wheel-filename", n, f)
	}
	for _, n := range []string{"gen_pkg-1.0.tar.gz", "gen-pkg-1.0.tar.gz", "Gen_Pkg-1.0.tar.gz", "gen.pkg-1.0.tar.gz",
		"gen_pkg-1.0.zip", "gen_pkg-1.0.0.tar.gz", "other-1.0.tar.gz", "gen_pkg.tar.gz", "gen_pkg-2.0.tar.gz",
		"gen_pkg-1.0.TAR.GZ", "gen_pkg-1.0.tar.bz2", "gen_pkg-v1.0.tar.gz"} {
		f := sdistFile(m)
		f.Filename = n
		f.Top = "gen_pkg-1.0"
		add("sdist-filename", n, f)
	}
	pm := m.with("Version", "1.0.post1")
	add("sdist-filename", "post-hyphen", genFile{Filename: "gen_pkg-1.0-1.tar.gz", Kind: dist.Sdist, Meta: pm, Top: "gen_pkg-1.0-1"})
	add("sdist-filename", "post-normalized", genFile{Filename: "gen_pkg-1.0.post1.tar.gz", Kind: dist.Sdist, Meta: pm})
	return cs
}

func archiveCases() []genCase {
	var cs []genCase
	add := func(id string, files ...genFile) {
		cs = append(cs, genCase{ID: "archive/" + id, Rule: "archive", Files: files})
	}
	m := baseMeta("2.4")
	w := func(edit func(*genFile)) genFile {
		f := wheelFile(m)
		edit(&f)
		return f
	}
	s := func(edit func(*genFile)) genFile {
		f := sdistFile(m)
		edit(&f)
		return f
	}
	add("wheel-no-WHEEL", w(func(f *genFile) { f.Drop = []string{"WHEEL"} }))
	add("wheel-no-RECORD", w(func(f *genFile) { f.Drop = []string{"RECORD"} }))
	add("wheel-no-METADATA", w(func(f *genFile) { f.Drop = []string{"METADATA"} }))
	add("wheel-dist-info-unnormalized", w(func(f *genFile) { f.DistInfo = "Gen_Pkg-1.0.dist-info" }))
	add("wheel-dist-info-other-version", w(func(f *genFile) { f.DistInfo = "gen_pkg-2.0.dist-info" }))
	add("wheel-bzip2-member", w(func(f *genFile) {
		f.Extra = []genMember{{Name: "gen_pkg/data.txt", Data: []byte("data\n"), Method: 12}}
	}))
	add("wheel-stored-members", w(func(f *genFile) {
		f.Members = []genMember{{Name: "gen_pkg/__init__.py", Data: []byte("\n"), Method: 0}}
	}))
	add("wheel-data-descriptor", w(func(f *genFile) { f.DataDescriptor = true }))
	add("wheel-comment", w(func(f *genFile) { f.Comment = true }))
	add("wheel-trailing-data", w(func(f *genFile) { f.Trailing = true }))
	add("wheel-corrupt", w(func(f *genFile) { f.Corrupt = true }))
	add("wheel-dir-entries", w(func(f *genFile) {
		f.Members = []genMember{{Name: "gen_pkg", Dir: true}, {Name: "gen_pkg/__init__.py", Data: []byte("\n")}}
	}))
	add("wheel-non-utf8-names", genFile{Filename: "gén-1.0-py3-none-any.whl", Kind: dist.Wheel, Meta: m.with("Name", "gén"), NoUTF8Flag: true})
	add("wheel-non-utf8-data-member", w(func(f *genFile) {
		f.Extra = []genMember{{Name: "gen_pkg/données.txt", Data: []byte("x\n")}}
		f.NoUTF8Flag = true
	}))
	add("wheel-parent-path", w(func(f *genFile) { f.Extra = []genMember{{Name: "../evil.py", Data: []byte("\n")}} }))
	for i, ep := range []string{"[console_scripts]\ngen = gen_pkg:main\n", "[console_scripts]\ngen tool = gen_pkg:main\n",
		"not an ini file\n", "[gui_scripts]\ngen = 1mod:f\n", "[gen.plugins]\nx = gen_pkg.plugin:Plugin [extra]\n",
		"[console_scripts]\ngen = gen_pkg:main\ngen = gen_pkg:other\n", "[console_scripts]\n\xff = x:y\n"} {
		add(fmt.Sprintf("wheel-entry-points-%02d", i), w(func(f *genFile) {
			f.Extra = []genMember{{Name: distInfoName(f.Filename) + "/entry_points.txt", Data: []byte(ep)}}
		}))
	}
	add("wheel-compression-bomb", w(func(f *genFile) {
		f.Extra = []genMember{{Name: "gen_pkg/zeros.bin", Data: make([]byte, 65<<20)}}
	}))

	add("wheel-record-wrong-hash", w(func(f *genFile) {
		f.Drop = []string{"RECORD"}
		f.Extra = []genMember{{Name: distInfoName(f.Filename) + "/RECORD", Data: []byte("gen_pkg/__init__.py,sha256=AAAA,1\n")}}
	}))
	add("wheel-two-dist-info", w(func(f *genFile) {
		f.Extra = []genMember{{Name: "other-2.0.dist-info/METADATA", Data: []byte("Metadata-Version: 2.1\nName: other\nVersion: 2.0\n")}}
	}))
	add("sdist-no-PKG-INFO", s(func(f *genFile) { f.Drop = []string{"PKG-INFO"} }))
	add("sdist-dot-slash-members", s(func(f *genFile) {
		top := sdistTop(f.Filename)
		f.Drop = []string{"PKG-INFO"}
		f.Members = []genMember{{Name: "./" + top + "/PKG-INFO", Data: []byte(m.String())}, {Name: "./" + top + "/gen_pkg/__init__.py", Data: []byte("\n")}}
	}))
	add("sdist-absolute-member", s(func(f *genFile) { f.Extra = []genMember{{Name: "/etc/evil", Data: []byte("x\n")}} }))
	add("sdist-two-top-dirs", s(func(f *genFile) { f.Extra = []genMember{{Name: "other/file.txt", Data: []byte("x\n")}} }))
	add("sdist-sparse-member", s(func(f *genFile) {
		f.Extra = []genMember{{Name: sdistTop(f.Filename) + "/sparse.bin", Data: []byte("x\n"), TypeFlag: 'S'}}
	}))
	add("sdist-corrupt", s(func(f *genFile) { f.Corrupt = true }))
	add("sdist-other-top", s(func(f *genFile) { f.Top = "something-else" }))
	add("sdist-dir-entries", s(func(f *genFile) {
		top := sdistTop(f.Filename)
		f.Members = []genMember{{Name: top, Dir: true}, {Name: top + "/gen_pkg/__init__.py", Data: []byte("\n")}}
	}))
	add("sdist-zip", s(func(f *genFile) { f.Filename = "gen_pkg-1.0.zip" }))
	add("sdist-zip-no-PKG-INFO", s(func(f *genFile) { f.Filename = "gen_pkg-1.0.zip"; f.Drop = []string{"PKG-INFO"} }))
	return cs
}

func releaseCases() []genCase {
	var cs []genCase
	add := func(id string, files ...genFile) {
		cs = append(cs, genCase{ID: "release/" + id, Rule: "one-sdist", Files: files})
	}
	m := baseMeta("2.4")
	zipSdist := sdistFile(m)
	zipSdist.Filename = "gen_pkg-1.0.zip"
	add("tar-and-zip", sdistFile(m), zipSdist)
	m100 := m.with("Version", "1.0.0")
	add("1.0-and-1.0.0", sdistFile(m), sdistFile(m100))
	m2 := m.with("Version", "2.0")
	add("two-releases", sdistFile(m), sdistFile(m2))
	add("wheels-and-sdists", wheelFile(m), wheelFile(m100), sdistFile(m), sdistFile(m100))
	// The second sdist comes first in file name order when it is the
	// uncertain one.
	m26 := m100.with("Metadata-Version", "2.6")
	add("uncertain-sdist", sdistFile(m), sdistFile(m26))
	add("uncertain-wheel-first", wheelFile(m), sdistFile(m), wheelFile(baseMeta("2.6").with("Version", "1.0.0")))
	return cs
}
