package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/sethvargo/go-githubactions"
)

// GitHub is the [Console] for GitHub's runner (and runners that emulate
// it, such as act): workflow commands through go-githubactions, outputs and
// summary appended to the files the runner names. It is the only code of
// the action that writes through go-githubactions.
type GitHub struct {
	mu          sync.Mutex // one line at a time, whichever goroutine prints
	a           *githubactions.Action
	outputFile  string
	summaryFile string
}

var _ Console = (*GitHub)(nil)

// NewGitHub returns the console that prints workflow commands through a
// (built with its writer, usually stdout) and appends outputs to outputFile
// (GITHUB_OUTPUT) and the summary to summaryFile (GITHUB_STEP_SUMMARY).
// An empty file name means the runner did not set it: outputs or summary
// are then skipped with a debug line (IN-06).
func NewGitHub(a *githubactions.Action, outputFile, summaryFile string) *GitHub {
	return &GitHub{a: a, outputFile: outputFile, summaryFile: summaryFile}
}

// titled returns the action that prints annotations with title.
func (g *GitHub) titled(title string) *githubactions.Action {
	if title == "" {
		return g.a
	}
	return g.a.WithFieldsMap(map[string]string{"title": title})
}

// Infof prints a plain line.
func (g *GitHub) Infof(format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.a.Infof(format, args...)
}

// Debugf prints a ::debug:: command.
func (g *GitHub) Debugf(format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.a.Debugf(format, args...)
}

// Noticef prints a ::notice:: annotation.
func (g *GitHub) Noticef(title, format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.titled(title).Noticef(format, args...)
}

// Warningf prints a ::warning:: annotation.
func (g *GitHub) Warningf(title, format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.titled(title).Warningf(format, args...)
}

// Errorf prints an ::error:: annotation.
func (g *GitHub) Errorf(title, format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.titled(title).Errorf(format, args...)
}

// Group prints ::group::.
func (g *GitHub) Group(format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.a.Group(fmt.Sprintf(format, args...))
}

// EndGroup prints ::endgroup::.
func (g *GitHub) EndGroup() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.a.EndGroup()
}

// AddMask prints ::add-mask::. An empty secret is ignored: it would mask
// nothing useful and the runner warns about it.
func (g *GitHub) AddMask(secret string) {
	if secret == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.a.AddMask(secret)
}

// SetOutputs appends the outputs to the GITHUB_OUTPUT file in name order,
// each in the "name<<DELIMITER" form with a random delimiter, so no value
// can end its block early. A file that cannot be opened or written is a
// warning naming it and the reason (docs/situations.md#in-06).
func (g *GitHub) SetOutputs(outputs map[string]string) {
	if g.outputFile == "" {
		g.Debugf("GITHUB_OUTPUT is not set; outputs are not written") // IN-06
		return
	}
	if err := appendFile(g.outputFile, renderOutputs(outputs)); err != nil {
		g.Warningf("Outputs not written", "Could not write the step outputs to the GITHUB_OUTPUT file: %v. The run's result stands; later steps cannot read its outputs.", err)
	}
}

// AddSummary appends markdown and a line break to the GITHUB_STEP_SUMMARY
// file. A file that cannot be opened or written (as under act's host mode,
// where the path is outside the container) is a warning naming it and the
// reason, never a failure of the run (docs/situations.md#in-06).
func (g *GitHub) AddSummary(markdown string) {
	if g.summaryFile == "" {
		g.Debugf("GITHUB_STEP_SUMMARY is not set; no step summary is written") // IN-06
		return
	}
	if err := appendFile(g.summaryFile, markdown+"\n"); err != nil {
		g.Warningf("Step summary not written", "Could not write the step summary to the GITHUB_STEP_SUMMARY file: %v. The run's result stands; the log has the same facts.", err)
	}
}

// renderOutputs renders outputs in the runner's multi-line file format.
func renderOutputs(outputs map[string]string) string {
	names := slices.Sorted(maps.Keys(outputs))
	var b strings.Builder
	for _, k := range names {
		var rnd [12]byte
		rand.Read(rnd[:]) // never fails (crypto/rand, Go 1.24+)
		delim := "ghadelimiter_" + hex.EncodeToString(rnd[:])
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", k, delim, outputs[k], delim)
	}
	return b.String()
}

// appendFile appends s to the file at path, creating it if needed. Its
// errors are *os.PathError, which name the file.
func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
