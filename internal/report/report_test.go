package report_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	wheel = "sampleproject-4.0.0-py3-none-any.whl"
	sdist = "sampleproject-4.0.0.tar.gz"
	shaW  = "8e8c3916349b7a932b773c9e0d33f6825bb014abbd2bae9c5e576a73d124410b"
	shaS  = "9b526d439698950b1fd10a03a4c7bb1cfbc02b2e54e31879e3e79b1def8c191f"
	rel   = "https://pypi.org/project/sampleproject/4.0.0/"
)

// files returns the two files of a release with the given statuses.
func files(ws, ss string) []report.File {
	f := []report.File{
		{Filename: wheel, Path: "dist/" + wheel, Size: 4321, SHA256: shaW, Version: "4.0.0", Status: ws},
		{Filename: sdist, Path: "dist/" + sdist, Size: 2_345_678, SHA256: shaS, Version: "4.0.0", Status: ss},
	}
	for i := range f {
		if f[i].Status == report.StatusUploaded || strings.HasPrefix(f[i].Status, "skipped") {
			f[i].URL = rel
		}
	}
	return f
}

func goldenCases() map[string]report.Report {
	pypi := report.Report{Index: "https://upload.pypi.org/legacy/", IndexName: "PyPI"}
	success := pypi
	success.Auth, success.TrustedPublishing = "trusted publishing", true
	success.Attestations = "generated for 2 files, reused for 0"
	success.Files = files(report.StatusUploaded, report.StatusUploaded)
	success.Files[0].Attestations = []string{"dist/" + wheel + ".publish.attestation"}
	success.Files[1].Attestations = []string{"dist/" + sdist + ".publish.attestation"}
	for i := range success.Files {
		success.Files[i].Verification, success.Files[i].Verified = "JSON API + simple API: sha256, size; provenance ✓", true
	}

	// verify-upload found the sdist served with other bytes (VE-03), and a
	// third-party index's HTML page (no sizes) for the wheel.
	mismatch := report.Report{Index: "https://nexus.example/repository/pypi-hosted/", IndexName: "third-party index", Auth: "username and password"}
	mismatch.Files = files(report.StatusUploaded, report.StatusUploaded)
	mismatch.Files[0].URL, mismatch.Files[1].URL = "", ""
	mismatch.Files[0].Verification, mismatch.Files[0].Verified = "simple API: sha256", true
	mismatch.Files[1].Verification = "simple API: ✗ other contents"
	mismatch.Failure = &report.Failure{
		Message:   "The index does not serve what was uploaded.\n" + sdist + ": the index serves other contents than were uploaded: the simple API (https://nexus.example/repository/pypi-hosted/simple/sampleproject/) lists sha256 " + shaW + " where the uploaded file has " + shaS,
		Hint:      "The index answered 200 to the upload but serves other bytes under this name.",
		Published: true,
	}

	partial := pypi
	partial.Auth, partial.Attestations = "API token", "skipped: PyPI accepts them only from trusted publishing, and this run uses API token"
	partial.Files = files(report.StatusUploaded, report.StatusFailed)
	partial.Failure = &report.Failure{
		Message: "POST https://upload.pypi.org/legacy/: 400 Invalid distribution file.\nOn the index: " + wheel + ".\nNot uploaded: " + sdist + ".",
		Hint:    "The archive is damaged or has an unexpected layout: rebuild it. The release is incomplete: once the cause is fixed, re-run this job.",
	}
	partial.Sections = []report.Section{{Title: "Consider trusted publishing", Body: "Trusted publishing replaces the API token with short-lived credentials.\n"}}

	conflict := report.Report{Index: "https://devpi.example/root/dev/", IndexName: "third-party index", Auth: "username and password"}
	conflict.Files = files(report.StatusFailed, report.StatusNotAttempted)
	conflict.Files[0].Note = "the index has another file with this name (sha256 0123456789ab…)"
	conflict.Failure = &report.Failure{Message: "1 file on the index differs from the local one: " + wheel,
		Hint: "An index never replaces a file: rebuilt files are rarely byte-identical. Publish a new version, or set skip-existing: true."}

	refused := pypi
	refused.Auth, refused.Attestations = "trusted publishing", "to be generated"
	refused.Files = files(report.StatusNotAttempted, report.StatusNotAttempted)
	refused.Checks = "| File | Rule | Problem | Fix |\n|---|---|---|---|\n| `" + wheel + "` | VA-05 | Binary wheel has an unsupported platform tag 'linux_x86_64'. | build manylinux wheels |"
	refused.Failure = &report.Failure{Message: "1 problems in the distributions would make PyPI reject them; nothing was uploaded.",
		Hint: "See the table in the log and the step summary for each rule and its fix, then rebuild."}

	tp := report.Report{Index: "https://test.pypi.org/legacy/", IndexName: "TestPyPI", Auth: "trusted publishing", Attestations: "to be generated"}
	tp.Files = files(report.StatusNotAttempted, report.StatusNotAttempted)
	tp.Failure = &report.Failure{Message: "TestPyPI refused to mint a token (422): `invalid-publisher`: valid token, but no corresponding publisher",
		Hint:    "No trusted publisher on TestPyPI matches this workflow.",
		Details: "### Trusted publishing (TP-10)\n\n| Claim | Value in this run |\n|---|---|\n| `repository` | `octo-org/octo-repo` |"}
	tp.Sections = []report.Section{{Title: "Reusable workflow", Body: "This job runs in a reusable workflow.\n\nSee https://docs.pypi.org/trusted-publishers/troubleshooting/#reusable-workflows-on-github"}}

	dry := pypi
	dry.Auth, dry.Attestations, dry.DryRun = "trusted publishing", "to be generated", true
	dry.Files = files(report.StatusNotAttempted, report.StatusNotAttempted)

	return map[string]report.Report{
		"success": success, "partial_failure": partial, "conflict": conflict,
		"refused_check": refused, "trusted_publishing_failure": tp, "dry_run": dry, "verify_mismatch": mismatch,
	}
}

