// Package rst checks reStructuredText the way PyPI renders long
// descriptions: with docutils at halt_level 2, so any docutils warning or
// error makes the description fail to render (readme_renderer, used by
// PyPI and `twine check`). It is a checker, not a renderer: it looks for
// the constructs that make docutils complain in practice.
//
// Covered: section title underline/overline length and style consistency,
// unknown directives and interpreted-text roles (Sphinx roles such as
// :ref: or :func: are unknown to plain docutils), the raw and include
// directives (disabled on PyPI), unterminated inline markup, lists and
// explicit markup that end without a blank line, unexpected indentation,
// literal blocks that are announced with "::" but missing, malformed grid
// tables, duplicate explicit targets, unresolved hyperlink, footnote and
// substitution references, and anonymous reference mismatches.
package rst

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Level is a docutils system message level.
type Level int

const (
	// Warning is docutils level 2; it already stops rendering on PyPI.
	Warning Level = 2
	// Error is docutils level 3.
	Error Level = 3
	// Severe is docutils level 4.
	Severe Level = 4
)

func (l Level) String() string {
	switch l {
	case Warning:
		return "WARNING"
	case Error:
		return "ERROR"
	}
	return "SEVERE"
}

// Issue is one problem, with the 1-based line it was found on.
type Issue struct {
	Line    int
	Level   Level
	Message string
}

func (i Issue) String() string {
	return fmt.Sprintf("line %d: (%s/%d) %s", i.Line, i.Level, int(i.Level), i.Message)
}

// Check returns the problems docutils would report at level 2 or higher,
// in line order. An empty result means the text renders on PyPI. It never
// panics and runs in time roughly linear in len(text).
func Check(text string) []Issue {
	c := &checker{
		targets:  map[string]string{},
		implicit: map[string]bool{},
		subs:     map[string]bool{},
		notes:    map[string]bool{},
		items:    map[[2]int]bool{},
		roles:    map[string]bool{},
	}
	c.run(text)
	sort.SliceStable(c.issues, func(i, j int) bool { return c.issues[i].Line < c.issues[j].Line })
	return c.issues
}

type ref struct {
	name string
	line int
}

type checker struct {
	lines  []string
	issues []Issue

	styles   []string // title styles in order of first use
	depth    int      // current section depth
	targets  map[string]string
	implicit map[string]bool
	subs     map[string]bool
	notes    map[string]bool

	refs, subRefs, noteRefs []ref
	anonRefs, anonTargets   int
	anonLine                int
	autoNoteRefs, autoNotes int
	content                 bool // something renders
	items                   map[[2]int]bool
	roles                   map[string]bool // defined with the role directive
	quotedEnd               int             // line after a quoted literal block
	last                    string          // "", "section", "body" or "transition"
}

func (c *checker) add(line int, lvl Level, format string, args ...any) {
	c.issues = append(c.issues, Issue{Line: line + 1, Level: lvl, Message: fmt.Sprintf(format, args...)})
}

func indentOf(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case ' ':
			n++
		case '\t':
			n = (n/8 + 1) * 8
		default:
			return n
		}
	}
	return n
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// isAdornment reports whether s is a title adornment line: one repeated
// punctuation character.
func isAdornment(s string) bool {
	s = strings.TrimRight(s, " \t")
	if len(s) < 1 || s[0] >= 0x80 {
		return false
	}
	ch := s[0]
	if !strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", rune(ch)) {
		return false
	}
	return strings.Trim(s, string(ch)) == ""
}

func width(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) || (r >= 0xff01 && r <= 0xff60) {
			n += 2
			continue
		}
		n++
	}
	return n
}

