// Package console is the one way out of a run: every line the action
// prints (plain lines, debug lines, groups, masks, notices, warnings,
// errors) and everything it hands to the runner (the step outputs and the
// step summary) goes through a [Console]. Nothing else in the action prints
// or writes the runner's files.
//
// That makes this package the one place to make outside text inert and to
// scrub secrets (hardening), and to add other front ends (a plain terminal)
// next to [GitHub], the implementation for GitHub's runner.
package console

// Console receives everything a run shows or hands on.
//
// In every method, format (and a title) is the project's own text: a
// constant in this repository's source, which may name a distribution
// file. Every value that comes from outside (file and path names, metadata,
// server answers, claims, environment values, error texts) is passed in
// args, never spliced into format, so an implementation can make it inert
// before it reaches a workflow command or the log. Methods never fail: a
// problem writing the outputs or the summary becomes a warning. They are
// safe for concurrent use.
type Console interface {
	// Infof prints a plain log line.
	Infof(format string, args ...any)
	// Debugf prints a line shown only when step debug logging is on.
	Debugf(format string, args ...any)
	// Noticef, Warningf and Errorf print an annotation; title "" means
	// none. A run prints at most one error annotation, at its end.
	Noticef(title, format string, args ...any)
	Warningf(title, format string, args ...any)
	Errorf(title, format string, args ...any)
	// Group starts a collapsible group of lines, ended by EndGroup.
	Group(format string, args ...any)
	EndGroup()
	// AddMask asks the log to hide secret from now on. Call it before
	// anything that could print the secret.
	AddMask(secret string)
	// SetOutputs hands the step outputs (name → value) to the runner.
	SetOutputs(outputs map[string]string)
	// AddSummary appends Markdown to the step summary.
	AddSummary(markdown string)
}
