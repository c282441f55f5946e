package attest

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a user-facing attestation failure. ID is the situation from
// docs/situations.md (AT-04, AT-06, AT-07, AT-08, AT-09), Message says what
// went wrong and Hint how to fix it.
type Error struct {
	ID      string
	Message string
	Hint    string
	// Err is the underlying cause, if any.
	Err error
}

// Error returns the message followed by the cause; the hint is separate.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// VerifyError is returned by Verify. Check names the failed check in words a
// user can act on: "json", "statement", "subject name", "digest",
// "predicate type", "certificate", "sct", "transparency log", "signature",
// "identity".
type VerifyError struct {
	Check  string
	Reason string
}

// Error returns "<check>: <reason>".
func (e *VerifyError) Error() string {
	return e.Check + ": " + e.Reason
}

func verr(check, format string, args ...any) error {
	return &VerifyError{Check: check, Reason: fmt.Sprintf(format, args...)}
}

// CheckOf returns the failed check of a verification error, or "" when err
// is not one.
func CheckOf(err error) string {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Check
	}
	return ""
}

// hint texts (our own words), shared by the errors below.
const (
	hintAT04 = "remove stale attestation files (from an earlier build or another workflow) or set `attestations: false`"
	hintAT06 = "trusted publishing already worked, so this is most likely transient: re-run the job"
	hintAT07 = "transient failures are retried; if it persists, check that the runner can reach fulcio.sigstore.dev"
	hintAT08 = "transient failures are retried; if it persists, check that the runner can reach rekor.sigstore.dev"
	hintAT09 = "check that the workspace is writable by the container (it runs as root)"
	// hintAT09Link is the fix for an attestation path that is a symbolic
	// link: a checked-out link could point anywhere on the runner.
	hintAT09Link = "remove the symbolic link (a link checked out from the repository can point anywhere on the runner), or set `attestations: false`"
)

// excerpt returns at most n bytes of a response body on one line.
func excerpt(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