var (
	bulletRE    = regexp.MustCompile(`^([-*+•‣⁃])([ \t]+|$)`)
	enumRE      = regexp.MustCompile(`^(\(?([0-9]+|[a-zA-Z]|#|[ivxlcdmIVXLCDM]+)[.)])([ \t]+|$)`)
	fieldRE     = regexp.MustCompile(`^:([^:\s][^:]*):( +|$)`)
	directiveRE = regexp.MustCompile(`^\.\.\s+([a-zA-Z0-9][-a-zA-Z0-9_.:+]*)\s?::(\s|$)`)
	subDefRE    = regexp.MustCompile(`^\.\.\s+\|([^|]+)\|\s+([a-zA-Z0-9][-a-zA-Z0-9_.:+]*)\s?::(\s|$)`)
	targetRE    = regexp.MustCompile("^\\.\\.\\s+_(`[^`]+`|[^:\\\\]+|(?:[^:\\\\]|\\\\.)+):(\\s+(.*)|$)")
	anonTgtRE   = regexp.MustCompile(`^(\.\.\s+__:|__\s)`)
	footnoteRE  = regexp.MustCompile(`^\.\.\s+\[([^\]]+)\](\s|$)`)
	gridTopRE   = regexp.MustCompile(`^\+(-+\+)+\s*$`)
	optionRE    = regexp.MustCompile(`^(?:--?[a-zA-Z0-9][-a-zA-Z0-9_]*(?:[ =](?:<[^>]*>|[a-zA-Z][-a-zA-Z0-9_]*))?(?:, )?)+(?:  +|$)`)
	simpleTblRE = regexp.MustCompile(`^=+( +=+)+\s*$`)
)

// literalDirectives have content that is not parsed as reStructuredText.
var literalDirectives = map[string]bool{
	"code": true, "code-block": true, "sourcecode": true, "math": true,
	"parsed-literal": false, "csv-table": true, "raw": true, "highlight": true,
}

var knownDirectives = map[string]bool{}

var knownRoles = map[string]bool{}

func init() {
	for _, d := range strings.Fields(`attention caution danger error hint important note tip warning
		admonition sidebar topic line-block parsed-literal code code-block sourcecode math rubric
		epigraph highlights pull-quote compound container image figure table csv-table list-table
		contents sectnum section-numbering header footer target-notes meta replace unicode date
		class role default-role title restructuredtext-test-directive`) {
		knownDirectives[d] = true
	}
	for _, r := range strings.Fields(`emphasis strong literal code math pep-reference pep
		rfc-reference rfc subscript sub superscript sup title-reference title t abbreviation ab
		acronym ac`) {
		knownRoles[r] = true
	}
}

