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

// inline scans one paragraph for inline markup problems.
func (c *checker) inline(s string, line int) {
	lineAt := func(pos int) int { return line + strings.Count(s[:pos], "\n") }
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '\\' {
			i++
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "``") && startOK(s, i, 2):
			end := c.findEnd(s, i+2, "``", false)
			if end < 0 {
				c.add(lineAt(i), Warning, "Inline literal start-string without end-string.")
				return
			}
			i = end + 1
		case strings.HasPrefix(s[i:], "**") && startOK(s, i, 2):
			end := c.findEnd(s, i+2, "**", true)
			if end < 0 {
				c.add(lineAt(i), Warning, "Inline strong start-string without end-string.")
				return
			}
			i = end + 1
		case ch == '*' && startOK(s, i, 1):
			end := c.findEnd(s, i+1, "*", true)
			if end < 0 {
				c.add(lineAt(i), Warning, "Inline emphasis start-string without end-string.")
				return
			}
			i = end
		case ch == '`' && (startOK(s, i, 1) || roleRE.MatchString(tail(s, i))):
			if m := roleRE.FindStringSubmatch(tail(s, i)); m != nil {
				c.role(m[1], lineAt(i))
			}
			end := c.findEnd(s, i+1, "`", false)
			if end < 0 {
				c.add(lineAt(i), Warning, "Inline interpreted text or phrase reference start-string without end-string.")
				return
			}
			content := s[i+1 : end]
			j := end + 1
			switch {
			case strings.HasPrefix(s[j:], "__"):
				c.phraseRef(content, true, lineAt(i))
				j += 2
			case strings.HasPrefix(s[j:], "_"):
				c.phraseRef(content, false, lineAt(i))
				j++
			default:
				if m := roleSuffixRE.FindStringSubmatch(s[j:]); m != nil {
					c.role(m[1], lineAt(i))
					j += len(m[0])
				}
			}
			i = j - 1
		case ch == '|' && startOK(s, i, 1):
			end := c.findEnd(s, i+1, "|", false)
			if end < 0 {
				c.add(lineAt(i), Warning, "Inline substitution_reference start-string without end-string.")
				return
			}
			name := normName(s[i+1 : end])
			c.subRefs = append(c.subRefs, ref{name, lineAt(i)})
			i = end
			if strings.HasPrefix(s[i+1:], "__") {
				c.anonRefs++
				c.anonLine = lineAt(i)
				i += 2
			} else if strings.HasPrefix(s[i+1:], "_") {
				c.refs = append(c.refs, ref{name, lineAt(i)})
				i++
			}
		case ch == '_' && strings.HasPrefix(s[i:], "_`") && startOK(s, i, 2):
			end := c.findEnd(s, i+2, "`", false)
			if end < 0 {
				c.add(lineAt(i), Warning, "Inline internal target start-string without end-string.")
				return
			}
			c.implicit[normName(s[i+2:end])] = true
			i = end
		case ch == '[' && (i == 0 || startOK(s, i, 1)):
			if k := labelEnd(s, i); k > 1 && endOK(s, i+k+2, 0) {
				label := s[i+1 : i+k]
				switch {
				case label == "#" || label == "*":
					c.autoNoteRefs++
				case strings.HasPrefix(label, "#"):
					c.noteRefs = append(c.noteRefs, ref{normName(label[1:]), lineAt(i)})
				default:
					c.noteRefs = append(c.noteRefs, ref{normName(label), lineAt(i)})
				}
				i += k + 1
			}
		case isRefStart(s, i):
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
						c.anonLine = lineAt(i)
					} else {
						c.refs = append(c.refs, ref{normName(m), lineAt(i)})
					}
					i = j + n - 1
					continue
				}
			}
			if m != "" {
				i = j - 1
			}
		}
	}
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
