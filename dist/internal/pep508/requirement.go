package pep508

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Requirement is a parsed dependency specifier.
type Requirement struct {
	Name   string
	Extras []string
	// Specifier is the raw specifier text (possibly empty).
	Specifier string
	// URL is the direct reference after "@", or "".
	URL string
	// Marker is the marker text after ";" as written (trimmed), or "".
	Marker string
}

// SyntaxError describes where a requirement or marker stops being valid.
type SyntaxError struct {
	Message string
	Source  string
	Pos     int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at position %d of %q", e.Message, e.Pos, e.Source)
}

var (
	reIdentifier   = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*`)
	reQuoted       = regexp.MustCompile(`^(?:'[^']*'|"[^"]*")`)
	reURL          = regexp.MustCompile(`^[^ \t]+`)
	reWSTok        = regexp.MustCompile(`^[ \t]+`)
	reOp           = regexp.MustCompile(`^(?:===|==|~=|!=|<=|>=|<|>)`)
	markerVarNames = []string{
		"python_version", "python_full_version", "os_name", "os.name",
		"sys_platform", "sys.platform", "platform_release", "platform_system",
		"platform_version", "platform.version", "platform_machine", "platform.machine",
		"platform_python_implementation", "platform.python_implementation",
		"python_implementation", "implementation_name", "implementation_version",
		"extra", "extras", "dependency_groups",
	}
)

// isWordRune is Python's \w for str patterns (letters, digits, underscore).
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.IsNumber(r)
}

type tokenizer struct {
	src string
	pos int
}

func (t *tokenizer) rest() string { return t.src[t.pos:] }

func (t *tokenizer) fail(msg string) error {
	return &SyntaxError{Message: msg, Source: t.src, Pos: t.pos}
}

// boundaryBefore reports whether position i is a word boundary when the
// next character is a word character (Python's \b at a word start).
func (t *tokenizer) wordBoundaryAt(i int) bool {
	before := false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(t.src[:i])
		before = isWordRune(r)
	}
	after := false
	if i < len(t.src) {
		r, _ := utf8.DecodeRuneInString(t.src[i:])
		after = isWordRune(r)
	}
	return before != after
}

func (t *tokenizer) ws() {
	if m := reWSTok.FindString(t.rest()); m != "" {
		t.pos += len(m)
	}
}

func (t *tokenizer) lit(s string) bool {
	if strings.HasPrefix(t.rest(), s) {
		t.pos += len(s)
		return true
	}
	return false
}

func (t *tokenizer) peekLit(s string) bool { return strings.HasPrefix(t.rest(), s) }

func (t *tokenizer) atEnd() bool { return t.pos == len(t.src) }

// identifier matches \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b with Python's
// backtracking to the last word boundary.
func (t *tokenizer) identifier() (string, bool) {
	if !t.wordBoundaryAt(t.pos) {
		return "", false
	}
	m := reIdentifier.FindString(t.rest())
	for n := len(m); n > 0; n-- {
		if t.wordBoundaryAt(t.pos + n) {
			s := t.src[t.pos : t.pos+n]
			t.pos += n
			return s, true
		}
	}
	return "", false
}

// keyword matches \b(word)\b for one of words.
func (t *tokenizer) keyword(words ...string) (string, bool) {
	if !t.wordBoundaryAt(t.pos) {
		return "", false
	}
	for _, w := range words {
		if t.peekLit(w) && t.wordBoundaryAt(t.pos+len(w)) {
			t.pos += len(w)
			return w, true
		}
	}
	return "", false
}

