package rst

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// startOK reports whether an inline start-string may begin at s[i]:
// preceded by start of text, whitespace or opening/delimiting punctuation,
// and followed by non-whitespace.
func startOK(s string, i, n int) bool {
	if i+n >= len(s) {
		return false
	}
	after, _ := utf8.DecodeRuneInString(s[i+n:])
	if unicode.IsSpace(after) {
		return false
	}
	if i == 0 {
		return true
	}
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	if unicode.IsSpace(before) || strings.ContainsRune("'\"([{<-/:", before) ||
		(before >= 0x80 && unicode.In(before, unicode.Pd, unicode.Po, unicode.Ps, unicode.Pi, unicode.Pf)) {
		// Not when enclosed by matching quotes/brackets, e.g. '*' or (*).
		if pair := map[rune]rune{'\'': '\'', '"': '"', '(': ')', '[': ']', '{': '}', '<': '>'}; pair[before] == after && pair[before] != 0 {
			return false
		}
		return true
	}
	return false
}

// endOK reports whether an end-string may end at s[i:i+n].
func endOK(s string, i, n int) bool {
	if i == 0 {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	if unicode.IsSpace(before) {
		return false
	}
	if i+n >= len(s) {
		return true
	}
	after, _ := utf8.DecodeRuneInString(s[i+n:])
	return endFollowOK(after)
}

// endFollowOK reports whether r may follow an inline end-string:
// whitespace, closing quotes and brackets, "-/:" and ".,;!?\\", or
// non-ASCII dash, closing, quote and other punctuation.
func endFollowOK(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("'\")]}>-/:.,;!?\\", r) ||
		(r >= 0x80 && unicode.In(r, unicode.Pd, unicode.Po, unicode.Pe, unicode.Pi, unicode.Pf))
}

// escaped reports whether s[i] is preceded by an odd number of backslashes.
func escaped(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

var (
	roleRE       = regexp.MustCompile(`:([a-zA-Z0-9](?:[-_+:.]?[a-zA-Z0-9])*):$`)
	roleSuffixRE = regexp.MustCompile(`^:([a-zA-Z0-9](?:[-_+:.]?[a-zA-Z0-9])*):`)
	simpleRefRE  = regexp.MustCompile(`^[a-zA-Z0-9](?:[-_.:+]?[a-zA-Z0-9])*`)
	embeddedRE   = regexp.MustCompile(`(?s)^(?:(.*?)\s+)?<([^<>]+)>$`)
)

// para is one paragraph's text and the line it starts on.
type para struct {
	s    string
	line int
}

// lineAt is the line of byte pos.
func (p para) lineAt(pos int) int { return p.line + strings.Count(p.s[:pos], "\n") }

// inline scans one paragraph for inline markup problems.
func (c *checker) inline(s string, line int) {
	p := para{s, line}
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		next, ok := c.inlineAt(p, i)
		if !ok {
			return
		}
		i = next
	}
}

// inlineAt checks the markup that may start at p.s[i]. It returns the
// index of the last byte it consumed (i when there is no markup), and ok
// false when a start-string has no end-string, which ends the paragraph's
// scan.
func (c *checker) inlineAt(p para, i int) (last int, ok bool) {
	s, ch := p.s, p.s[i]
	switch {
	case strings.HasPrefix(s[i:], "``") && startOK(s, i, 2):
		end, ok := c.closing(p, i, 2, "``", false, "Inline literal")
		return end + 1, ok
	case strings.HasPrefix(s[i:], "**") && startOK(s, i, 2):
		end, ok := c.closing(p, i, 2, "**", true, "Inline strong")
		return end + 1, ok
	case ch == '*' && startOK(s, i, 1):
		return c.closing(p, i, 1, "*", true, "Inline emphasis")
	case ch == '`' && (startOK(s, i, 1) || roleRE.MatchString(tail(s, i))):
		return c.interpreted(p, i)
	case ch == '|' && startOK(s, i, 1):
		return c.substitutionRef(p, i)
	case ch == '_' && strings.HasPrefix(s[i:], "_`") && startOK(s, i, 2):
		end, ok := c.closing(p, i, 2, "`", false, "Inline internal target")
		if ok {
			c.implicit[normName(s[i+2:end])] = true
		}
		return end, ok
	case ch == '[' && (i == 0 || startOK(s, i, 1)):
		return c.footnoteRef(p, i), true
	case isRefStart(s, i):
		return c.simpleRef(p, i), true
	}
	return i, true
}

// closing finds the end-string of the markup whose n-byte start-string is
// at p.s[i]; when there is none it reports "<what> start-string without
// end-string." and returns ok false.
func (c *checker) closing(p para, i, n int, endString string, nested bool, what string) (end int, ok bool) {
	end = c.findEnd(p.s, i+n, endString, nested)
	if end < 0 {
		c.add(p.lineAt(i), Warning, "%s start-string without end-string.", what)
		return end, false
	}
	return end, true
}

// interpreted checks interpreted text or a phrase reference starting with
// the backquote at p.s[i], with its role before or after it.
func (c *checker) interpreted(p para, i int) (last int, ok bool) {
	s := p.s
	if m := roleRE.FindStringSubmatch(tail(s, i)); m != nil {
		c.role(m[1], p.lineAt(i))
	}
	end, ok := c.closing(p, i, 1, "`", false, "Inline interpreted text or phrase reference")
	if !ok {
		return end, false
	}
	content := s[i+1 : end]
	j := end + 1
	switch {
	case strings.HasPrefix(s[j:], "__"):
		c.phraseRef(content, true, p.lineAt(i))
		j += 2
	case strings.HasPrefix(s[j:], "_"):
		c.phraseRef(content, false, p.lineAt(i))
		j++
	default:
		if m := roleSuffixRE.FindStringSubmatch(s[j:]); m != nil {
			c.role(m[1], p.lineAt(i))
			j += len(m[0])
		}
	}
	return j - 1, true
}

// substitutionRef records a substitution reference (|name|, possibly also
// a reference: |name|_ or |name|__) starting at p.s[i].
func (c *checker) substitutionRef(p para, i int) (last int, ok bool) {
	s := p.s
	end, ok := c.closing(p, i, 1, "|", false, "Inline substitution_reference")
	if !ok {
		return end, false
	}
	name := normName(s[i+1 : end])
	c.subRefs = append(c.subRefs, ref{name, p.lineAt(i)})
	i = end
	if strings.HasPrefix(s[i+1:], "__") {
		c.anonRefs++
		c.anonLine = p.lineAt(i)
		i += 2
	} else if strings.HasPrefix(s[i+1:], "_") {
		c.refs = append(c.refs, ref{name, p.lineAt(i)})
		i++
	}
	return i, true
}

// footnoteRef records a footnote or citation reference ([1]_, [#x]_,
// [label]_) starting at p.s[i].
func (c *checker) footnoteRef(p para, i int) (last int) {
	s := p.s
	k := labelEnd(s, i)
	if k <= 1 || !endOK(s, i+k+2, 0) {
		return i
	}
	label := s[i+1 : i+k]
	switch {
	case label == "#" || label == "*":
		c.autoNoteRefs++
	case strings.HasPrefix(label, "#"):
		c.noteRefs = append(c.noteRefs, ref{normName(label[1:]), p.lineAt(i)})
	default:
		c.noteRefs = append(c.noteRefs, ref{normName(label), p.lineAt(i)})
	}
	return i + k + 1
}

// simpleRef records a simple reference (name_ or name__) starting at
// p.s[i], or skips the word.
func (c *checker) simpleRef(p para, i int) (last int) {
	s := p.s
	m := simpleRefRE.FindString(s[i:])
	j := i + len(m)
	if j < len(s) && s[j] == '_' && m != "" {
		anon := strings.HasPrefix(s[j:], "__")
		n := 1
		if anon {
			n = 2
		}
		if endOK(s, j+n, 0) || j+n == len(s) {
			if anon {
				c.anonRefs++
				c.anonLine = p.lineAt(i)
			} else {
				c.refs = append(c.refs, ref{normName(m), p.lineAt(i)})
			}
			return j + n - 1
		}
	}
	if m != "" {
		return j - 1
	}
	return i
}

// tail returns at most the last 128 bytes of s[:i], enough for a role
// name, so role matching does not rescan the whole paragraph.
func tail(s string, i int) string {
	if i > 128 {
		return s[i-128 : i]
	}
	return s[:i]
}

// labelEnd returns the offset of "]_" closing the footnote label that
// starts at s[i] == '[', or -1; labels hold no spaces or brackets.
func labelEnd(s string, i int) int {
	for k := i + 1; k < len(s); k++ {
		switch s[k] {
		case ']':
			if k+1 < len(s) && s[k+1] == '_' {
				return k - i
			}
			return -1
		case ' ', '\n', '\t', '[':
			return -1
		}
	}
	return -1
}

func isRefStart(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
		return false
	}
	if i == 0 {
		return true
	}
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(before) || strings.ContainsRune("'\"([{<-/:", before) || (before >= 0x80 && unicode.In(before, unicode.Pd, unicode.Ps, unicode.Pi, unicode.Pf, unicode.Po))
}

