package action

import (
	"errors"

	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/situation"
)

// Error is a failure meant for the person reading the workflow log: a
// short message and a fix for the run's one error annotation, and optional
// Markdown details for the step summary. Run returns only *Error values.
type Error struct {
	// ID names the situation (docs/situations.md); "" when none fits.
	ID string
	// Title is the annotation's title.
	Title   string
	Message string
	Hint    string
	// Details is Markdown for the step summary.
	Details string
	// Err is the cause, if any.
	Err error
}

// Error returns the message and the hint.
func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Message + " " + e.Hint
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Situation implements situation.Error.
func (e *Error) Situation() situation.Info {
	return situation.Info{ID: e.ID, Message: e.Message, Hint: e.Hint, Details: e.Details}
}

// annotation is the text of the error annotation; summary names where
// the details are ("the step summary"), "" when there is no summary.
func (e *Error) annotation(summary string) string {
	s := e.Message
	if e.Hint != "" {
		s += "\nFix: " + e.Hint
	}
	if e.Details != "" && summary != "" {
		s += "\nDetails are in " + summary + "."
	}
	return s
}

// titles are the annotation titles of situations that have their own; any
// other situation gets the step's title followed by its ID.
var titles = map[string]string{
	"DS-01": "packages-dir not found",
	"DS-02": "packages-dir is not a directory",
	"DS-03": "No distributions found",
	"DS-04": "Not a regular file",
	"IN-04": "packages-dir matches nothing",
}

// fail is the one adapter from the libraries' errors to *Error: an error
// that knows its situation (situation.Error: dist.FindError, oidc.Error,
// attest.Error, publish's batch errors) keeps its ID, message, hint and
// details; any other error becomes its text. title is what the failing
// step calls a failure ("Upload failed"); an *Error passes through as is.
func fail(title string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	info, ok := situation.Of(err)
	if !ok {
		return &Error{Title: title, Message: err.Error(), Err: err}
	}
	t, own := titles[info.ID]
	switch {
	case own:
	case info.ID == "":
		t = title
	default:
		t = title + " (" + info.ID + ")"
	}
	return &Error{ID: info.ID, Title: t, Message: info.Message, Hint: info.Hint, Details: info.Details, Err: err}
}

// ReportError prints the one error annotation of a failed run.
// main calls it once with the error Run (or its own checks) returned, and
// says where the run's summary is: "the step summary" on GitHub, "the
// summary above" on a terminal, "" when there is none (the annotation
// then does not point to it).
func ReportError(c console.Console, err error, summary string) {
	e := fail("pypi-publish failed", err)
	c.Errorf(e.Title, "%s", e.annotation(summary))
}
