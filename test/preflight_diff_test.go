package test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/publish"
)

// recorder is a loopback index that answers every upload with 200 and saves
// the raw request as a warehouse-oracle capture: /<case>/legacy/ is written
// to <root>/<case>/reqNNNN.{json,body}.
type recorder struct {
	root string
	mu   sync.Mutex
	seq  map[string]int
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec.mu.Lock()
	rec.seq[c]++
	n := rec.seq[c]
	rec.mu.Unlock()
	dir := filepath.Join(rec.root, c)
	_ = os.MkdirAll(dir, 0o755)
	meta, _ := json.Marshal(map[string]any{"path": "/" + path, "headers": map[string]string{
		"Content-Type": r.Header.Get("Content-Type"), "User-Agent": r.Header.Get("User-Agent"),
	}})
	base := filepath.Join(dir, fmt.Sprintf("req%04d", n))
	if err := os.WriteFile(base+".json", meta, 0o644); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if err := os.WriteFile(base+".body", body, 0o644); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = io.WriteString(w, "OK")
}

// fileResult is the preflight's and Warehouse's verdict on one file.
type fileResult struct {
	Case, Rule, File string
	// Errors are the preflight's errors for the file (a read failure
	// included); Rules names every problem, warnings included.
	Errors []string
	Rules  []string
	// Unsendable: no uploader could build a request (no parsable metadata).
	Unsendable bool
	Oracle     verdict
}

// agreement classifies a result: "accepted" or "refused" when both agree
// (refused only when Warehouse's reason is among the preflight's),
// otherwise what differs.
func (r fileResult) agreement() string {
	ours := len(r.Errors) > 0
	switch {
	case r.Unsendable:
		return "unsendable"
	case !ours && !r.Oracle.refused():
		return "accepted"
	case ours && !r.Oracle.refused():
		return "false-refusal"
	case !ours && r.Oracle.refused():
		return "missed"
	}
	want := normalizeMessage(r.Oracle.Message)
	for _, e := range r.Errors {
		if normalizeMessage(e) == want {
			return "refused"
		}
	}
	return "other-reason"
}

var seeSuffix = regexp.MustCompile(`\s*See https?://\S+ for more information\.?$`)

// normalizeMessage drops the "See <url> for more information." that
// Warehouse appends and folds white space, so that the preflight's message
// (which carries the link in its fix) compares equal.
func normalizeMessage(s string) string {
	s = seeSuffix.ReplaceAllString(strings.TrimSpace(s), "")
	return strings.Join(strings.Fields(s), " ")
}