// findEnd returns the index of the end-string delim at or after from, or
// -1. For emphasis and strong, a "*" that is itself a valid start does not
// end the markup unless it is a valid end.
func (c *checker) findEnd(s string, from int, delim string, _ bool) int {
	for k := from; k <= len(s)-len(delim); k++ {
		if delim != "``" && s[k] == '\\' {
			k++
			continue
		}
		if strings.HasPrefix(s[k:], delim) && c.endAt(s, k, delim) && !(delim != "``" && escaped(s, k)) {
			if delim == "*" && strings.HasPrefix(s[k:], "**") {
				// "**" inside emphasis: docutils takes the first "*".
				return k
			}
			return k
		}
	}
	return -1
}

// endAt reports whether delim at s[k] is a valid end-string; after "`"
// a reference suffix ("_", "__") or a role suffix (":role:") may follow.
func (c *checker) endAt(s string, k int, delim string) bool {
	n := len(delim)
	if delim == "`" || delim == "|" {
		switch {
		case strings.HasPrefix(s[k+1:], "__"):
			n += 2
		case strings.HasPrefix(s[k+1:], "_"):
			n++
		default:
			if m := roleSuffixRE.FindString(s[k+1:]); m != "" {
				n += len(m)
			}
		}
		if k > 0 && unicode.IsSpace(rune(s[k-1])) {
			return false
		}
		if k+n >= len(s) {
			return true
		}
		after, _ := utf8.DecodeRuneInString(s[k+n:])
		return endFollowOK(after)
	}
	return endOK(s, k, n)
}

