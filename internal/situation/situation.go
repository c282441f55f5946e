// Package situation is the one error interface between the libraries (dist,
// oidc, attest, publish) and the orchestration (internal/action): an error
// that knows which situation of docs/situations.md it is, what to tell the
// user and how to fix it.
//
// The package has no dependencies, so any package of this module can
// implement [Error] without importing more than this file.
package situation

import "errors"

// Info describes a failure for the person reading the workflow log.
type Info struct {
	// ID names the situation, e.g. "UP-09"; docs/situations.md has one
	// section per ID (link it as docs/situations.md#up-09). "" when no
	// situation fits.
	ID string
	// Message says what went wrong, in one or a few lines; "" means the
	// error's Error() text.
	Message string
	// Hint says how to fix it; "" when the message already says it.
	Hint string
	// Details is optional Markdown for the step summary: the same facts in
	// full (server reasons, claims, links).
	Details string
}

// Error is implemented by errors that know their situation.
type Error interface {
	error
	// Situation returns the situation of the error. It never panics.
	Situation() Info
}

// Of returns the situation of the first error in err's chain that
// implements [Error], with Message filled from err when that error left
// it empty. ok is false when no error in the chain implements it (or err
// is nil).
func Of(err error) (info Info, ok bool) {
	var se Error
	if err == nil || !errors.As(err, &se) {
		return Info{}, false
	}
	info = se.Situation()
	if info.Message == "" {
		info.Message = se.Error()
	}
	return info, true
}

// Anchor returns the link to id's section of the catalogue, relative to the
// repository root: "docs/situations.md#up-09" for "UP-09".
func Anchor(id string) string {
	b := []byte(id)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return "docs/situations.md#" + string(b)
}