func normName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func (c *checker) run(text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.ReplaceAll(text, "\f", "\n")
	text = strings.ReplaceAll(text, "\v", " ")
	c.lines = strings.Split(text, "\n")
	var para []string
	paraStart := 0
	flush := func() {
		if len(para) > 0 {
			c.inline(strings.Join(para, "\n"), paraStart)
			c.last = "body"
		}
		para = nil
	}
	lines := c.lines
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		if line == "" {
			flush()
			continue
		}
		ind := indentOf(line)
		body := strings.TrimLeft(line, " \t")

		// Section titles (only at the left margin).
		if ind == 0 {
			if n, ok := c.title(i); ok {
				flush()
				i += n - 1
				continue
			}
		}
		// Transitions and stray adornment lines.
		if ind == 0 && isAdornment(body) && len(body) >= 4 && (i == 0 || blank(lines[i-1])) && (i+1 >= len(lines) || blank(lines[i+1])) {
			flush()
			switch c.last {
			case "", "section":
				c.add(i, Error, "Document or section may not begin with a transition.")
			case "transition":
				c.add(i, Error, "At least one body element must separate transitions; adjacent transitions are not allowed.")
			}
			c.last = "transition"
			continue
		}
		// A section title inside an indented block (list item, quote).
		if ind > 0 && !isAdornment(body) && i+1 < len(lines) && (i == 0 || blank(lines[i-1])) && len(para) == 0 {
			under := strings.TrimRight(lines[i+1], " \t")
			if indentOf(under) == ind && isAdornment(strings.TrimLeft(under, " \t")) {
				u := strings.TrimLeft(under, " \t")
				if len(u) >= 4 || width(body) <= len(u) {
					c.add(i, Severe, "Unexpected section title.")
					i++
					continue
				}
			}
		}
		// Grid tables.
		if gridTopRE.MatchString(body) {
			flush()
			i = c.gridTable(i, ind) - 1
			continue
		}
		if simpleTblRE.MatchString(body) {
			flush()
			i = c.simpleTable(i, ind) - 1
			continue
		}
		// Explicit markup.
		if strings.HasPrefix(body, "..") && (body == ".." || body[2] == ' ' || body[2] == '\t') {
			flush()
			i = c.explicit(i, ind) - 1
			continue
		}
		if anonTgtRE.MatchString(body) {
			flush()
			c.anonTargets++
			continue
		}
		// List items and field lists: the marker starts a new paragraph.
		marker := ""
		if m := bulletRE.FindString(body); m != "" {
			marker = m
		} else if m := enumRE.FindString(body); m != "" && (len(para) == 0 || len(m) < len(body)) && c.enumItemOK(i, ind) {
			marker = m
		} else if m := fieldRE.FindString(body); m != "" {
			marker = m
		} else if m := optionRE.FindString(body); m != "" && len(para) == 0 {
			// An option list item: its description may continue on
			// indented lines.
			flush()
			c.content = true
			c.last = "body"
			paraStart = i
			para = append(para, strings.TrimSpace(body[len(m):]))
			for i+1 < len(lines) && !blank(lines[i+1]) && indentOf(lines[i+1]) > ind {
				i++
				para = append(para, strings.TrimSpace(lines[i]))
			}
			flush()
			continue
		}
		if marker != "" && !c.itemStart(i, ind) {
			marker = ""
		}
		// Doctest blocks are literal text up to the next blank line.
		if marker == "" && len(para) == 0 && strings.HasPrefix(body, ">>>") {
			c.content = true
			c.last = "body"
			for i+1 < len(lines) && !blank(lines[i+1]) {
				i++
			}
			continue
		}
		if marker != "" {
			c.content = true
			flush()
			c.checkListEnd(i, ind, len(marker))
			paraStart = i
			rest := strings.TrimLeft(body[len(marker):], " ")
			if rest != "" {
				para = append(para, rest)
			}
			if c.literalAfter(i, rest, ind) {
				flush()
				i = c.skipIndented(i+1, ind)
			} else if c.quotedEnd > i {
				flush()
				i = c.quotedEnd - 1
			}
			continue
		}
		if len(para) > 0 {
			prevInd := indentOf(strings.TrimRight(lines[i-1], " \t"))
			if ind > prevInd && !blank(lines[i-1]) && len(para) >= 2 && paraStart+len(para) == i && !c.inList(paraStart) {
				c.add(i, Error, "Unexpected indentation.")
			}
		}
		if len(para) == 0 {
			paraStart = i
		}
		c.content = true
		para = append(para, body)
		if c.literalAfter(i, body, ind) {
			flush()
			i = c.skipIndented(i+1, ind)
		} else if c.quotedEnd > i {
			flush()
			i = c.quotedEnd - 1
		}
	}
	flush()
	if c.last == "transition" {
		c.add(len(lines)-1, Error, "Document may not end with a transition.")
	}
	c.resolve()
	if !c.content {
		c.add(0, Severe, "No content rendered from RST source.")
	}
}

// enumItemOK applies docutils' guard against reading "A. Smith wrote"
// as a list: the line after an enumerated item must be blank, indented,
// or the next item.
func (c *checker) enumItemOK(i, ind int) bool {
	if i+1 >= len(c.lines) || blank(c.lines[i+1]) {
		return true
	}
	// The guard applies to a list's first item only.
	for j := i - 1; j >= 0; j-- {
		if blank(c.lines[j]) || indentOf(c.lines[j]) > ind {
			continue
		}
		if indentOf(c.lines[j]) == ind && enumRE.MatchString(strings.TrimLeft(c.lines[j], " \t")) {
			return true
		}
		break
	}
	next := c.lines[i+1]
	if indentOf(next) > ind {
		return true
	}
	return indentOf(next) == ind && enumRE.MatchString(strings.TrimLeft(next, " \t"))
}

// itemStart reports whether a list marker at line i starts a list item:
// after a blank line, or continuing a list at the same indentation.
// Otherwise the line continues the paragraph above.
func (c *checker) itemStart(i, ind int) bool {
	key := [2]int{i, ind}
	if v, ok := c.items[key]; ok {
		return v
	}
	v := c.itemStartUncached(i, ind)
	c.items[key] = v
	return v
}

