// Package pep503 normalizes Python project names as PEP 503 specifies and
// packaging.utils.canonicalize_name implements
// (https://packaging.python.org/en/latest/specifications/name-normalization/).
// It is the one implementation for dist, publish and attest; the fakes keep
// their own copies on purpose.
package pep503

import "strings"

// Normalize returns the normalized form of a project name: every run of
// "-", "_" and "." becomes one "-", then the name is lower-cased as
// Python's str.lower does (so "Foo__Bar.baz" becomes "foo-bar-baz"). It
// does not check that name is a valid project name. It never panics.
//
// Python lower-cases U+0130 (capital I with dot above) to "i" plus a
// combining dot, and a final capital sigma to "ς"; the first is done here,
// the second is not (no valid project name holds either).
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return lower(b.String())
}

func lower(s string) string {
	if isLowerASCII(s) {
		return s
	}
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