func (c *checker) role(name string, line int) {
	if !knownRoles[strings.ToLower(name)] && !c.roles[strings.ToLower(name)] {
		c.add(line, Error, "Unknown interpreted text role %q.", name)
	}
}

// phraseRef records `text`_ or `text <uri>`_.
func (c *checker) phraseRef(content string, anon bool, line int) {
	if m := embeddedRE.FindStringSubmatch(content); m != nil {
		text, target := strings.TrimSpace(m[1]), strings.Join(strings.Fields(m[2]), "")
		if strings.HasSuffix(target, "_") && !strings.HasSuffix(target, `\_`) && !strings.Contains(target, "://") {
			c.refs = append(c.refs, ref{normName(strings.TrimSuffix(target, "_")), line})
			return
		}
		if !anon && text != "" {
			c.target(line, normName(text), target)
		}
		return
	}
	if anon {
		c.anonRefs++
		c.anonLine = line
		return
	}
	c.refs = append(c.refs, ref{normName(content), line})
}

// resolve reports references without targets.
func (c *checker) resolve() {
	for _, r := range c.refs {
		if _, ok := c.targets[r.name]; ok || c.implicit[r.name] || c.notes[r.name] {
			continue
		}
		c.issues = append(c.issues, Issue{Line: r.line + 1, Level: Error, Message: "Unknown target name: \"" + r.name + "\"."})
	}
	for _, r := range c.subRefs {
		if !c.subs[r.name] {
			c.issues = append(c.issues, Issue{Line: r.line + 1, Level: Error, Message: "Undefined substitution referenced: \"" + r.name + "\"."})
		}
	}
	for _, r := range c.noteRefs {
		if !c.notes[r.name] {
			c.issues = append(c.issues, Issue{Line: r.line + 1, Level: Error, Message: "Unknown target name: \"" + r.name + "\"."})
		}
	}
	if c.anonRefs != c.anonTargets {
		c.issues = append(c.issues, Issue{Line: c.anonLine + 1, Level: Error, Message: "Anonymous hyperlink mismatch: references and targets do not match."})
	}
	if c.autoNoteRefs > c.autoNotes {
		c.issues = append(c.issues, Issue{Line: 1, Level: Error, Message: "Too many autonumbered footnote references: only as many footnotes as references are allowed."})
	}
}
