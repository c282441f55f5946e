package tuf

import "errors"

// Sentinel errors, for errors.Is on what Update and Target return.
var (
	// ErrExpired: the final metadata of a role expired before the update
	// started.
	ErrExpired = errors.New("expired")
	// ErrRollback: a version is lower than the trusted one.
	ErrRollback = errors.New("rollback")
	// ErrVersion: a version differs from the one the referring metadata
	// names (or, for roots, from N+1).
	ErrVersion = errors.New("unexpected version")
	// ErrSignatures: fewer valid signatures than the role's threshold.
	ErrSignatures = errors.New("not enough valid signatures")
	// ErrLengthOrHash: a file's length or hash differs from its metadata.
	ErrLengthOrHash = errors.New("length or hash mismatch")
	// ErrTooLarge: a download is over its size bound.
	ErrTooLarge = errors.New("too large")
	// ErrNotFound: the repository answered 403 or 404, or a target is not
	// listed.
	ErrNotFound = errors.New("not found")
	// ErrMalformed: metadata that does not follow the specification.
	ErrMalformed = errors.New("malformed metadata")
)

// Error is a failed check on one file of the repository.
type Error struct {
	// File is the metadata or target file, e.g. "timestamp.json".
	File string
	// Err is one of the sentinels above, or a transport error.
	Err error
	// Detail says what was found.
	Detail string
}

// Error returns "<file>: <sentinel>: <detail>".
func (e *Error) Error() string {
	s := e.File + ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel or cause.
func (e *Error) Unwrap() error { return e.Err }

func fail(file string, err error, detail string) error {
	return &Error{File: file, Err: err, Detail: detail}
}
