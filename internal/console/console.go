// Package console is the one way out of a run: every line the action
// prints (plain lines, debug lines, groups, masks, notices, warnings,
// errors) and everything it hands to the runner (the step outputs and the
// step summary) goes through a [Console]. Nothing else in the action prints
// or writes the runner's files.
//
// That makes this package the one place to make outside text inert and to
// scrub secrets, and to add other front ends (a plain terminal) next to
// [GitHub], the implementation for GitHub's runner.
//
// # The one way out
//
// Every implementation is used through [Safe]: main wraps whatever console
// it builds (console.Safe(console.NewGitHub(…))), and internal/action.Run
// wraps the console it is given again (a no-op for a [Guarded] one), so
// nothing reaches an implementation that has not passed through the same
// code. The [Guarded] console scrubs every secret passed to AddMask (and
// the forms servers echo: internal/secret) from messages, titles, outputs
// and the summary; shows control characters in outside values as escapes;
// keeps outside values from adding lines to a plain line; and makes every
// line unable to act as a workflow command (internal/escape). Run masks the
// secrets it knows before it prints anything.
//
// A new implementation (a plain terminal, a JSON file) therefore receives
// only scrubbed, inert text, always as format "%s" with one argument, and
// must:
//   - encode what its own output format needs (GitHub: the data and
//     property escaping of workflow commands, which go-githubactions
//     does; JSON: json.Marshal; Markdown rendered to text: nothing);
//   - print nothing that did not come through its methods, and write the
//     outputs and the summary it receives as they are;
//   - be constructed only in main, which wraps it with Safe.
//
// Callers keep format strings and titles constant (our own text);
// outside values go only in args. internal/lint's TestConsoleFormats
// enforces this for every call in the module.
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
