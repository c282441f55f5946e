// Package pep508 parses dependency specifiers (PEP 508 requirements),
// environment markers and PEP 440 version specifier sets, accepting what
// the packaging library accepts
// (https://packaging.python.org/en/latest/specifications/dependency-specifiers/).
//
// Only syntax is checked; markers are not evaluated. Errors are plain
// descriptions of what is wrong; the caller adds the field and file.
package pep508

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

const (
	rePre   = `(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`
	rePost  = `(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?`
	reDev   = `(?:[-_.]?dev[-_.]?[0-9]*)?`
	reLocal = `(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`
	reRel   = `v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`
	reWS    = `[ \t\n\r\f\v]*`
)

// specVersion holds, per operator, the pattern of the version that may
// follow it (packaging's Specifier regex, one branch per operator group).
var specVersion = map[string]*regexp.Regexp{
	"===": regexp.MustCompile(`^` + reWS + `[^ \t\n\r\f\v;)]*`),
	"==":  regexp.MustCompile(`(?i)^` + reWS + reRel + `(?:\.\*|` + rePre + rePost + reDev + reLocal + `)?`),
	"~=":  regexp.MustCompile(`(?i)^` + reWS + `v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+` + rePre + rePost + reDev),
	"<":   regexp.MustCompile(`(?i)^` + reWS + reRel + rePre + rePost + reDev),
}

// operators in the order packaging's alternation tries them.
var operators = []string{"~=", "==", "!=", "<=", ">=", "<", ">", "==="}

func versionRE(op string) *regexp.Regexp {
	switch op {
	case "==", "!=":
		return specVersion["=="]
	case "~=", "===":
		return specVersion[op]
	}
	return specVersion["<"]
}

// matchSpecifier returns the length of the longest-first specifier token at
// the start of s, as packaging's tokenizer matches it, or -1.
func matchSpecifier(s string) int {
	for _, op := range operators {
		if !strings.HasPrefix(s, op) {
			continue
		}
		loc := versionRE(op).FindStringIndex(s[len(op):])
		if loc != nil && (op == "===" || loc[1] > 0) {
			return len(op) + loc[1]
		}
	}
	return -1
}

// Specifier is one parsed version specifier such as ">=1.0".
type Specifier struct {
	Operator string
	Version  string
}

// String returns the normalized text, operator then version, no spaces.
func (s Specifier) String() string { return s.Operator + s.Version }

// ParseSpecifier parses one specifier as packaging.specifiers.Specifier
// does: surrounding whitespace allowed, the whole string must match.
func ParseSpecifier(s string) (Specifier, error) {
	t := pep440.TrimSpace(s)
	n := matchSpecifier(t)
	if n != len(t) || n <= 0 || (!strings.HasPrefix(t, "===") && !isASCII(t)) {
		return Specifier{}, fmt.Errorf("invalid specifier: %q", s)
	}
	op := ""
	for _, o := range []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(t, o) {
			op = o
			break
		}
	}
	return Specifier{Operator: op, Version: pep440.TrimSpace(t[len(op):])}, nil
}

// ParseSpecifierSet parses a comma-separated specifier set as
// packaging.specifiers.SpecifierSet does (empty items are skipped, so ""
// and ">=3.8," are valid).
func ParseSpecifierSet(s string) ([]Specifier, error) {
	var out []Specifier
	for _, part := range strings.Split(s, ",") {
		if pep440.TrimSpace(part) == "" {
			continue
		}
		sp, err := ParseSpecifier(part)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
