// Package spdx validates and canonicalizes SPDX license expressions the
// way PyPI does for the License-Expression field (PEP 639, implemented by
// packaging.licenses.canonicalize_license_expression).
//
// License and exception identifiers come from the SPDX License List
// embedded in github.com/github/go-spdx (see ListVersion); the grammar and
// the error wording are this package's own. Identifiers match
// case-insensitively; deprecated identifiers are accepted, as PyPI does.
// LicenseRef-<idstring> is allowed; DocumentRef- is not.
package spdx

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

var (
	licenses   = map[string]string{}
	exceptions = map[string]string{}
	refIDRE    = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)
)

func init() {
	for _, id := range spdxlicenses.GetLicenses() {
		licenses[strings.ToLower(id)] = id
	}
	for _, id := range spdxlicenses.GetDeprecated() {
		licenses[strings.ToLower(id)] = id
	}
	for _, id := range spdxlicenses.GetExceptions() {
		exceptions[strings.ToLower(id)] = id
	}
}

// ListVersion returns the version of the SPDX License List in use.
func ListVersion() string { return spdxlicenses.LicenseListVersion() }

// Error is a license-expression problem.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func invalid(raw string) error {
	return &Error{Msg: fmt.Sprintf("invalid license expression: %q", raw)}
}

// Canonicalize validates expr and returns its canonical form, e.g.
// "mit and (apache-2.0 or bsd-2-clause)" → "MIT AND (Apache-2.0 OR
// BSD-2-Clause)". It never panics.
func Canonicalize(expr string) (string, error) {
	if expr == "" {
		return "", invalid(expr)
	}
	padded := strings.NewReplacer("(", " ( ", ")", " ) ").Replace(expr)
	raw := pyFields(padded)
	tokens := make([]string, len(raw))
	for i, t := range raw {
		tokens[i] = strings.ToLower(t)
	}
	if len(tokens) == 0 || !grammarOK(tokens) {
		return "", invalid(expr)
	}
	isOp := func(t string) bool {
		switch t {
		case "or", "and", "with", "(", ")":
			return true
		}
		return false
	}
	var out []string
	lastLicense := false
	for i, tok := range tokens {
		if isOp(tok) {
			if tok == "with" && (!lastLicense || i+1 == len(tokens) || isOp(tokens[i+1])) {
				return "", invalid(expr)
			}
			out = append(out, strings.ToUpper(tok))
			lastLicense = false
			continue
		}
		if len(out) > 0 && out[len(out)-1] == "WITH" {
			id, ok := exceptions[tok]
			if !ok {
				return "", &Error{Msg: fmt.Sprintf("unknown license exception: %q", tok)}
			}
			out = append(out, id)
			lastLicense = false
			continue
		}
		base, suffix := tok, ""
		if strings.HasSuffix(tok, "+") {
			base, suffix = tok[:len(tok)-1], "+"
		}
		if strings.HasPrefix(base, "licenseref-") {
			ref := base[len("licenseref-"):]
			if suffix != "" || !refIDRE.MatchString(ref) {
				return "", &Error{Msg: fmt.Sprintf("invalid LicenseRef: %q", tok)}
			}
			out = append(out, "LicenseRef-"+raw[i][len("licenseref-"):])
		} else {
			id, ok := licenses[base]
			if !ok {
				return "", &Error{Msg: fmt.Sprintf("unknown license: %q", base)}
			}
			out = append(out, id+suffix)
		}
		lastLicense = true
	}
	s := strings.Join(out, " ")
	return strings.NewReplacer("( ", "(", " )", ")").Replace(s), nil
}

// grammarOK checks the boolean structure: operands joined by "and"/"or"
// ("with" counts as a binary operator here), with balanced parentheses;
// "(" only at the start or after an operator or "(", and never "()".
func grammarOK(tokens []string) bool {
	p := &parser{toks: tokens}
	for i, t := range tokens {
		if t == "(" && i > 0 {
			switch tokens[i-1] {
			case "or", "and", "with", "(":
			default:
				return false
			}
		}
		if t == ")" && i > 0 && tokens[i-1] == "(" {
			return false
		}
	}
	if !p.expr(0) {
		return false
	}
	return p.i == len(tokens)
}

type parser struct {
	toks []string
	i    int
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *parser) expr(depth int) bool {
	if depth > 500 || !p.operand(depth) {
		return false
	}
	for {
		switch p.peek() {
		case "or", "and", "with":
			p.i++
			if !p.operand(depth) {
				return false
			}
		default:
			return true
		}
	}
}

func (p *parser) operand(depth int) bool {
	switch t := p.peek(); t {
	case "":
		return false
	case "(":
		p.i++
		if !p.expr(depth + 1) {
			return false
		}
		if p.peek() != ")" {
			return false
		}
		p.i++
		return true
	case ")", "or", "and", "with":
		return false
	default:
		p.i++
		return true
	}
}

// pyFields splits like Python's str.split() with no argument.
func pyFields(s string) []string {
	return strings.FieldsFunc(s, isPySpace)
}

func isPySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