func (c *checker) itemStartUncached(i, ind int) bool {
	for j := i - 1; j >= 0; j-- {
		l := c.lines[j]
		if blank(l) {
			return true
		}
		li := indentOf(l)
		if li > ind {
			continue
		}
		b := strings.TrimLeft(l, " \t")
		if li < ind {
			// Text indented under an item continues that item's first
			// paragraph; under anything else (a definition term) it
			// starts a new block, where a list may begin.
			for _, re := range []*regexp.Regexp{bulletRE, enumRE, fieldRE} {
				if m := re.FindString(b); m != "" && li+len(m) == ind {
					return false
				}
			}
			return true
		}
		return (bulletRE.MatchString(b) || enumRE.MatchString(b) || fieldRE.MatchString(b)) && c.itemStart(j, ind)
	}
	return true
}

// inList reports whether the paragraph starting at line i is a list item.
func (c *checker) inList(i int) bool {
	b := strings.TrimLeft(c.lines[i], " \t")
	return bulletRE.MatchString(b) || enumRE.MatchString(b) || fieldRE.MatchString(b)
}

// checkListEnd warns when the item before line i ends without a blank line
// and the text returns to a smaller indentation than the item body.
func (c *checker) checkListEnd(i, ind, markerLen int) {
	bodyInd := ind + markerLen
	for j := i + 1; j < len(c.lines); j++ {
		l := strings.TrimRight(c.lines[j], " \t")
		if l == "" {
			return
		}
		li := indentOf(l)
		if li >= bodyInd {
			continue
		}
		b := strings.TrimLeft(l, " \t")
		isItem := bulletRE.MatchString(b) || enumRE.MatchString(b) || fieldRE.MatchString(b)
		if li == ind && isItem && sameListKind(strings.TrimLeft(c.lines[i], " \t"), b) {
			return
		}
		if li < ind && isItem && c.itemStart(j, li) {
			return // an enclosing list continues with its next item
		}
		if li < ind || li == ind {
			kind := "Bullet list"
			switch {
			case fieldRE.MatchString(strings.TrimLeft(c.lines[i], " \t")):
				kind = "Field list"
			case enumRE.MatchString(strings.TrimLeft(c.lines[i], " \t")) && !bulletRE.MatchString(strings.TrimLeft(c.lines[i], " \t")):
				kind = "Enumerated list"
			}
			c.add(j, Warning, "%s ends without a blank line; unexpected unindent.", kind)
		}
		return
	}
}

// sameListKind reports whether item lines a and b belong to one list:
// the same bullet character, or both enumerated, or both fields.
func sameListKind(a, b string) bool {
	ma, mb := bulletRE.FindStringSubmatch(a), bulletRE.FindStringSubmatch(b)
	switch {
	case ma != nil || mb != nil:
		return ma != nil && mb != nil && ma[1] == mb[1]
	case fieldRE.MatchString(a) || fieldRE.MatchString(b):
		return fieldRE.MatchString(a) && fieldRE.MatchString(b)
	}
	return true
}

// literalAfter handles a paragraph line ending in "::": the next non-blank
// line must be indented (or quoted) or docutils warns.
func (c *checker) literalAfter(i int, body string, ind int) bool {
	if !strings.HasSuffix(body, "::") || strings.HasSuffix(body, `\::`) {
		return false
	}
	// The paragraph continues on the next line: "::" is not at its end.
	if i+1 < len(c.lines) && !blank(c.lines[i+1]) {
		return false
	}
	for j := i + 1; j < len(c.lines); j++ {
		if blank(c.lines[j]) {
			continue
		}
		l := c.lines[j]
		if indentOf(l) > ind {
			c.content = true
			c.last = "body"
			return true
		}
		t := strings.TrimLeft(l, " \t")
		if indentOf(l) == ind && t != "" && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", rune(t[0])) {
			// A quoted literal block: lines starting with the same
			// punctuation character; its text is not markup.
			k := j
			for k < len(c.lines) && !blank(c.lines[k]) && strings.HasPrefix(strings.TrimLeft(c.lines[k], " \t"), t[:1]) {
				k++
			}
			c.quotedEnd = k
			c.content = true
			return false
		}
		c.add(j, Warning, "Literal block expected; none found.")
		return false
	}
	c.add(len(c.lines)-1, Warning, "Literal block expected; none found.")
	return false
}

// skipIndented returns the first line at or after i that is non-blank and
// indented at most ind.
func (c *checker) skipIndented(i, ind int) int {
	for ; i < len(c.lines); i++ {
		if !blank(c.lines[i]) && indentOf(c.lines[i]) <= ind {
			break
		}
	}
	return i - 1
}

