package console

import (
	"fmt"
	"sync"

	"github.com/pypi-publish/pypi-publish/internal/escape"
	"github.com/pypi-publish/pypi-publish/internal/secret"
)

// Guarded is the [Console] every run prints through: it wraps another
// implementation (see [Safe]) and hands it only text that is scrubbed of
// secrets and inert.
//
// For every call it
//   - renders each argument that carries text (string, error,
//     fmt.Stringer, []string, []byte) scrubbed of every secret passed to
//     AddMask (internal/secret: also their JSON, HTML, URL and base64
//     forms, JWT parts, and secrets cut short), with control characters
//     shown as escapes (escape.Controls); line breaks in arguments are
//     kept only in annotations and debug lines, where the message may span
//     lines, and shown as `\n` in plain lines, group titles and titles;
//   - formats the message, scrubs it once more, and makes every line of it
//     unable to act as a workflow command (escape.Lines);
//   - passes the result to the wrapped console as the only argument of
//     the format "%s".
//
// AddMask registers the secret with the scrubber before it forwards the
// mask (once per secret). SetOutputs and AddSummary scrub every value;
// Markdown escaping is the report's job (internal/report).
type Guarded struct {
	inner   Console
	secrets *secret.Set
	mu      sync.Mutex
	masked  map[string]bool
}

var _ Console = (*Guarded)(nil)

// Safe returns c wrapped in a [Guarded] console with an empty scrubber, or
// c itself when it is one already (so wrapping twice is harmless).
func Safe(c Console) *Guarded {
	if g, ok := c.(*Guarded); ok {
		return g
	}
	return &Guarded{inner: c, secrets: &secret.Set{}, masked: map[string]bool{}}
}

// Secrets returns the scrubber, for code that must scrub text before it
// cuts it short (a library's excerpt of a server answer).
func (g *Guarded) Secrets() *secret.Set { return g.secrets }

// Scrub returns s without any secret registered so far.
func (g *Guarded) Scrub(s string) string { return g.secrets.Scrub(s) }

// Infof prints a plain line; arguments cannot add lines.
func (g *Guarded) Infof(format string, args ...any) {
	g.inner.Infof("%s", g.render(format, args, false))
}

// Debugf prints a debug line.
func (g *Guarded) Debugf(format string, args ...any) {
	g.inner.Debugf("%s", g.render(format, args, true))
}

// Noticef prints a notice annotation.
func (g *Guarded) Noticef(title, format string, args ...any) {
	g.inner.Noticef(g.title(title), "%s", g.render(format, args, true))
}

// Warningf prints a warning annotation.
func (g *Guarded) Warningf(title, format string, args ...any) {
	g.inner.Warningf(g.title(title), "%s", g.render(format, args, true))
}

// Errorf prints an error annotation.
func (g *Guarded) Errorf(title, format string, args ...any) {
	g.inner.Errorf(g.title(title), "%s", g.render(format, args, true))
}

// Group starts a group; its title is one line.
func (g *Guarded) Group(format string, args ...any) {
	g.inner.Group("%s", g.render(format, args, false))
}

// EndGroup ends the group.
func (g *Guarded) EndGroup() { g.inner.EndGroup() }

// AddMask registers secret with the scrubber and forwards the mask, once
// per secret; "" is ignored.
func (g *Guarded) AddMask(secret string) {
	if secret == "" {
		return
	}
	g.mu.Lock()
	seen := g.masked[secret]
	g.masked[secret] = true
	g.mu.Unlock()
	g.secrets.Add(secret)
	if !seen {
		g.inner.AddMask(secret)
	}
}

// SetOutputs forwards the outputs with every value scrubbed.
func (g *Guarded) SetOutputs(outputs map[string]string) {
	clean := make(map[string]string, len(outputs))
	for k, v := range outputs {
		clean[g.secrets.Scrub(k)] = g.secrets.Scrub(v)
	}
	g.inner.SetOutputs(clean)
}

// AddSummary forwards the summary scrubbed.
func (g *Guarded) AddSummary(markdown string) {
	g.inner.AddSummary(g.secrets.Scrub(markdown))
}

// title makes an annotation title one inert line.
func (g *Guarded) title(t string) string {
	return escape.Line(escape.Controls(g.secrets.Scrub(t), false))
}

// render formats a message from inert arguments (see Guarded).
func (g *Guarded) render(format string, args []any, keepNewlines bool) string {
	clean := make([]any, len(args))
	for i, a := range args {
		clean[i] = g.value(a, keepNewlines)
	}
	msg := g.secrets.Scrub(fmt.Sprintf(format, clean...))
	return escape.Lines(msg)
}

// value returns a, made inert when it carries text.
func (g *Guarded) value(a any, keepNewlines bool) any {
	text := func(s string) string { return escape.Controls(g.secrets.Scrub(s), keepNewlines) }
	switch v := a.(type) {
	case string:
		return text(v)
	case error:
		return text(call(v.Error))
	case fmt.Stringer:
		return text(call(v.String))
	case []byte:
		return text(string(v))
	case []string:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = text(s)
		}
		return out
	}
	return a
}

// call returns f(), or a placeholder when f panics (a method on a nil
// pointer), as fmt does.
func call(f func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = "<nil>"
		}
	}()
	return f()
}
