// Package trove knows the trove classifiers PyPI accepts
// (https://pypi.org/classifiers/), from the trove-classifiers package.
//
// The embedded list (data/classifiers.txt, data/deprecated.txt) is generated
// by update.sh from a pypa/trove-classifiers release; data/SOURCE names the
// release and its date. A list fetched from the index replaces the valid
// classifiers (Parse); deprecated ones always come from the embedded data,
// because the index serves only the valid ones.
package trove

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
)

var (
	//go:embed data/classifiers.txt
	classifiersTxt string
	//go:embed data/deprecated.txt
	deprecatedTxt string
	//go:embed data/SOURCE
	sourceTxt string
)

// Status is the verdict on one classifier.
type Status int

const (
	// Valid classifiers are accepted.
	Valid Status = iota
	// Unknown classifiers are not in the list.
	Unknown
	// Deprecated classifiers are known but rejected by PyPI for new uploads.
	Deprecated
)

// List is a classifier list: the valid classifiers, the deprecated ones
// with their replacements, and where the list came from.
type List struct {
	valid      map[string]bool
	deprecated map[string][]string
	source     string
}

var (
	embedded         = load()
	release, date, _ = sourceFields()
)

func load() *List {
	rel, day, _ := sourceFields()
	l := &List{valid: map[string]bool{}, deprecated: map[string][]string{},
		source: fmt.Sprintf("trove-classifiers %s of %s", rel, day)}
	for _, c := range strings.Split(classifiersTxt, "\n") {
		if c != "" {
			l.valid[c] = true
		}
	}
	for _, line := range strings.Split(deprecatedTxt, "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		var repl []string
		for _, r := range f[1:] {
			if r != "" {
				repl = append(repl, r)
			}
		}
		l.deprecated[f[0]] = repl
	}
	return l
}

func sourceFields() (rel, day, from string) {
	for _, line := range strings.Split(sourceTxt, "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "release":
			rel = v
		case "date":
			day = v
		case "from":
			from = v
		}
	}
	return rel, day, from
}

// Release returns the trove-classifiers release of the embedded list, e.g.
// "2026.1.14.14".
func Release() string { return release }

// Date returns the date of the embedded release, e.g. "2026-01-14".
func Date() string { return date }

// Embedded returns the list built into the binary. Its Source is
// "trove-classifiers <release> of <date>".
func Embedded() *List { return embedded }

// Limits of Parse: a list with fewer lines is not the classifier list (an
// error page, a truncated answer); longer lines are not classifiers.
const (
	minParsed   = 100
	maxLineSize = 1024
)

// Parse reads a classifier list as Warehouse serves it
// (/pypi?%3Aaction=list_classifiers: one valid classifier per line, text)
// and returns it with the embedded deprecated classifiers. source says
// where it came from, for messages. Parse fails on text that does not look
// like the list: fewer than 100 lines, a line over 1 KiB, control
// characters, or a line without " :: ".
func Parse(text, source string) (*List, error) {
	l := &List{valid: map[string]bool{}, deprecated: Embedded().deprecated, source: source}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		switch {
		case len(line) > maxLineSize:
			return nil, fmt.Errorf("line %d is %d bytes long", i+1, len(line))
		case strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return nil, fmt.Errorf("line %d holds control characters", i+1)
		case !strings.Contains(line, " :: "):
			return nil, fmt.Errorf("line %d is not a classifier", i+1)
		}
		l.valid[line] = true
	}
	if len(l.valid) < minParsed {
		return nil, errors.New("too few classifiers for the full list")
	}
	return l, nil
}

// Source says where the list came from.
func (l *List) Source() string { return l.source }

// Len returns the number of valid classifiers.
func (l *List) Len() int { return len(l.valid) }

// Lookup returns the status of c and, for deprecated classifiers, the
// replacements PyPI suggests (possibly none). Matching is exact. A
// classifier the list holds is valid, even if the embedded data deprecates
// it: the index's list wins.
func (l *List) Lookup(c string) (Status, []string) {
	if l.valid[c] {
		return Valid, nil
	}
	if r, ok := l.deprecated[c]; ok {
		return Deprecated, r
	}
	return Unknown, nil
}
