package test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests run the binary against warehouse-oracle serve, PyPI's own
// upload view on loopback, with verify-metadata on and off (issue 13): what
// the preflight passes, the oracle accepts; what it refuses, the oracle
// refuses for a reason the preflight gave.

// oracleRun runs the binary on files against the oracle at base, as a PyPI
// upload with an API token.
func oracleRun(t *testing.T, base string, files map[string]string, verify bool, extra map[string]string) *Run {
	t.Helper()
	inputs := map[string]string{
		"repository-url": base + "/legacy/", "index-url": base + "/simple/", "password": "pypi-oracle-e2e",
		"attestations": "false", "verify-metadata": fmt.Sprint(verify),
	}
	for k, v := range extra {
		inputs[k] = v
	}
	return runAction(t, newWorkspace(t), Env{Inputs: inputs, Files: files, Vars: map[string]string{"PYPI_PUBLISH_INDEX_KIND": "pypi"}})
}

var (
	problemLine = regexp.MustCompile(`^\s+(error|warning|notice)\s+\S+ \S+(?: \[[^\]]*\])?: (.*)$`)
	distName    = regexp.MustCompile(`^\S+\.(whl|tar\.gz|zip)$`)
)

// logErrors reads the preflight table of a run's log: the error messages
// by file.
func logErrors(log string) map[string][]string {
	out := map[string][]string{}
	cur := ""
	for _, line := range strings.Split(log, "\n") {
		if t := strings.TrimSpace(line); distName.MatchString(t) {
			cur = t
			continue
		}
		if m := problemLine.FindStringSubmatch(line); m != nil && m[1] == "error" && cur != "" {
			out[cur] = append(out[cur], m[2])
		}
	}
	return out
}

// compareWithOracle checks every verdict of a verify-metadata: false run
// against the preflight's errors for the same files (from a verify-metadata:
// true run): refused by the oracle exactly when the preflight has an error,
// and for a reason among the preflight's, up to the deliberate exceptions.
func compareWithOracle(t *testing.T, name string, preflight map[string][]string, verdicts []verdict) {
	t.Helper()
	for _, v := range verdicts {
		r := fileResult{Case: name, File: v.Filename, Errors: preflight[v.Filename], Oracle: v}
		switch a := r.agreement(); a {
		case "accepted", "refused":
		default:
			explained := false
			for _, e := range preflightExceptions {
				if e.name != "one-sdist-after-uncertain" && e.applies(r, nil) {
					explained = true
				}
			}
			if !explained && !(a == "missed" && newerMetadataVersion.MatchString(v.Message)) {
				t.Errorf("%s: %s %s\n  preflight: %q\n  oracle:    %d %q", name, a, v.Filename, r.Errors, v.Status, v.Message)
			}
		}
	}
}

// writeCase writes a generated case's files and returns them as
// workspace files.
func writeCase(t *testing.T, c genCase) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range c.Files {
		files["dist/"+f.Filename] = f.write(t, dir)
	}
	return files
}

// TestWarehouse_generatedSample publishes a sample of the generated cases,
// one per kind of rule, with the real binary: the checks in a dry run give
// the preflight's verdict (a passing file is then sent exactly as without
// the checks), then verify-metadata: false against the oracle gives PyPI's.
// TestPreflightAgreesWithWarehouse covers every case in-process; this
// proves the binary's path is the same.
func TestWarehouse_generatedSample(t *testing.T) {
	t.Parallel()
	needOracle(t)
	sample := map[string]bool{
		"baseline/wheel-and-sdist": true, "license/2.1-license-and-expression": true, "dynamic/2.1-Name": true,
		"classifier/Programming Language :: Zig": true, "classifier/Natural Language :: Ukranian": true,
		"email/02": true, "wheel-tags/cp312-cp312-linux_x86_64": true, "archive/wheel-entry-points-01": true,
		"release/1.0-and-1.0.0": true, "name/gen_pkg.": true, "description/rst-broken": true,
		"repeated/summary": true, "field-too-new/1.2-dct": true,
	}
	for _, c := range generatedCases() {
		if !sample[c.ID] {
			continue
		}
		delete(sample, c.ID)
		t.Run(strings.NewReplacer("/", "_", " ", "_", ":", "").Replace(c.ID), func(t *testing.T) {
			t.Parallel()
			files := writeCase(t, c)
			base, dir := startOracle(t)
			on := oracleRun(t, base, files, true, map[string]string{"dry-run": "true"})
			errs := logErrors(on.Stdout)
			if (len(errs) > 0) != (on.Code != 0) {
				t.Errorf("verify-metadata: true exit %d with errors %v", on.Code, errs)
			}
			oracleRun(t, base, files, false, nil)
			vs := readVerdicts(t, dir)
			if len(vs) == 0 {
				t.Fatal("the oracle received nothing")
			}
			compareWithOracle(t, c.ID, errs, vs)
		})
	}
	if len(sample) > 0 {
		t.Errorf("sample cases not generated any more: %v", sample)
	}
}

