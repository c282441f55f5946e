// Package report builds what a run hands on when it ends, the step outputs
// and the step summary, from plain values it receives. It never sees the
// run's state, the console or the environment: internal/action fills a
// [Report] from what its steps returned, and the console writes the
// results.
package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/escape"
)

// maxSummary keeps the step summary under the runner's 1024 KiB limit;
// the file table stops at maxTable, so the sections after it (what went
// wrong, the note about left-out rows) still fit.
const (
	maxSummary = 900 << 10
	maxTable   = 700 << 10
)

// Statuses of a file, as the `files` output spells them.
const (
	StatusUploaded         = "uploaded"
	StatusSkippedIdentical = "skipped-identical"
	StatusSkippedExisting  = "skipped-existing"
	StatusFailed           = "failed"
	StatusNotAttempted     = "not-attempted"
)

// File is one distribution, in upload order.
type File struct {
	Filename string
	// Path is workspace-relative with forward slashes when the file is
	// inside the workspace, else as found.
	Path string
	Size int64
	// SHA256 is the hex digest; "" when the file could not be read.
	SHA256 string
	// Version is the metadata's version; "" when unknown.
	Version string
	// Status is one of the Status constants.
	Status string
	// Note says why a file was skipped or failed; "" for none.
	Note string
	// URL is the release page (PyPI and TestPyPI); "" for none.
	URL string
	// Attestations are the attestation files uploaded with it, like Path.
	Attestations []string
	// Reused reports that the attestation files existed and were reused.
	Reused bool
	// Verification says what was read back from the index after the
	// upload and how, e.g. "JSON API + simple API: sha256, size;
	// provenance ✓"; "" when the file was not read back.
	Verification string
	// Verified reports that the index serves the file exactly as
	// uploaded (the verified-files output).
	Verified bool
}

// Failure is what went wrong, for the "What went wrong" section.
type Failure struct {
	// Message is plain text (it quotes server answers): it is shown
	// verbatim in a fenced code block.
	Message string
	// Hint is plain text, shown as escaped Markdown.
	Hint string
	// Published reports that every file went up and what failed came
	// after: reading them back (verify-upload).
	Published bool
	// Details is Markdown, written as is: its producers (oidc's error
	// details, this action's sections) escape every outside value with
	// internal/escape.
	Details string
}

// Section is an extra section of the summary: Title is plain text,
// Body Markdown written as is (outside values in it escaped by its
// producer with internal/escape).
type Section struct {
	Title, Body string
}

// Report is everything the outputs and the summary show. Zero fields are
// left out of the summary.
type Report struct {
	// Index is the upload URL; IndexName names its kind ("PyPI",
	// "TestPyPI", "third-party index").
	Index, IndexName string
	// Auth names the authentication, e.g. "trusted publishing".
	Auth string
	// Attestations says what happened to attestations, e.g. "generated
	// for 2 files, reused for 0".
	Attestations string
	// TrustedPublishing is the trusted-publishing output: true once a
	// token was minted.
	TrustedPublishing bool
	DryRun            bool
	Files             []File
	// Checks is the Markdown table of the preflight problems; "" for none.
	Checks   string
	Failure  *Failure
	Sections []Section
}

// fileJSON is a File as the `files` output shows it.
type fileJSON struct {
	Filename string  `json:"filename"`
	Path     string  `json:"path"`
	Size     int64   `json:"size"`
	SHA256   string  `json:"sha256"`
	Status   string  `json:"status"`
	URL      *string `json:"url"`
}

