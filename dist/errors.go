package dist

import (
	"errors"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/distname"
)

// Sentinel errors. Callers test them with errors.Is; the wrapping error
// carries the file name and the details.
var (
	// ErrInvalidFilename reports a file name that does not follow the wheel
	// or sdist naming rules (ParseWheelFilename, ParseSdistFilename).
	ErrInvalidFilename = distname.ErrInvalid
	// ErrUnknownFormat reports a file whose extension is not .whl, .tar.gz or
	// .zip.
	ErrUnknownFormat = errors.New("unknown distribution format")
	// ErrInvalidArchive reports a corrupt, truncated or malformed archive.
	ErrInvalidArchive = errors.New("invalid archive")
	// ErrNoMetadata reports an archive without the METADATA or PKG-INFO
	// member, or one without a Metadata-Version header.
	ErrNoMetadata = errors.New("no metadata found")
	// ErrTooLarge reports a metadata member (or an archive member count)
	// beyond the limits this package reads (MaxMetadataSize, MaxMembers).
	ErrTooLarge = errors.New("over the size limit")
	// ErrInvalidMetadata reports metadata that cannot be parsed, such as
	// text that is not UTF-8 or a line that is not a header.
	ErrInvalidMetadata = errors.New("invalid metadata")
)

// FindError is the error Find returns when packages-dir cannot be used. ID is
// the situation ID (docs/situations.md): "IN-04", "DS-01", "DS-02", "DS-03"
// or "DS-04". Error returns the complete user-facing text, including the fix.
type FindError struct {
	// ID is the situation ID.
	ID string
	// Entry is the packages-dir line the error is about, as given.
	Entry string
	// Path is the resolved path (for DS-04 the first offending path).
	Path string
	// Paths lists every offending path (DS-04) or the entries found (DS-03,
	// at most 20).
	Paths []string
	// More counts entries left out of Paths (DS-03).
	More int
	// Message is what is wrong.
	Message string
	// Hint is how to fix it.
	Hint string
	// Err is the underlying error, if any.
	Err error
}

// Error returns the message followed by the hint.
func (e *FindError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(". ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *FindError) Unwrap() error { return e.Err }
