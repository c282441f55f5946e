package dist

import (
	"fmt"

	"github.com/pypi-publish/pypi-publish/dist/internal/trove"
)

// Classifiers is the trove classifier list the preflight judges Classifier
// fields against: the index's current list (ParseClassifiers) or the one
// built into the binary (EmbeddedClassifiers).
type Classifiers struct {
	l *trove.List
}

// EmbeddedClassifiers returns the list built into the binary, generated
// from a trove-classifiers release (ClassifiersRelease, of
// ClassifiersDate). PyPI adds classifiers after every release, so this list
// is only a fallback: the action fetches the index's list when it can.
func EmbeddedClassifiers() *Classifiers { return &Classifiers{l: trove.Embedded()} }

// ClassifiersRelease is the trove-classifiers release of the embedded
// list, e.g. "2026.1.14.14".
func ClassifiersRelease() string { return trove.Release() }

// ClassifiersDate is the date of that release, e.g. "2026-01-14".
func ClassifiersDate() string { return trove.Date() }

// ParseClassifiers reads the classifier list an index serves (Warehouse's
// /pypi?%3Aaction=list_classifiers: text, one valid classifier per line).
// source says where it came from (for messages). Deprecated classifiers
// and their replacements come from the embedded data, because the index
// lists only valid ones. It fails on text that is not such a list (fewer
// than 100 classifiers, control characters, lines over 1 KiB or without
// " :: "), so an error page is never taken for the list; the caller bounds
// the size.
func ParseClassifiers(text, source string) (*Classifiers, error) {
	l, err := trove.Parse(text, source)
	if err != nil {
		return nil, fmt.Errorf("failed to parse the classifier list from %s: %w", source, err)
	}
	return &Classifiers{l: l}, nil
}

// Source says where the list came from: a URL, or "trove-classifiers
// <release> of <date>" for the embedded list.
func (c *Classifiers) Source() string { return c.list().Source() }

// Len returns the number of valid classifiers.
func (c *Classifiers) Len() int { return c.list().Len() }

// list returns the embedded list for a nil or zero Classifiers.
func (c *Classifiers) list() *trove.List {
	if c == nil || c.l == nil {
		return trove.Embedded()
	}
	return c.l
}
