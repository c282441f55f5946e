package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// maxSummary keeps the step summary under the runner's 1024 KiB limit
// (action.md §4.2).
const maxSummary = 900 << 10

// row is one distribution in the outputs and the summary.
type row struct {
	Filename     string   `json:"filename"`
	Path         string   `json:"path"`
	Size         int64    `json:"size"`
	SHA256       string   `json:"sha256"`
	Status       string   `json:"status"`
	URL          *string  `json:"url"`
	version      string   // for the summary
	note         string   // why skipped or failed
	attestations []string // attestation files, workspace-relative
	reused       bool
}

// report accumulates what the run learned, for the outputs and the step
// summary, written on success and on failure (action.md §4).
type report struct {
	cfg      Config
	indexURL string
	kind     IndexKind
	auth     string
	attest   string
	trusted  bool
	dryRun   bool
	workdir  string
	rows     []*row
	byName   map[string]*row
	names    map[string]string // project name by file name
	problems string            // Markdown table of preflight problems
	sections []section
	failure  *userError
}

type section struct{ title, body string }

func newReport(cfg Config) *report {
	return &report{cfg: cfg, byName: map[string]*row{}, names: map[string]string{}, indexURL: cfg.RepositoryURL}
}

func (r *report) addFile(f dist.File, d *dist.Distribution, status, note string) {
	rw := &row{Filename: f.Filename, Path: relPath(r.workdir, f.Path), Status: status, note: note}
	if d != nil {
		rw.Size = d.Size
		rw.SHA256 = d.Digests.SHA256
		rw.version = d.Version()
		r.names[f.Filename] = d.Name()
	}
	r.rows = append(r.rows, rw)
	r.byName[f.Filename] = rw
}

func (r *report) setStatus(d *dist.Distribution, status, note string) {
	rw, ok := r.byName[d.Filename]
	if !ok {
		return
	}
	rw.Status = status
	if note != "" {
		rw.note = note
	}
	if status == "uploaded" || strings.HasPrefix(status, "skipped") {
		if u := r.releaseURL(d); u != "" {
			rw.URL = &u
		}
	}
}

func (r *report) setAttestation(filename string, files []string, reused bool) {
	if rw, ok := r.byName[filename]; ok {
		for _, f := range files {
			rw.attestations = append(rw.attestations, relPath(r.workdir, f))
		}
		rw.reused = reused
	}
}

func (r *report) addSection(title, body string) {
	r.sections = append(r.sections, section{title, body})
}

// releaseURL returns the release page of d on PyPI or TestPyPI, or "".
func (r *report) releaseURL(d *dist.Distribution) string {
	base := r.kind.base()
	if base == "" || d.Name() == "" || d.Version() == "" {
		return ""
	}
	return fmt.Sprintf("%s/project/%s/%s/", base, url.PathEscape(dist.NormalizeName(d.Name())), url.PathEscape(d.Version()))
}

func (r *report) fail(err error) {
	var ue *userError
	if !errors.As(err, &ue) {
		ue = &userError{Title: "pypi-publish failed", Msg: err.Error()}
	}
	r.failure = ue
}

// finish writes the outputs and the step summary.
func (rn *runner) finish() {
	r := rn.rep
	a := rn.a
	if rn.d.getenv("GITHUB_OUTPUT") == "" {
		a.Debugf("GITHUB_OUTPUT is not set; outputs are not written") // IN-06
	} else if err := writeOutputs(rn.d.getenv("GITHUB_OUTPUT"), r.outputs()); err != nil {
		a.WithFieldsMap(map[string]string{"title": "Outputs not written"}).Warningf("Could not write the step outputs: %v", err)
	}
	if rn.d.getenv("GITHUB_STEP_SUMMARY") == "" {
		a.Debugf("GITHUB_STEP_SUMMARY is not set; no step summary is written") // IN-06
	} else {
		a.AddStepSummary(r.markdown())
	}
}

// writeOutputs appends outputs to the GITHUB_OUTPUT file, in name order,
// each in the "name<<DELIMITER" form with a random delimiter, so no value can
// end its block early (action.md §4.1).
func writeOutputs(path string, outs map[string]string) error {
	names := make([]string, 0, len(outs))
	for k := range outs {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		var rnd [12]byte
		if _, err := rand.Read(rnd[:]); err != nil {
			return fmt.Errorf("failed to make a delimiter: %w", err)
		}
		delim := "ghadelimiter_" + hex.EncodeToString(rnd[:])
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", k, delim, outs[k], delim)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("failed to open GITHUB_OUTPUT: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("failed to write GITHUB_OUTPUT: %w", err)
	}
	return f.Close()
}