// TestWarehouse_uncertainFileGoesFirstAndAlone: a wheel with
// Metadata-Version 2.6 passes the preflight with a warning (never lag the
// index), is uploaded first and alone, and when the oracle refuses it as
// PyPI does today, nothing else of the release reaches the index.
func TestWarehouse_uncertainFileGoesFirstAndAlone(t *testing.T) {
	t.Parallel()
	needOracle(t)
	m := baseMeta("2.4")
	newer := wheelFile(baseMeta("2.6"))
	newer.Filename = "gen_pkg-1.0-cp312-cp312-win_amd64.whl"
	files := writeCase(t, genCase{Files: []genFile{wheelFile(m), sdistFile(m), newer}})
	for _, concurrency := range []string{"1", "4"} {
		t.Run("concurrency_"+concurrency, func(t *testing.T) {
			base, dir := startOracle(t)
			r := oracleRun(t, base, files, true, map[string]string{"concurrency": concurrency})
			if r.Code != 1 {
				t.Fatalf("exit %d, want 1", r.Code)
			}
			var got []string
			for _, v := range readVerdicts(t, dir) {
				got = append(got, fmt.Sprintf("%s %d %s", v.Filename, v.Status, v.Message))
			}
			want := []string{newer.Filename + " 400 '2.6' is not a valid metadata version. See https://packaging.python.org/specifications/core-metadata for more information."}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("uploads the index received mismatch (-want +got):\n%s", diff)
			}
			st := statuses(t, r)
			if st[newer.Filename] != "failed" || st["gen_pkg-1.0-py3-none-any.whl"] != "not-attempted" || st["gen_pkg-1.0.tar.gz"] != "not-attempted" {
				t.Errorf("statuses = %v, want the 2.6 wheel failed and the others not attempted", st)
			}
			if !strings.Contains(r.Stdout, "Metadata-Version 2.6 is newer than 2.5") {
				t.Errorf("no VA-02 warning in the log")
			}
		})
	}
}

// TestWarehouse_corpus publishes the real distributions built by Debian's
// backends (DIST_CORPUS): with the checks on, exactly the files whose names
// PyPI refuses are reported and nothing is sent; each of them, sent with
// the checks off, is refused by the oracle for a reason the preflight
// gave; every other file is accepted, with the checks on and off.
func TestWarehouse_corpus(t *testing.T) {
	t.Parallel()
	dir, names, _ := corpusFiles(t)
	needOracle(t)
	all := map[string]string{}
	for _, n := range names {
		all["dist/"+n] = filepath.Join(dir, n)
	}
	base, odir := startOracle(t)
	r := oracleRun(t, base, all, true, nil)
	errs := logErrors(r.Stdout)
	if r.Code != 1 || len(errs) == 0 {
		t.Fatalf("exit %d with errors for %d files; want 1 and the unnormalized names", r.Code, len(errs))
	}
	if v := readVerdicts(t, odir); len(v) != 0 {
		t.Fatalf("the preflight refused files, yet %d uploads reached the index", len(v))
	}
	passing := map[string]string{}
	var refused []string
	for _, n := range names {
		if len(errs[n]) == 0 {
			passing["dist/"+n] = all["dist/"+n]
		} else {
			refused = append(refused, n)
		}
	}
	sort.Strings(refused)
	for _, n := range refused {
		oracleRun(t, base, map[string]string{"dist/" + n: all["dist/"+n]}, false, nil)
	}
	compareWithOracle(t, "corpus", errs, readVerdicts(t, odir))
	if got := len(readVerdicts(t, odir)); got != len(refused) {
		t.Errorf("%d verdicts for %d refused files", got, len(refused))
	}
	for _, verify := range []bool{true, false} {
		b, d := startOracle(t)
		r := oracleRun(t, b, passing, verify, nil)
		vs := readVerdicts(t, d)
		if r.Code != 0 || len(vs) != len(passing) {
			t.Errorf("verify-metadata: %v: exit %d, %d verdicts for %d files", verify, r.Code, len(vs), len(passing))
		}
		compareWithOracle(t, "corpus", nil, vs)
	}
	t.Logf("corpus: %d files; the preflight refuses %d (%s), the oracle refuses the same with the same reasons and accepts the other %d",
		len(names), len(refused), strings.Join(refused, ", "), len(passing))
}