// title recognizes a section title at line i and returns how many lines
// it spans.
func (c *checker) title(i int) (int, bool) {
	lines := c.lines
	line := strings.TrimRight(lines[i], " \t")
	next := func(k int) string {
		if k < len(lines) {
			return strings.TrimRight(lines[k], " \t")
		}
		return ""
	}
	// Overline + title + underline.
	if isAdornment(line) && i+1 < len(lines) && !blank(lines[i+1]) && !isAdornment(strings.TrimSpace(lines[i+1])) {
		if len(line) < 4 && !isAdornment(next(i+2)) {
			return 0, false
		}
		text := strings.TrimSpace(lines[i+1])
		under := next(i + 2)
		if !isAdornment(under) {
			if len(line) >= 4 && (i == 0 || blank(lines[i-1])) {
				c.add(i, Severe, "Missing matching underline for section title overline.")
				return 2, true
			}
			return 0, false
		}
		if under != line {
			c.add(i, Severe, "Title overline & underline mismatch.")
			return 3, true
		}
		if width(text) > len(line) {
			if len(line) < 4 {
				return 0, false // too short to be a title: ordinary text
			}
			c.add(i, Warning, "Title overline too short.")
		}
		c.section(i+1, "o"+line[:1], text)
		return 3, true
	}
	// Title + underline.
	if isAdornment(line) || i+1 >= len(lines) {
		return 0, false
	}
	under := next(i + 1)
	if !isAdornment(under) || indentOf(lines[i+1]) != 0 {
		return 0, false
	}
	if i > 0 && !blank(lines[i-1]) && !isAdornment(strings.TrimRight(lines[i-1], " \t")) {
		return 0, false // inside a paragraph
	}
	text := strings.TrimSpace(line)
	if width(text) > len(under) {
		if len(under) < 4 {
			return 0, false // docutils treats it as ordinary text (info only)
		}
		c.add(i+1, Warning, "Title underline too short.")
	}
	c.section(i, "u"+under[:1], text)
	return 2, true
}

func (c *checker) section(line int, style, text string) {
	c.last = "section"
	c.implicit[normName(text)] = true
	c.content = true
	for k, s := range c.styles {
		if s == style {
			if k > c.depth {
				c.add(line, Severe, "Title level inconsistent.")
			}
			c.depth = k + 1
			c.inline(text, line)
			return
		}
	}
	if len(c.styles) > c.depth {
		c.add(line, Severe, "Title level inconsistent.")
	}
	c.content = true
	c.styles = append(c.styles, style)
	c.depth = len(c.styles)
	c.inline(text, line)
}

// gridTable checks a grid table starting at line i and returns the line
// after it.
func (c *checker) gridTable(i, ind int) int {
	c.content = true
	c.last = "body"
	top := strings.TrimRight(c.lines[i], " \t")
	w := len([]rune(top))
	j := i
	bad := false
	for ; j < len(c.lines); j++ {
		l := strings.TrimRight(c.lines[j], " \t")
		if l == "" {
			break
		}
		if indentOf(l) != ind || (l[len(l)-1] != '+' && l[len(l)-1] != '|') {
			bad = true
			continue
		}
		if width(l) != width(top) && len([]rune(l)) != w {
			bad = true
		}
		if b := strings.TrimLeft(l, " "); b[0] != '+' && b[0] != '|' {
			bad = true
		}
	}
	last := strings.TrimLeft(strings.TrimRight(c.lines[j-1], " \t"), " ")
	if !bad && !strings.HasPrefix(last, "+") {
		bad = true
	}
	if bad {
		c.add(i, Error, "Malformed table.")
	} else {
		// Cell text lies between the column boundaries of the top border.
		var cols []int
		for k, r := range []rune(top) {
			if r == '+' {
				cols = append(cols, k)
			}
		}
		for k := i; k < j; k++ {
			row := []rune(strings.TrimRight(c.lines[k], " \t"))
			if len(row) <= ind || row[ind] != '|' {
				continue
			}
			start := ind + 1
			for _, b := range cols[1:] {
				if b >= len(row) || (row[b] != '|' && b != len(row)-1) {
					continue
				}
				if cell := strings.TrimSpace(string(row[start:b])); cell != "" {
					c.inline(cell, k)
				}
				start = b + 1
			}
		}
	}
	return j
}