// Outputs returns the step outputs by name: files, uploaded-files,
// skipped-files, release-urls, attestation-files, verified-files (JSON)
// and trusted-publishing ("true" or "false").
func (r Report) Outputs() map[string]string {
	uploaded, skipped, attests, verified := []string{}, []string{}, []string{}, []string{}
	rows := make([]fileJSON, 0, len(r.Files))
	for _, f := range r.Files {
		row := fileJSON{Filename: f.Filename, Path: f.Path, Size: f.Size, SHA256: f.SHA256, Status: f.Status}
		if f.URL != "" {
			row.URL = &f.URL
		}
		rows = append(rows, row)
		switch {
		case f.Status == StatusUploaded:
			uploaded = append(uploaded, f.Filename)
		case strings.HasPrefix(f.Status, "skipped"):
			skipped = append(skipped, f.Filename)
		}
		attests = append(attests, f.Attestations...)
		if f.Verified {
			verified = append(verified, f.Filename)
		}
	}
	return map[string]string{
		"files":              jsonText(rows),
		"uploaded-files":     jsonText(uploaded),
		"skipped-files":      jsonText(skipped),
		"release-urls":       jsonText(r.releaseURLs()),
		"attestation-files":  jsonText(attests),
		"trusted-publishing": fmt.Sprint(r.TrustedPublishing),
		"verified-files":     jsonText(verified),
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // slices of strings and plain structs always marshal
	return string(b)
}

// releaseURLs returns the distinct release pages in file order.
func (r Report) releaseURLs() []string {
	urls := []string{}
	seen := map[string]bool{}
	for _, f := range r.Files {
		if f.URL != "" && !seen[f.URL] {
			seen[f.URL] = true
			urls = append(urls, f.URL)
		}
	}
	return urls
}

// Markdown renders the step summary: a title, the run's facts, one row per
// file, release links, the checks table, what went wrong and the extra
// sections. It stays under GitHub's size limit, leaving out rows (the
// `files` output keeps them all) and cutting the rest if needed.
//
// Every plain value is made inert (internal/escape): file names and URLs
// are code spans, other texts (versions, notes, the hint) escaped
// Markdown, and the failure's message, which quotes the index's answer, a
// fenced code block; nothing outside can add a heading, a link, an image,
// HTML or a table cell.
func (r Report) Markdown() string {
	var b strings.Builder
	r.writeHead(&b)
	r.writeFiles(&b)
	for _, u := range r.releaseURLs() {
		fmt.Fprintf(&b, "**Release page:** %s\n\n", link(u, ""))
	}
	if r.Checks != "" {
		b.WriteString("### Checks\n\n" + r.Checks + "\n\n")
	}
	if f := r.Failure; f != nil {
		b.WriteString("### What went wrong\n\n" + escape.Block(f.Message) + "\n")
		if f.Hint != "" {
			b.WriteString("**How to fix:** " + escape.Markdown(f.Hint) + "\n\n")
		}
		if f.Details != "" {
			b.WriteString(f.Details + "\n\n")
		}
	}
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", escape.Inline(s.Title), s.Body)
	}
	out := b.String()
	if len(out) > maxSummary {
		cut := maxSummary
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + "\n\n_The summary was cut to stay under GitHub's 1 MiB limit._\n"
	}
	return out
}

// writeHead writes the title and the table of facts.
func (r Report) writeHead(b *strings.Builder) {
	title := "Published to " + r.IndexName
	switch {
	case r.Failure != nil && r.Failure.Published:
		title = "Published to " + r.IndexName + ", but it does not serve what was uploaded"
	case r.Failure != nil:
		title = "Publishing to " + r.IndexName + " failed"
	case r.DryRun:
		title = "Dry run for " + r.IndexName + ": nothing uploaded"
	}
	fmt.Fprintf(b, "## pypi-publish: %s\n\n", escape.Inline(title))
	fmt.Fprintf(b, "| | |\n|---|---|\n")
	fmt.Fprintf(b, "| Index | %s |\n", escape.Cell(r.Index))
	if r.Auth != "" {
		fmt.Fprintf(b, "| Authentication | %s |\n", escape.Inline(r.Auth))
	}
	if r.Attestations != "" {
		fmt.Fprintf(b, "| Attestations | %s |\n", escape.Inline(r.Attestations))
	}
	b.WriteString("\n")
}

// writeFiles writes the table of files.
func (r Report) writeFiles(b *strings.Builder) {
	if len(r.Files) == 0 {
		return
	}
	verifiedCol := false
	for _, f := range r.Files {
		verifiedCol = verifiedCol || f.Verification != ""
	}
	if verifiedCol {
		b.WriteString("| File | Version | Size | SHA-256 | Status | Attestation | Verified | Link |\n|---|---|---:|---|---|---|---|---|\n")
	} else {
		b.WriteString("| File | Version | Size | SHA-256 | Status | Attestation | Link |\n|---|---|---:|---|---|---|---|\n")
	}
	for i, f := range r.Files {
		if b.Len() > maxTable {
			fmt.Fprintf(b, "\n_%d more files are left out to keep the summary under GitHub's size limit; the `files` output lists them all._\n", len(r.Files)-i)
			break
		}
		rel := ""
		if f.URL != "" {
			rel = link(f.URL, "release")
		}
		att := ""
		if len(f.Attestations) > 0 {
			att = "generated"
			if f.Reused {
				att = "reused"
			}
		}
		status := f.Status
		if f.Note != "" {
			status += ": " + f.Note
		}
		sha := f.SHA256
		if len(sha) > 12 {
			sha = escape.Cell(sha[:12] + "…")
		}
		verifiedCell := ""
		if verifiedCol {
			verifiedCell = " " + escape.Inline(f.Verification) + " |"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |%s %s |\n", escape.Cell(f.Filename), escape.Inline(f.Version), HumanSize(f.Size), sha, escape.Inline(status), att, verifiedCell, rel)
	}
	b.WriteString("\n")
}

// link renders an http(s) URL we built (a release page) as a Markdown
// link with text, or an autolink when text is "". A URL with characters a
// link cannot hold verbatim (spaces, <, >, parentheses, backticks, |, a
// scheme other than http(s)) is shown as a code span instead, never as a
// link.
func link(u, text string) string {
	if !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) || strings.ContainsAny(u, " <>()`|[]\"\\") || escape.Controls(u, false) != u {
		return escape.Cell(u)
	}
	if text == "" {
		return "<" + u + ">"
	}
	return "[" + escape.Inline(text) + "](" + u + ")"
}

// HumanSize formats a byte count: "849 B", "1.5 KiB", "2.0 MiB", "1.1 GiB".
func HumanSize(n int64) string {
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
