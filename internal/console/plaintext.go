package console

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PlainText renders the Markdown of a step summary as text for a terminal:
// headings underlined, tables as aligned columns, code fences indented,
// inline code, emphasis, links and escapes resolved to their text
// ("[release](https://…)" becomes "release: https://…"). It handles the
// Markdown the action writes (internal/report and the libraries'
// details), not all of CommonMark.
func PlainText(md string) string {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "```"):
			// The block ends at a line of at least as many backticks and
			// nothing else (the report's fences are longer than any run
			// of backticks inside, internal/escape.Block).
			fence := trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			j := i + 1
			for ; j < len(lines) && !closesFence(lines[j], fence); j++ {
				out = append(out, "    "+lines[j])
			}
			i = j
		case strings.HasPrefix(trimmed, "|"):
			j := i
			for j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "|") {
				j++
			}
			out = append(out, table(lines[i:j])...)
			i = j - 1
		case strings.HasPrefix(trimmed, "#"):
			out = append(out, heading(trimmed)...)
		case strings.HasPrefix(trimmed, "> "):
			out = append(out, "  "+inline(trimmed[2:]))
		default:
			out = append(out, inline(line))
		}
	}
	return squeezeBlank(strings.Join(out, "\n"))
}

// closesFence reports whether line closes a code block opened by fence.
func closesFence(line, fence string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, fence) && strings.Trim(t, "`") == ""
}

// heading renders "## Title" as the title underlined ("=" for ## and
// above, "-" for ###) and "#### Title" as "Title:".
func heading(line string) []string {
	level := len(line) - len(strings.TrimLeft(line, "#"))
	text := inline(strings.TrimSpace(line[level:]))
	switch {
	case level <= 2:
		return []string{"", text, strings.Repeat("=", utf8.RuneCountInString(text))}
	case level == 3:
		return []string{"", text, strings.Repeat("-", utf8.RuneCountInString(text))}
	}
	return []string{"", text + ":"}
}

// table renders Markdown table lines as aligned columns; the separator row
// and a header row of empty cells are left out.
func table(lines []string) []string {
	var rows [][]string
	for _, l := range lines {
		cells := splitRow(l)
		sep, empty := true, true
		for _, c := range cells {
			if strings.Trim(c, "-: ") != "" {
				sep = false
			}
			if c != "" {
				empty = false
			}
		}
		if sep && !empty || empty {
			continue
		}
		for k := range cells {
			cells[k] = inline(cells[k])
		}
		rows = append(rows, cells)
	}
	var widths []int
	for _, r := range rows {
		for k, c := range r {
			if k >= len(widths) {
				widths = append(widths, 0)
			}
			widths[k] = max(widths[k], utf8.RuneCountInString(c))
		}
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		var b strings.Builder
		for k, c := range r {
			b.WriteString(c)
			if k < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[k]-utf8.RuneCountInString(c)+2))
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}

// splitRow splits "| a | b \| c |" into ["a", "b \| c"] (escapes are
// resolved later, by inline).
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			cur.WriteByte(line[i])
			cur.WriteByte(line[i+1])
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

var (
	linkRE     = regexp.MustCompile(`\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)`)
	autoLinkRE = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	strongRE   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	emRE       = regexp.MustCompile(`(^|[\s(])_([^_]+)_([\s).,:;]|$)`)
	entities   = []string{"&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&"}
)

// inline resolves inline Markdown to its text.
func inline(s string) string {
	s, code := codeSpans(s) // kept from the rules below
	s = links(s)
	s = autoLinkRE.ReplaceAllString(s, "$1")
	s = strongRE.ReplaceAllString(s, "$1")
	s = emRE.ReplaceAllString(s, "$1$2$3")
	s = unescape(s)
	if strings.HasPrefix(s, "* ") {
		s = "- " + s[2:]
	}
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		n, err := strconv.Atoi(m[1 : len(m)-1])
		if err != nil || n >= len(code) {
			return m // not ours: outside text that happened to look like it
		}
		return code[n]
	})
}

// links resolves "[text](url)" to "text: url" (or url), except where the
// "[" is escaped: escaped text is text.
func links(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range linkRE.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > 0 && s[m[0]-1] == '\\' {
			continue
		}
		text, u := s[m[2]:m[3]], s[m[4]:m[5]]
		b.WriteString(s[last:m[0]])
		if text == u || text == "" {
			b.WriteString(u)
		} else {
			b.WriteString(text + ": " + u)
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// unescape resolves backslash escapes of ASCII punctuation and the
// entities the Markdown may hold, in one pass, so an escaped "&" stays
// text ("\&amp;" is "&amp;").
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && s[i+1] < utf8.RuneSelf && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0 {
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if c == '&' {
			if n, r := entity(s[i:]); n > 0 {
				b.WriteString(r)
				i += n - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// entity returns the length and text of the entity s starts with, or 0.
func entity(s string) (int, string) {
	for k := 0; k < len(entities); k += 2 {
		if strings.HasPrefix(s, entities[k]) {
			return len(entities[k]), entities[k+1]
		}
	}
	return 0, ""
}

var placeholderRE = regexp.MustCompile("\x00[0-9]+\x01")

// codeSpans replaces each code span (a run of backticks, the text, the
// same run) by a placeholder and returns the texts: inside them only a
// table's "\|" is an escape, as in GitHub's Markdown.
func codeSpans(s string) (string, []string) {
	var b strings.Builder
	var code []string
	for i := 0; i < len(s); {
		if s[i] != '`' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		fence := s[i : i+n]
		end := -1
		for j := i + n; j < len(s); {
			k := strings.Index(s[j:], fence)
			if k < 0 {
				break
			}
			k += j
			m := 0
			for k+m < len(s) && s[k+m] == '`' {
				m++
			}
			if m == n {
				end = k
				break
			}
			j = k + m
		}
		if end < 0 {
			b.WriteString(fence)
			i += n
			continue
		}
		text := s[i+n : end]
		if len(text) > 2 && text[0] == ' ' && text[len(text)-1] == ' ' {
			text = text[1 : len(text)-1]
		}
		code = append(code, strings.ReplaceAll(text, `\|`, "|"))
		b.WriteString("\x00" + strconv.Itoa(len(code)-1) + "\x01")
		i = end + n
	}
	return b.String(), code
}

// squeezeBlank collapses runs of blank lines into one and trims the ends.
func squeezeBlank(s string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " ")
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