// ParseRequirement parses a PEP 508 dependency specifier as
// packaging.requirements.Requirement does. It never panics.
func ParseRequirement(s string) (*Requirement, error) {
	t := &tokenizer{src: s}
	t.ws()
	name, ok := t.identifier()
	if !ok {
		return nil, t.fail("expected package name at the start of dependency specifier")
	}
	r := &Requirement{Name: name}
	t.ws()
	if t.lit("[") {
		extras, err := t.extras()
		if err != nil {
			return nil, err
		}
		r.Extras = extras
	}
	t.ws()
	if t.lit("@") {
		t.ws()
		u := reURL.FindString(t.rest())
		if u == "" {
			return nil, t.fail("expected URL after @")
		}
		t.pos += len(u)
		r.URL = u
		if t.atEnd() {
			return r, nil
		}
		if reWSTok.FindString(t.rest()) == "" {
			return nil, t.fail("expected whitespace after URL")
		}
		t.ws()
		if t.atEnd() {
			return r, nil
		}
		if err := t.requirementMarker(r); err != nil {
			return nil, err
		}
	} else {
		spec, err := t.specifier()
		if err != nil {
			return nil, err
		}
		r.Specifier = spec
		t.ws()
		if t.atEnd() {
			return r, nil
		}
		if err := t.requirementMarker(r); err != nil {
			return nil, err
		}
	}
	if !t.atEnd() {
		return nil, t.fail("expected end of dependency specifier")
	}
	if r.Specifier != "" {
		if _, err := ParseSpecifierSet(r.Specifier); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// extras parses the extras after their "[": names separated by commas,
// then "]".
func (t *tokenizer) extras() ([]string, error) {
	open := t.pos - 1
	var extras []string
	t.ws()
	if e, ok := t.identifier(); ok {
		extras = append(extras, e)
		for {
			t.ws()
			if _, ok := t.identifier(); ok {
				return nil, t.fail("expected comma between extra names")
			}
			if !t.lit(",") {
				break
			}
			t.ws()
			e, ok := t.identifier()
			if !ok {
				return nil, t.fail("expected extra name after comma")
			}
			extras = append(extras, e)
		}
	}
	t.ws()
	if !t.lit("]") {
		t.pos = open
		return nil, t.fail("expected closing ]")
	}
	return extras, nil
}

func (t *tokenizer) requirementMarker(r *Requirement) error {
	if !t.lit(";") {
		return t.fail("expected end or semicolon")
	}
	start := t.pos
	if err := t.marker(); err != nil {
		return err
	}
	t.ws()
	r.Marker = strings.TrimSpace(t.src[start:t.pos])
	return nil
}

func (t *tokenizer) specifier() (string, error) {
	paren := t.lit("(")
	open := t.pos - 1
	t.ws()
	var b strings.Builder
	for {
		n := matchSpecifier(t.rest())
		if n < 0 {
			break
		}
		b.WriteString(t.rest()[:n])
		t.pos += n
		if t.peekLit(".*") {
			return "", t.fail(".* suffix not allowed here")
		}
		t.ws()
		if !t.lit(",") {
			break
		}
		b.WriteByte(',')
		t.ws()
	}
	t.ws()
	if paren && !t.lit(")") {
		t.pos = open
		return "", t.fail("expected closing )")
	}
	return b.String(), nil
}

// ParseMarker parses an environment marker expression as
// packaging.markers.Marker does. It never panics.
func ParseMarker(s string) error {
	t := &tokenizer{src: s}
	if err := t.marker(); err != nil {
		return err
	}
	if !t.atEnd() {
		return t.fail("expected end of marker")
	}
	return nil
}

const maxDepth = 200

func (t *tokenizer) marker() error { return t.markerDepth(0) }

func (t *tokenizer) markerDepth(depth int) error {
	if depth > maxDepth {
		return t.fail("marker nested too deeply")
	}
	if err := t.markerAtom(depth); err != nil {
		return err
	}
	for {
		if _, ok := t.keyword("or", "and"); !ok {
			return nil
		}
		if err := t.markerAtom(depth); err != nil {
			return err
		}
	}
}

func (t *tokenizer) markerAtom(depth int) error {
	t.ws()
	if t.lit("(") {
		open := t.pos - 1
		t.ws()
		if err := t.markerDepth(depth + 1); err != nil {
			return err
		}
		t.ws()
		if !t.lit(")") {
			t.pos = open
			return t.fail("expected closing )")
		}
	} else {
		if err := t.markerVar(); err != nil {
			return err
		}
		t.ws()
		if err := t.markerOp(); err != nil {
			return err
		}
		t.ws()
		if err := t.markerVar(); err != nil {
			return err
		}
	}
	t.ws()
	return nil
}

var sortedVarNames = func() []string {
	v := append([]string(nil), markerVarNames...)
	// Longest first, so "python_version" is not cut short by a prefix.
	sort.Slice(v, func(i, j int) bool { return len(v[i]) > len(v[j]) })
	return v
}()

func (t *tokenizer) markerVar() error {
	if _, ok := t.keyword(sortedVarNames...); ok {
		return nil
	}
	if q := reQuoted.FindString(t.rest()); q != "" {
		if strings.Contains(q, "\\") {
			// Python evaluates the literal; a bad escape makes it fail.
			if !validPyEscapes(q[1 : len(q)-1]) {
				return t.fail("invalid string literal")
			}
		}
		t.pos += len(q)
		return nil
	}
	return t.fail("expected a marker variable or quoted string")
}

func (t *tokenizer) markerOp() error {
	if _, ok := t.keyword("in"); ok {
		return nil
	}
	if _, ok := t.keyword("not"); ok {
		if reWSTok.FindString(t.rest()) == "" {
			return t.fail("expected whitespace after 'not'")
		}
		t.ws()
		if _, ok := t.keyword("in"); !ok {
			return t.fail("expected 'in' after 'not'")
		}
		return nil
	}
	if m := reOp.FindString(t.rest()); m != "" {
		t.pos += len(m)
		return nil
	}
	return t.fail("expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
}

// validPyEscapes reports whether a Python string literal body has only
// escapes that Python can evaluate (\N{...} and \x/\u/\U need their digits).
func validPyEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if i+1 >= len(s) {
			return false // the backslash would escape the closing quote
		}
		i++
		need := 0
		switch s[i] {
		case 'x':
			need = 2
		case 'u':
			need = 4
		case 'U':
			need = 8
		case 'N':
			return false
		}
		for k := 0; k < need; k++ {
			if i+1+k >= len(s) || !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i+1+k])) {
				return false
			}
		}
		i += need
	}
	return true
}