func (c *checker) simpleTable(i, ind int) int {
	c.content = true
	c.last = "body"
	j := i
	borders := 0
	for ; j < len(c.lines); j++ {
		l := strings.TrimRight(c.lines[j], " \t")
		if l == "" {
			if borders >= 2 && (j+1 >= len(c.lines) || !simpleTblRE.MatchString(strings.TrimSpace(c.lines[j+1]))) {
				break
			}
			continue
		}
		if simpleTblRE.MatchString(strings.TrimSpace(l)) {
			borders++
		} else {
			c.inline(strings.TrimSpace(l), j)
		}
	}
	if borders < 2 {
		c.add(i, Error, "Malformed table.")
	}
	return j
}

// explicit handles an explicit markup block at line i and returns the line
// after it.
func (c *checker) explicit(i, ind int) int {
	body := strings.TrimLeft(strings.TrimRight(c.lines[i], " \t"), " \t")
	end := i + 1
	for end < len(c.lines) && (blank(c.lines[end]) || indentOf(c.lines[end]) > ind) {
		end++
	}
	// An explicit block must be followed by a blank line when the text
	// returns to its indentation.
	if end < len(c.lines) && end > i && !blank(c.lines[end-1]) {
		next := strings.TrimLeft(c.lines[end], " \t")
		isExplicit := (strings.HasPrefix(next, "..") && (next == ".." || next[2] == ' ' || next[2] == '\t')) || anonTgtRE.MatchString(next)
		if !isExplicit || indentOf(c.lines[end]) != ind {
			c.add(end, Warning, "Explicit markup ends without a blank line; unexpected unindent.")
		}
	}
	switch {
	case subDefRE.MatchString(body):
		m := subDefRE.FindStringSubmatch(body)
		c.subs[normName(m[1])] = true
		c.directive(i, strings.ToLower(m[2]), end, ind)
	case directiveRE.MatchString(body):
		m := directiveRE.FindStringSubmatch(body)
		c.directive(i, strings.ToLower(m[1]), end, ind)
	case strings.HasPrefix(body, ".. __:"):
		c.anonTargets++
	case targetRE.MatchString(body):
		m := targetRE.FindStringSubmatch(body)
		name := strings.Trim(m[1], "`")
		name = strings.ReplaceAll(name, `\:`, ":")
		uri := strings.TrimSpace(m[3])
		for k := i + 1; k < end; k++ {
			uri += strings.TrimSpace(c.lines[k])
		}
		c.target(i, normName(name), uri)
	case footnoteRE.MatchString(body):
		m := footnoteRE.FindStringSubmatch(body)
		label := m[1]
		if label == "#" || label == "*" {
			c.autoNotes++
		} else {
			c.notes[normName(strings.TrimPrefix(label, "#"))] = true
		}
		for k := i; k < end; k++ {
			t := strings.TrimSpace(c.lines[k])
			if k == i {
				t = strings.TrimSpace(body[len(m[0]):])
			}
			if t != "" {
				c.inline(t, k)
			}
		}
	default:
		// A comment: its content is not parsed.
	}
	return end
}

func (c *checker) target(i int, name, uri string) {
	if old, ok := c.targets[name]; ok && uri != "" && old != uri {
		c.add(i, Warning, "Duplicate explicit target name: %q.", name)
		return
	}
	c.targets[name] = uri
}

// directiveSpec says what a directive accepts: up to maxArgs
// whitespace-separated arguments (the argument of image and figure is one
// URI that may wrap), options (nil: not checked), and whether content is
// required or forbidden. For admonitions the text after "::" is content.
type directiveSpec struct {
	maxArgs     int
	argRequired bool
	argWraps    bool
	textContent bool
	needContent bool
	noContent   bool
	options     []string
}

var (
	imageOptions   = []string{"alt", "height", "width", "scale", "align", "target", "class", "name", "loading"}
	codeOptions    = []string{"class", "name", "number-lines"}
	directiveSpecs = map[string]directiveSpec{
		"code":       {maxArgs: 1, needContent: true, options: codeOptions},
		"code-block": {maxArgs: 1, needContent: true, options: codeOptions},
		"sourcecode": {maxArgs: 1, needContent: true, options: codeOptions},
		"image":      {maxArgs: 1, argRequired: true, argWraps: true, noContent: true, options: imageOptions},
		"figure":     {maxArgs: 1, argRequired: true, argWraps: true, options: append([]string{"figwidth", "figclass"}, imageOptions...)},
	}
)