// TestGolden pins the summary and the outputs of each kind of run. Run
// `go test ./internal/report -update` to rewrite testdata/*.golden after a
// deliberate change, and review the diff.
func TestGolden(t *testing.T) {
	t.Parallel()
	for name, rep := range goldenCases() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			golden(t, name+".summary.md.golden", rep.Markdown())
			golden(t, name+".outputs.golden", renderOutputs(rep.Outputs()))
		})
	}
}

// renderOutputs prints outputs as sorted name=value lines.
func renderOutputs(outs map[string]string) string {
	var lines []string
	for k, v := range outs {
		lines = append(lines, k+"="+v)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// TestMarkdown_sizeLimit: a summary for thousands of files stays under
// GitHub's limit and says that rows were left out.
func TestMarkdown_sizeLimit(t *testing.T) {
	t.Parallel()
	rep := report.Report{Index: "https://upload.pypi.org/legacy/", IndexName: "PyPI"}
	for i := range 20000 {
		name := fmt.Sprintf("pkg%05d-1.0-py3-none-any.whl", i)
		rep.Files = append(rep.Files, report.File{Filename: name, Path: "dist/" + name, SHA256: shaW, Version: "1.0", Status: report.StatusNotAttempted})
	}
	md := rep.Markdown()
	if len(md) > 1<<20 {
		t.Errorf("summary is %d bytes, over 1 MiB", len(md))
	}
	if !strings.Contains(md, "more files are left out") {
		t.Errorf("summary does not say that files were left out")
	}
	if n := strings.Count(rep.Outputs()["files"], `"filename"`); n != 20000 {
		t.Errorf("files output has %d entries, want 20000", n)
	}
}

func TestHumanSize(t *testing.T) {
	t.Parallel()
	cases := map[int64]string{0: "0 B", 849: "849 B", 1536: "1.5 KiB", 2 << 20: "2.0 MiB", 3 << 30: "3.0 GiB"}
	for n, want := range cases {
		if got := report.HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// A pipe or a line break in a value cannot break the table.
func TestMarkdown_cells(t *testing.T) {
	t.Parallel()
	rep := report.Report{Index: "https://x/|y", IndexName: "third-party index", Attestations: "a|b",
		Files: []report.File{{Filename: "a|b.whl", Status: report.StatusFailed, Note: "line1\nline2"}}}
	md := rep.Markdown()
	for _, want := range []string{"`https://x/\\|y`", "| a\\|b |", "`a\\|b.whl`", "failed: line1 line2"} {
		if !strings.Contains(md, want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}
}

// TestMarkdown_hostile is issue 12's summary attack: a 400 body with a
// heading, an image, a script and a link under "What went wrong", and a
// file name with a backtick, render as text. The golden file is what
// GitHub receives.
func TestMarkdown_hostile(t *testing.T) {
	t.Parallel()
	body := "Bad\n\n# You have been pwned\n<img src=https://evil.example/x.png>\n<script>alert(1)</script>\n" +
		"[log in again](https://evil.example/login)\n```\nbreak out\n````"
	rep := report.Report{Index: "https://evil.example/legacy/", IndexName: "third-party index", Auth: "API token",
		Files: []report.File{{Filename: "evil`x`-1.0.tar.gz", Version: "1.0<b>", Status: report.StatusFailed,
			Note: "the index says: [click](https://evil.example) <img src=x> ::error::x"}},
		Failure: &report.Failure{Message: "POST https://evil.example/legacy/: 400 " + body, Hint: "# Fix: see <https://evil.example> *now*"},
	}
	got := rep.Markdown()
	golden := filepath.Join("testdata", "hostile.summary.md.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("hostile summary mismatch (-want +got):\n%s", diff)
	}
	// Outside the fenced block, nothing may open HTML, a link or a heading.
	before, rest, _ := strings.Cut(got, "`````text\n")
	_, after, _ := strings.Cut(rest, "\n`````\n")
	outside := before + after
	if m := regexp.MustCompile(`(^|[^\\])[<\[]`).FindString(outside); m != "" {
		t.Errorf("summary has an unescaped %q outside the code block", m)
	}
	for _, line := range strings.Split(outside, "\n") {
		if strings.HasPrefix(line, "#") && line != "## pypi-publish: Publishing to third-party index failed" && line != "### What went wrong" {
			t.Errorf("summary has a heading that is not ours: %q", line)
		}
	}
}
