// Package pep440 parses and normalizes Python version identifiers as
// specified by PEP 440 and implemented by the packaging library
// (https://packaging.python.org/en/latest/specifications/version-specifiers/).
// It is the one implementation for dist, publish and attest; the fakes keep
// their own copies on purpose.
//
// It accepts exactly what packaging.version.Version accepts: the canonical
// form and the permitted spelling variations (case, separators, "v" prefix,
// implicit numbers, surrounding whitespace). Numbers of any length are kept
// as decimal strings, so nothing overflows.
package pep440

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid version")

// versionPattern is the PEP 440 grammar with its spelling variations (the
// same language as packaging's VERSION_PATTERN), matched case-insensitively
// after surrounding Python whitespace has been trimmed.
var versionRE = regexp.MustCompile(`(?i)^v?` +
	`(?:([0-9]+)!)?` + // epoch
	`([0-9]+(?:\.[0-9]+)*)` + // release
	`(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?` + // pre
	`(?:(?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?` + // post
	`(?:[-_.]?(dev)[-_.]?([0-9]+)?)?` + // dev
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`) // local

// Version is a parsed PEP 440 version. Numeric parts are decimal strings
// without leading zeros ("0" for zero).
type Version struct {
	Epoch   string
	Release []string
	// PreL is "a", "b" or "rc" (normalized), or "" when there is none.
	PreL string
	PreN string
	// Post is true when there is a post-release segment.
	Post  bool
	PostN string
	// Dev is true when there is a dev-release segment.
	Dev  bool
	DevN string
	// Local holds the local segments, lower case; numeric ones without
	// leading zeros.
	Local []string
}

// Parse parses s as packaging.version.Version does. The error wraps
// ErrInvalid. It never panics.
func Parse(s string) (Version, error) {
	t := TrimSpace(s)
	m := versionRE.FindStringSubmatch(t)
	if m == nil || !isASCIIFoldSafe(t) {
		return Version{}, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	var v Version
	v.Epoch = "0"
	if m[1] != "" {
		v.Epoch = trimZeros(m[1])
	}
	for _, p := range strings.Split(m[2], ".") {
		v.Release = append(v.Release, trimZeros(p))
	}
	if m[3] != "" {
		switch strings.ToLower(m[3]) {
		case "alpha", "a":
			v.PreL = "a"
		case "beta", "b":
			v.PreL = "b"
		default:
			v.PreL = "rc"
		}
		v.PreN = trimZeros(m[4])
	}
	switch {
	case m[5] != "":
		v.Post, v.PostN = true, trimZeros(m[5])
	case m[6] != "":
		v.Post, v.PostN = true, trimZeros(m[7])
	}
	if m[8] != "" {
		v.Dev, v.DevN = true, trimZeros(m[9])
	}
	if m[10] != "" {
		for _, p := range splitLocal(strings.ToLower(m[10])) {
			if isDigits(p) {
				p = trimZeros(p)
			}
			v.Local = append(v.Local, p)
		}
	}
	return v, nil
}

// Valid reports whether s is a valid PEP 440 version.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// Normalize returns the normalized form of s (str(Version(s)) in packaging).
func Normalize(s string) (string, error) {
	v, err := Parse(s)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// String returns the normalized form, e.g. "1!2.0rc1.post3.dev4+ubuntu.1".
func (v Version) String() string {
	var b strings.Builder
	if v.Epoch != "0" && v.Epoch != "" {
		b.WriteString(v.Epoch)
		b.WriteByte('!')
	}
	b.WriteString(strings.Join(v.Release, "."))
	if v.PreL != "" {
		b.WriteString(v.PreL)
		b.WriteString(v.PreN)
	}
	if v.Post {
		b.WriteString(".post")
		b.WriteString(v.PostN)
	}
	if v.Dev {
		b.WriteString(".dev")
		b.WriteString(v.DevN)
	}
	if len(v.Local) > 0 {
		b.WriteByte('+')
		b.WriteString(strings.Join(v.Local, "."))
	}
	return b.String()
}

// Canonical returns the form packaging's canonicalize_version gives: the
// normalized form with trailing ".0" release segments dropped (keeping
// one segment), so "1.0.0", "1.0" and "v1" all give "1". Two versions are
// Equal exactly when their Canonical forms are the same string.
func (v Version) Canonical() string {
	v.Release = trimRelease(v.Release)
	if len(v.Release) == 0 {
		v.Release = []string{"0"}
	}
	return v.String()
}

// Canonical returns canonicalize_version(s): the Canonical form of s when
// it is a valid version, else s unchanged (as packaging leaves versions it
// cannot parse).
func Canonical(s string) string {
	v, err := Parse(s)
	if err != nil {
		return s
	}
	return v.Canonical()
}

// Public returns the version without its local segment.
func (v Version) Public() string {
	v.Local = nil
	return v.String()
}

// IsLocal reports whether the version has a local segment ("+...").
func (v Version) IsLocal() bool { return len(v.Local) > 0 }

// IsPostRelease reports whether the version has a post-release segment.
func (v Version) IsPostRelease() bool { return v.Post }

// Equal reports whether a and b are the same version under PEP 440
// comparison (trailing zero release segments are insignificant).
func Equal(a, b Version) bool { return Compare(a, b) == 0 }

// Compare orders versions as PEP 440 does; it returns -1, 0 or +1.
func Compare(a, b Version) int {
	if c := cmpNum(a.Epoch, b.Epoch); c != 0 {
		return c
	}
	ra, rb := trimRelease(a.Release), trimRelease(b.Release)
	for i := 0; i < len(ra) || i < len(rb); i++ {
		x, y := "0", "0"
		if i < len(ra) {
			x = ra[i]
		}
		if i < len(rb) {
			y = rb[i]
		}
		if c := cmpNum(x, y); c != 0 {
			return c
		}
	}
	if c := cmpPre(a, b); c != 0 {
		return c
	}
	// Post: absent sorts before any post release.
	if c := cmpOpt(a.Post, a.PostN, b.Post, b.PostN, -1); c != 0 {
		return c
	}
	// Dev: absent sorts after any dev release.
	if c := cmpOpt(a.Dev, a.DevN, b.Dev, b.DevN, +1); c != 0 {
		return c
	}
	return cmpLocal(a.Local, b.Local)
}

// preKey ranks the pre-release part: a dev release without pre or post
// sorts before any pre-release; no pre-release sorts after all of them.
func cmpPre(a, b Version) int {
	rank := func(v Version) (int, string, string) {
		switch {
		case v.PreL == "" && !v.Post && v.Dev:
			return 0, "", ""
		case v.PreL == "":
			return 2, "", ""
		}
		return 1, v.PreL, v.PreN
	}
	ka, la, na := rank(a)
	kb, lb, nb := rank(b)
	if ka != kb {
		return sign(ka - kb)
	}
	if la != lb {
		return strings.Compare(la, lb) // "a" < "b" < "rc"
	}
	return cmpNum(na, nb)
}

func cmpOpt(pa bool, na string, pb bool, nb string, absent int) int {
	switch {
	case pa && pb:
		return cmpNum(na, nb)
	case pa:
		return -absent
	case pb:
		return absent
	}
	return 0
}

func cmpLocal(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return sign(len(a) - len(b))
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		da, db := isDigits(a[i]), isDigits(b[i])
		switch {
		case da && db:
			if c := cmpNum(a[i], b[i]); c != 0 {
				return c
			}
		case da: // numeric segments sort after alphanumeric ones
			return 1
		case db:
			return -1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return sign(len(a) - len(b))
}

func trimRelease(r []string) []string {
	n := len(r)
	for n > 0 && r[n-1] == "0" {
		n--
	}
	return r[:n]
}

func cmpNum(a, b string) int {
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	return strings.Compare(a, b)
}

func sign(i int) int {
	switch {
	case i < 0:
		return -1
	case i > 0:
		return 1
	}
	return 0
}

func trimZeros(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func splitLocal(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
}

// isASCIIFoldSafe rejects the non-ASCII letters that Go's case folding
// equates with ASCII ones (KELVIN SIGN, LONG S), which packaging's
// ASCII-only pattern does not accept in practice for version strings.
func isASCIIFoldSafe(s string) bool {
	for _, r := range s {
		if r >= 0x80 {
			return false
		}
	}
	return true
}

// TrimSpace trims what Python's str.strip() trims (Unicode whitespace as
// str.isspace defines it), which is what packaging's leading and trailing
// \s* accept.
func TrimSpace(s string) string {
	return strings.TrimFunc(s, IsPySpace)
}

// IsPySpace reports whether r is whitespace for Python's str.isspace and
// the re module's \s in str patterns.
func IsPySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0,
		0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