// runDifferential generates the cases, runs the preflight on them, sends
// each file the way the uploader does to a recorder, and has Warehouse's
// upload view judge the recorded requests.
func runDifferential(t *testing.T, cases []genCase) []fileResult {
	t.Helper()
	needOracle(t)
	root := t.TempDir()
	rec := &recorder{root: filepath.Join(root, "captures"), seq: map[string]int{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	type sent struct {
		res    *fileResult
		capDir string
		n      int
	}
	var results []*fileResult
	var sends []sent
	var capDirs []string
	for ci, c := range cases {
		id := fmt.Sprintf("c%04d", ci)
		dir := filepath.Join(root, "dists", id)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var files []dist.File
		metaOf := map[string]string{}
		for _, f := range c.Files {
			p := f.write(t, dir)
			files = append(files, dist.File{Path: p, Filename: f.Filename, Kind: f.Kind})
			metaOf[p] = f.Meta.String()
		}
		dists, problems := preflight(files, metaOf)
		client, err := publish.New(srv.URL+"/"+id+"/legacy/",
			publish.WithCredentials(publish.Static{User: "__token__", Password: "pypi-differential"}),
			publish.WithRetry(retry.Backoff{Attempts: 1}))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range dists {
			r := &fileResult{Case: c.ID, Rule: c.Rule, File: d.Filename}
			for _, p := range problems {
				if p.File != d.Filename {
					continue
				}
				r.Rules = append(r.Rules, p.ID+" "+p.Rule)
				if p.Severity == dist.SeverityError {
					r.Errors = append(r.Errors, p.Message)
				}
			}
			results = append(results, r)
			if d.Metadata == nil {
				r.Unsendable = true
				continue
			}
			if _, err := client.Upload(context.Background(), d, publish.UploadOptions{}); err != nil {
				t.Fatalf("%s: recording %s: %v", c.ID, d.Filename, err)
			}
			n++
			sends = append(sends, sent{res: r, capDir: filepath.Join(rec.root, id), n: n})
		}
		if n > 0 {
			capDirs = append(capDirs, filepath.Join(rec.root, id))
		}
	}
	verdicts := judgeCaptures(t, capDirs)
	byKey := map[string]verdict{}
	for _, v := range verdicts {
		byKey[filepath.Base(v.Capture)+"/"+v.Request] = v
	}
	for _, s := range sends {
		key := filepath.Base(s.capDir) + "/" + fmt.Sprintf("req%04d", s.n)
		v, ok := byKey[key]
		if !ok {
			t.Fatalf("no verdict for %s (%s)", key, s.res.File)
		}
		s.res.Oracle = v
	}
	out := make([]fileResult, len(results))
	for i, r := range results {
		out[i] = *r
	}
	return out
}

// preflight reads the files in Find's order (wheels, then sdists, by
// name), checks them for PyPI as the action does, and returns the
// distributions in upload order (an unreadable one with what an uploader
// would send for it: the metadata as written, when it parses) and the
// problems.
func preflight(files []dist.File, metaOf map[string]string) ([]*dist.Distribution, []dist.Problem) {
	sort.SliceStable(files, func(i, j int) bool {
		if files[i].Kind != files[j].Kind {
			return files[i].Kind == dist.Wheel
		}
		return files[i].Filename < files[j].Filename
	})
	var readable, unreadable []*dist.Distribution
	var failures []dist.ReadFailure
	for _, f := range files {
		d, err := dist.Read(f)
		if err != nil {
			failures = append(failures, dist.ReadFailure{File: f, Err: err})
			unreadable = append(unreadable, sendable(f, metaOf[f.Path]))
			continue
		}
		readable = append(readable, d)
	}
	problems := dist.Check(readable, dist.TargetPyPI, dist.WithReadFailures(failures...))
	return append(unreadable, dist.UploadOrder(readable)...), problems
}

// sendable builds what an uploader would send for a file Read refused:
// the metadata as written in the archive (when it parses) and the digests.
func sendable(f dist.File, meta string) *dist.Distribution {
	d := &dist.Distribution{Path: f.Path, Filename: f.Filename, Kind: f.Kind}
	fh, err := os.Open(f.Path)
	if err != nil {
		return d
	}
	defer fh.Close()
	dg, n, err := dist.Hash(fh)
	if err != nil {
		return d
	}
	d.Digests, d.Size = dg, n
	if md, err := dist.ParseMetadata([]byte(meta)); err == nil && meta != "" {
		d.Metadata = md
	}
	return d
}

// exception is a deliberate difference between the preflight and PyPI,
// documented in docs/preflight.md.
type exception struct {
	name, reason string
	// applies reports whether the exception explains r; results holds
	// every result of the run, for rules that depend on the other files
	// of the case.
	applies func(r fileResult, results []fileResult) bool
}

var newerMetadataVersion = regexp.MustCompile(`^'[0-9]+\.[0-9]+' is not a valid metadata version`)

func hasRule(r fileResult, rule string) bool {
	for _, x := range r.Rules {
		if x == rule {
			return true
		}
	}
	return false
}

// preflightExceptions lists the deliberate differences.
var preflightExceptions = []exception{
	{
		name:   "newer-metadata-version",
		reason: "a Metadata-Version newer than 2.5 is a warning, not an error, so that the preflight never lags PyPI; the file is uploaded first and alone, so a refusal sends nothing else",
		applies: func(r fileResult, _ []fileResult) bool {
			return r.agreement() == "missed" && newerMetadataVersion.MatchString(r.Oracle.Message) && hasRule(r, "VA-02 metadata-version-newer")
		},
	},
	{
		name:   "one-sdist-after-uncertain",
		reason: "an sdist whose acceptance is uncertain goes first, so DS-08 marks the other sdist of the release; PyPI refuses the uncertain one (newer-metadata-version) and then takes the other",
		applies: func(r fileResult, all []fileResult) bool {
			if r.agreement() != "false-refusal" || !hasRule(r, "DS-08 one-sdist-per-release") {
				return false
			}
			for _, o := range all {
				if o.Case == r.Case && o.File != r.File && hasRule(o, "VA-02 metadata-version-newer") {
					return true
				}
			}
			return false
		},
	},
	{
		name:   "warehouse-server-error",
		reason: "Warehouse's upload view raises on an sdist that mixes absolute and relative member paths (os.path.commonpath), so PyPI answers 500; the preflight refuses the file with Warehouse's message for a wrong number of top-level directories",
		applies: func(r fileResult, _ []fileResult) bool {
			return r.agreement() == "other-reason" && r.Oracle.Status >= 500
		},
	},
	{
		name:   "requirement-diagnostic",
		reason: "for an invalid Provides-Dist or Obsoletes-Dist, PyPI appends packaging's parser diagnostic to \"'<value>' is invalid:\"; the preflight gives the same refusal with its own diagnostic",
		applies: func(r fileResult, _ []fileResult) bool {
			if r.agreement() != "other-reason" {
				return false
			}
			prefix, _, ok := strings.Cut(r.Oracle.Message, "' is invalid: ")
			if !ok {
				return false
			}
			for _, e := range r.Errors {
				if strings.HasPrefix(e, prefix+"' is invalid: ") {
					return true
				}
			}
			return false
		},
	},
}

// TestPreflightAgreesWithWarehouse is the differential test of the
// preflight (issue 13): every generated case is checked by the preflight
// and judged by Warehouse's own upload view; what the preflight passes,
// Warehouse must accept, and what it refuses, Warehouse must refuse with a
// reason the preflight gave. The deliberate exceptions are
// preflightExceptions (docs/preflight.md); an exception that no longer
// applies to anything fails the test too.
func TestPreflightAgreesWithWarehouse(t *testing.T) {
	t.Parallel()
	cases := append(generatedCases(), realCases()...)
	results := runDifferential(t, cases)
	report := agreementReport(t, results)
	t.Logf("%s", report)
}

// agreementReport fails the test for every difference no exception
// explains, and returns the numbers for docs/preflight.md.
func agreementReport(t *testing.T, results []fileResult) string {
	t.Helper()
	counts := map[string]int{}
	used := map[string]int{}
	perRule := map[string]map[string]int{}
	for _, r := range results {
		a := r.agreement()
		if a == "unsendable" && len(r.Errors) == 0 {
			t.Errorf("%s: no uploader can send %s, yet the preflight passes it", r.Case, r.File)
		}
		if a != "accepted" && a != "refused" && a != "unsendable" {
			why := ""
			for _, e := range preflightExceptions {
				if e.applies(r, results) {
					why = e.name
					break
				}
			}
			if why == "" {
				t.Errorf("%s: %s %s\n  preflight: %q\n  warehouse: %d %q", a, r.Case, r.File, r.Errors, r.Oracle.Status, r.Oracle.Message)
			} else {
				used[why]++
				a = "exception"
			}
		}
		counts[a]++
		if perRule[r.Rule] == nil {
			perRule[r.Rule] = map[string]int{}
		}
		perRule[r.Rule][a]++
	}
	for _, e := range preflightExceptions {
		if used[e.name] == 0 {
			t.Errorf("exception %s explains no result any more; remove it here and in docs/preflight.md", e.name)
		}
	}
	var b strings.Builder
	agree := counts["accepted"] + counts["refused"]
	sendable := len(results) - counts["unsendable"]
	fmt.Fprintf(&b, "%d files in %d cases; %d sendable, of which %d agree (%.1f%%: %d accepted by both, %d refused by both for the same reason), %d deliberate exceptions %v, %d other differences; %d unsendable (no readable metadata for a form; the preflight refuses each)\n",
		len(results), countCases(results), sendable, agree, 100*float64(agree)/float64(sendable), counts["accepted"], counts["refused"],
		counts["exception"], used, sendable-agree-counts["exception"], counts["unsendable"])
	rules := make([]string, 0, len(perRule))
	for r := range perRule {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Fprintf(&b, "  %-26s %v\n", r, perRule[r])
	}
	return b.String()
}

func countCases(results []fileResult) int {
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.Case] = true
	}
	return len(seen)
}
