package console

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Terminal is the [Console] outside GitHub Actions: a plain terminal, or
// the log of another CI system (GitLab CI/CD, Cloud Build). It prints
// human lines and never a workflow command: annotations become
// "warning: …" lines, groups a title with their lines indented under it,
// debug lines show only when asked for, masked secrets print as "***" (as
// GitHub's runner does), and the step summary, rendered from Markdown to
// plain text, is printed when the run hands it over, at the end. Outputs
// are not printed (the summary holds the same facts; [WithJSON] writes
// them to a file).
type Terminal struct {
	mu     sync.Mutex // one line at a time, whichever goroutine prints
	w      io.Writer
	debug  bool
	runner bool
	indent string
	masks  []string // longest first
}

var _ Console = (*Terminal)(nil)

// TerminalOptions configures a [Terminal].
type TerminalOptions struct {
	// Debug shows Debugf lines (prefixed "debug: "). The default hides
	// them.
	Debug bool
	// RunnerView prints the log as GitHub's web view of a job shows it:
	// groups opened with "▾", annotations as "Notice:", "Warning:",
	// "Error:". The demo uses it. The default is a plain terminal's
	// lower-case "notice:" and undecorated group titles.
	RunnerView bool
}

// NewTerminal returns the console that writes to w (usually stdout).
func NewTerminal(w io.Writer, o TerminalOptions) *Terminal {
	return &Terminal{w: w, debug: o.Debug, runner: o.RunnerView}
}

// print writes text, every line indented as the current group asks and
// every masked secret replaced. Callers hold t.mu.
func (t *Terminal) print(prefix, text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		switch {
		case i == 0:
			b.WriteString(t.indent + prefix)
		case line == "": // no trailing blanks
		case prefix != "":
			b.WriteString(t.indent + "  ")
		default:
			b.WriteString(t.indent)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	_, _ = io.WriteString(t.w, t.scrub(b.String()))
}

// scrub replaces every masked secret with "***". Callers hold t.mu.
func (t *Terminal) scrub(s string) string {
	for _, m := range t.masks {
		s = strings.ReplaceAll(s, m, "***")
	}
	return s
}

// Infof prints a plain line.
func (t *Terminal) Infof(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.print("", fmt.Sprintf(format, args...))
}

// Debugf prints "debug: …" when debug lines are on.
func (t *Terminal) Debugf(format string, args ...any) {
	if !t.debug {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.print("debug: ", fmt.Sprintf(format, args...))
}

// annotate prints "kind: title" and the message under it, or "kind:
// message" without a title.
func (t *Terminal) annotate(kind, title, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if title != "" {
		msg = title + "\n" + msg
	}
	if t.runner {
		kind = strings.ToUpper(kind[:1]) + kind[1:]
	}
	t.print(kind+": ", msg)
}

// Noticef prints "notice: …".
func (t *Terminal) Noticef(title, format string, args ...any) {
	t.annotate("notice", title, format, args...)
}

// Warningf prints "warning: …".
func (t *Terminal) Warningf(title, format string, args ...any) {
	t.annotate("warning", title, format, args...)
}

// Errorf prints "error: …".
func (t *Terminal) Errorf(title, format string, args ...any) {
	t.annotate("error", title, format, args...)
}

// Group prints the title; the lines until EndGroup are indented under it.
func (t *Terminal) Group(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prefix := ""
	if t.runner {
		prefix = "▾ "
	}
	t.print(prefix, fmt.Sprintf(format, args...))
	t.indent = "  "
}

// EndGroup ends the indentation.
func (t *Terminal) EndGroup() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.indent = ""
}

// AddMask makes every later mention of secret print as "***". Secrets
// shorter than 4 characters are ignored: masking them would garble
// ordinary words.
func (t *Terminal) AddMask(secret string) {
	secret = strings.TrimSpace(secret)
	if len(secret) < 4 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, m := range t.masks {
		if m == secret {
			return
		}
	}
	t.masks = append(t.masks, secret)
	sort.Slice(t.masks, func(i, j int) bool { return len(t.masks[i]) > len(t.masks[j]) })
}

// SetOutputs does nothing: a terminal has no step outputs (see [WithJSON]).
func (t *Terminal) SetOutputs(map[string]string) {}

// AddSummary prints the summary as plain text after a blank line.
func (t *Terminal) AddSummary(markdown string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.indent = ""
	t.print("", "\n"+strings.TrimRight(PlainText(markdown), "\n"))
}
