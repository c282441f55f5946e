// Package escape makes text the action did not write inert where it is
// shown: in log lines and workflow commands (Line, Controls) and in the
// Markdown of the step summary (Markdown, Code, Cell, Block). Outside text
// is every file name, path, metadata value, server answer, reason phrase,
// token claim and environment value; docs/security.md lists where each
// one is shown and which function makes it inert there.
//
// Workflow commands: GitHub's runner treats a line as a command when it
// starts with "::" after leading white space is trimmed, and also when
// "##[" appears anywhere in it followed by a registered command name and
// "]" (the older syntax). Outside text therefore never reaches the log with
// a line break of its own, and a line that would start a command or
// contains "##[" is changed so it cannot ([Line]).
//
// Markdown: GitHub renders the step summary as GitHub Flavored Markdown
// with some HTML. [Markdown] backslash-escapes the ASCII punctuation that
// could start formatting (CommonMark shows an escaped punctuation
// character literally), so outside text cannot open a heading, a list, a
// link, an image, an autolink, an HTML tag, an entity or a table cell.
// [Code] and [Block] show text verbatim in a code span or a fenced block
// whose fence is longer than any run of backticks inside.
package escape

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Controls returns s with every character that could change how a log
// line or a summary renders shown as a visible escape instead: control
// characters (C0 but tab, DEL, C1), line and paragraph separators,
// bidirectional and zero-width format characters (U+200B–U+200F,
// U+202A–U+202E, U+2060–U+206F, U+FEFF), and invalid UTF-8 bytes. A line
// break ("\n", or "\r\n") is kept when keepNewlines is set and shown as
// `\n` otherwise; a lone "\r" is always shown as `\r`.
func Controls(s string, keepNewlines bool) string {
	if clean(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r' && keepNewlines && strings.HasPrefix(s[i+1:], "\n"):
			// "\r\n" is one line break: keep the "\n".
		case r == '\n' && keepNewlines, r == '\t':
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case special(r):
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clean reports whether Controls would return s unchanged.
func clean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && (c != '\n' || !keepNewlines)) || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || special(r) {
			return false
		}
		i += n
	}
	return true
}

// special reports the characters Controls escapes (besides line breaks
// and invalid bytes).
func special(r rune) bool {
	switch {
	case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0x180e:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x206f:
		return true
	}
	return false
}

// Line makes one line of the log unable to act as a workflow command: a
// line that starts with "::" after white space (as the runner trims it)
// gets a backslash before the "::", and every "##[" becomes `#\#[`. It
// expects a line without line breaks (see Lines).
func Line(line string) string {
	t := strings.TrimLeftFunc(line, unicode.IsSpace)
	if strings.HasPrefix(t, "::") {
		line = line[:len(line)-len(t)] + `\` + t
	}
	if strings.Contains(line, "##[") {
		line = strings.ReplaceAll(line, "##[", `#\#[`)
	}
	return line
}

// Lines applies [Line] to every line of text.
func Lines(text string) string {
	if !strings.Contains(text, "::") && !strings.Contains(text, "##[") {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = Line(l)
	}
	return strings.Join(lines, "\n")
}

// inlineSpecial are the ASCII characters that can start or end inline
// Markdown in GitHub's renderer: escapes, code, emphasis, strikethrough,
// links and images (with "[" and "]" escaped, "(" cannot start a link
// target), e-mail autolinks ("@"), HTML and entities, table cells, math
// and references. A ":" is escaped where it could complete a
// URL autolink (see Markdown).
const inlineSpecial = "\\`*_[]!<>&~|@$#"

// Markdown returns s as Markdown text that renders as s. Inline, every
// character in inlineSpecial is backslash-escaped (CommonMark shows an
// escaped ASCII punctuation character literally), and the "." of "www."
// too, and a ":" followed by "/" or after "mailto" or "xmpp", so no
// extended autolink forms. At the start of each line, a
// character that could open a block (a heading, list, quote, fence,
// thematic break or setext underline) is escaped as well. Line breaks
// become hard breaks (a backslash at the end of the line), tabs spaces,
// and other control characters visible escapes ([Controls]).
func Markdown(s string) string {
	s = Controls(s, true)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = markdownLine(l)
	}
	return strings.Join(lines, "\\\n")
}

// markdownLine escapes one line (see Markdown).
func markdownLine(l string) string {
	var b strings.Builder
	b.Grow(len(l) + len(l)/4)
	start := true // no visible character yet on this line
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '\t':
			b.WriteByte(' ')
			continue
		case c == ' ':
		case start && c >= '0' && c <= '9':
			if n := orderedMarker(l[i:]); n > 0 {
				// "1. " would start an ordered list: escape the ".".
				b.WriteString(l[i:i+n-1] + "\\" + l[i+n-1:i+n])
				i += n - 1
				start = false
				continue
			}
		case strings.IndexByte(inlineSpecial, c) >= 0,
			start && strings.IndexByte("#-+*=>`~<|", c) >= 0,
			c == '.' && i >= 3 && strings.EqualFold(l[i-3:i], "www"),
			c == ':' && schemeColon(l, i):
			b.WriteByte('\\')
		}
		if c != ' ' {
			start = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// schemeColon reports whether the ":" at l[i] could end a URL scheme of an
// autolink: followed by "/", or after "mailto" or "xmpp".
func schemeColon(l string, i int) bool {
	if i+1 < len(l) && l[i+1] == '/' {
		return true
	}
	low := strings.ToLower(l[:i])
	return strings.HasSuffix(low, "mailto") || strings.HasSuffix(low, "xmpp")
}

// orderedMarker returns the length of the ordered list marker s starts
// with (digits, then "." or ")", then a space, a tab or the end), or 0.
func orderedMarker(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || (s[i] != '.' && s[i] != ')') {
		return 0
	}
	if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
		return 0
	}
	return i + 1
}

// Inline is [Markdown] on one line: line breaks become spaces. Use it for
// table cells, headings and text after other text on a line.
func Inline(s string) string {
	return Markdown(flatten(s))
}

// flatten turns line breaks and tabs into single spaces.
func flatten(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' }), " ")
}

// Code returns s as an inline code span that shows s verbatim: its fence is
// one backtick longer than the longest run of backticks in s, with a space
// inside the fence when s starts or ends with a backtick. Line breaks
// become spaces, and other control characters are shown as escapes.
func Code(s string) string {
	s = Controls(flatten(s), false)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s == "" || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ")) {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// Cell returns s as inline code for a table cell: [Code] with every "|"
// escaped, which GitHub's table parser requires even inside code spans.
func Cell(s string) string {
	return strings.ReplaceAll(Code(s), "|", `\|`)
}

// Block returns s as a fenced code block (ending in a line break) that
// shows s verbatim: the fence is three backticks, or one more than the
// longest run of backticks in s. Control characters other than line
// breaks and tabs are shown as escapes.
func Block(s string) string {
	s = strings.TrimRight(Controls(s, true), "\n")
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + "text\n" + s + "\n" + fence + "\n"
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