// outputs returns the step outputs (action.md §4.1).
func (r *report) outputs() map[string]string {
	uploaded := []string{}
	skipped := []string{}
	urls := []string{}
	attests := []string{}
	seen := map[string]bool{}
	rows := make([]*row, 0, len(r.rows))
	for _, rw := range r.rows {
		rows = append(rows, rw)
		switch {
		case rw.Status == "uploaded":
			uploaded = append(uploaded, rw.Filename)
		case strings.HasPrefix(rw.Status, "skipped"):
			skipped = append(skipped, rw.Filename)
		}
		if rw.URL != nil && !seen[*rw.URL] {
			seen[*rw.URL] = true
			urls = append(urls, *rw.URL)
		}
		attests = append(attests, rw.attestations...)
	}
	js := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	return map[string]string{
		"files":              js(rows),
		"uploaded-files":     js(uploaded),
		"skipped-files":      js(skipped),
		"release-urls":       js(urls),
		"attestation-files":  js(attests),
		"trusted-publishing": fmt.Sprint(r.trusted),
	}
}

// markdown renders the step summary (action.md §4.2).
func (r *report) markdown() string {
	var b strings.Builder
	title := "Published to " + r.kind.String()
	switch {
	case r.failure != nil:
		title = "Publishing to " + r.kind.String() + " failed"
	case r.dryRun:
		title = "Dry run for " + r.kind.String() + ": nothing uploaded"
	}
	fmt.Fprintf(&b, "## pypi-publish: %s\n\n", title)
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Index | `%s` |\n", mdCell(r.indexURL))
	if r.auth != "" {
		fmt.Fprintf(&b, "| Authentication | %s |\n", r.auth)
	}
	if r.attest != "" {
		fmt.Fprintf(&b, "| Attestations | %s |\n", mdCell(r.attest))
	}
	b.WriteString("\n")
	if len(r.rows) > 0 {
		b.WriteString("| File | Version | Size | SHA-256 | Status | Attestation | Link |\n|---|---|---:|---|---|---|---|\n")
		for i, rw := range r.rows {
			if b.Len() > maxSummary {
				fmt.Fprintf(&b, "\n_%d more files are left out to keep the summary under GitHub's size limit; the `files` output lists them all._\n", len(r.rows)-i)
				break
			}
			link := ""
			if rw.URL != nil {
				link = fmt.Sprintf("[release](%s)", *rw.URL)
			}
			att := ""
			if len(rw.attestations) > 0 {
				att = "generated"
				if rw.reused {
					att = "reused"
				}
			}
			status := rw.Status
			if rw.note != "" {
				status += ": " + rw.note
			}
			sha := rw.SHA256
			if len(sha) > 12 {
				sha = "`" + sha[:12] + "…`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", mdCell(rw.Filename), mdCell(rw.version), humanSize(rw.Size), sha, mdCell(status), att, link)
		}
		b.WriteString("\n")
	}
	var urls []string
	seen := map[string]bool{}
	for _, rw := range r.rows {
		if rw.URL != nil && !seen[*rw.URL] {
			seen[*rw.URL] = true
			urls = append(urls, *rw.URL)
		}
	}
	for _, u := range urls {
		fmt.Fprintf(&b, "**Release page:** <%s>\n\n", u)
	}
	if r.problems != "" {
		b.WriteString("### Checks\n\n" + r.problems + "\n\n")
	}
	if f := r.failure; f != nil {
		b.WriteString("### What went wrong\n\n" + f.Msg + "\n\n")
		if f.Hint != "" {
			b.WriteString("**How to fix:** " + f.Hint + "\n\n")
		}
		if f.Details != "" {
			b.WriteString(f.Details + "\n\n")
		}
	}
	for _, s := range r.sections {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", s.title, s.body)
	}
	out := b.String()
	if len(out) > maxSummary {
		out = out[:maxSummary] + "\n\n_The summary was cut to stay under GitHub's 1 MiB limit._\n"
	}
	return out
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// humanSize formats a byte count.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