func init() {
	for _, a := range strings.Fields("attention caution danger error hint important note tip warning") {
		directiveSpecs[a] = directiveSpec{textContent: true, needContent: true, options: []string{"class", "name"}}
	}
}

// directiveBlock checks a directive's arguments, options and content
// against directiveSpecs and reports whether it found a problem.
func (c *checker) directiveBlock(i int, name string, end int) bool {
	spec, ok := directiveSpecs[name]
	if !ok {
		return false
	}
	arg := strings.TrimSpace(strings.SplitN(strings.TrimLeft(c.lines[i], " \t"), "::", 2)[1])
	hasContent := spec.textContent && arg != ""
	k := i + 1
	// Lines right after the directive line continue the argument (or, for
	// admonitions, the content) until an option line or a blank line.
	for ; k < end && !blank(c.lines[k]); k++ {
		t := strings.TrimSpace(c.lines[k])
		if fieldRE.MatchString(t) {
			break
		}
		switch {
		case spec.textContent:
			hasContent = true
		case spec.argWraps:
			arg += t
		default:
			arg += " " + t
		}
	}
	if n := len(strings.Fields(arg)); !spec.textContent && !spec.argWraps && n > spec.maxArgs {
		c.add(i, Error, "Error in %q directive: maximum %d argument(s) allowed, %d supplied.", name, spec.maxArgs, n)
		return true
	}
	if spec.argRequired && arg == "" {
		c.add(i, Error, "Error in %q directive: 1 argument(s) required, 0 supplied.", name)
		return true
	}
	for ; k < end && !blank(c.lines[k]); k++ {
		m := fieldRE.FindStringSubmatch(strings.TrimSpace(c.lines[k]))
		if m == nil {
			if indentOf(c.lines[k]) > indentOf(c.lines[i])+1 && k > i+1 && indentOf(c.lines[k]) > indentOf(c.lines[k-1]) {
				continue // an option value on several lines
			}
			c.add(i, Error, "Error in %q directive: invalid option block.", name)
			return true
		}
		if spec.options != nil && !containsString(spec.options, strings.ToLower(m[1])) {
			c.add(i, Error, "Error in %q directive: unknown option: %q.", name, m[1])
			return true
		}
	}
	for ; k < end && !hasContent; k++ {
		hasContent = !blank(c.lines[k])
	}
	switch {
	case spec.needContent && !hasContent:
		c.add(i, Error, "Content block expected for the %q directive; none found.", name)
		return true
	case spec.noContent && hasContent:
		c.add(i, Error, "Error in %q directive: no content permitted.", name)
		return true
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (c *checker) directive(i int, name string, end, ind int) {
	c.content = true
	c.last = "body"
	switch {
	case name == "raw":
		c.add(i, Warning, "\"raw\" directive disabled.")
		return
	case name == "include":
		c.add(i, Warning, "\"include\" directive disabled.")
		return
	case !knownDirectives[name]:
		c.add(i, Error, "Unknown directive type %q.", name)
		return
	}
	if c.directiveBlock(i, name, end) {
		return
	}
	if literalDirectives[name] {
		return
	}
	if name == "role" {
		// ".. role:: name" or ".. role:: name(base)" defines a role.
		arg := strings.TrimSpace(strings.SplitN(strings.TrimLeft(c.lines[i], " \t"), "::", 2)[1])
		if j := strings.IndexByte(arg, '('); j >= 0 {
			arg = arg[:j]
		}
		if arg != "" {
			c.roles[strings.ToLower(arg)] = true
		}
		return
	}
	// Parse the content (after options) as body text.
	k := i + 1
	for k < end && !blank(c.lines[k]) && fieldRE.MatchString(strings.TrimLeft(c.lines[k], " \t")) {
		k++
	}
	var para []string
	start := k
	for ; k <= end; k++ {
		if k == end || blank(c.lines[k]) {
			if len(para) > 0 {
				c.inline(strings.Join(para, "\n"), start)
			}
			para = nil
			start = k + 1
			continue
		}
		t := strings.TrimSpace(c.lines[k])
		if strings.HasPrefix(t, ".. ") || strings.HasPrefix(t, "+-") {
			continue
		}
		para = append(para, t)
	}
}
