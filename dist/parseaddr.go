package dist

import "strings"

// parseAddr returns the address Python's email.utils.parseaddr (strict
// mode, the default since Python 3.13 and in patched 3.11/3.12) finds in an
// Author-email or Maintainer-email value, as Warehouse calls it: "" when
// the value holds no address, several addresses, unbalanced parentheses,
// or a "[" in the address. The parser follows RFC 2822 address lists the
// way Python's AddrlistClass does (comments dropped, white space around
// dots dropped, quoted local parts re-quoted).
func parseAddr(v string) string {
	if !balancedParens(v) {
		v = "('', '')"
	}
	p := &addrParser{s: []rune(v)}
	addrs := p.addressList()
	if len(addrs) != 1 || strings.Contains(addrs[0], "[") {
		return ""
	}
	return addrs[0]
}

// balancedParens is Python's _check_parenthesis: outside closed quoted
// strings, unescaped parentheses must balance.
func balancedParens(v string) bool {
	opens := 0
	escape := false
	for _, c := range stripQuoted(v) {
		switch {
		case escape:
			escape = false
		case c == '\\':
			escape = true
		case c == '(':
			opens++
		case c == ')':
			opens--
			if opens < 0 {
				return false
			}
		}
	}
	return opens == 0
}

// stripQuoted removes closed quoted strings (quotes included) from v; an
// unclosed quote and what follows it stay (Python's
// _strip_quoted_realnames).
func stripQuoted(v string) string {
	var b strings.Builder
	start, open := 0, -1
	escape := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case escape:
			escape = false
		case c == '\\':
			escape = true
		case c == '"' && open < 0:
			open = i
		case c == '"':
			b.WriteString(v[start:open])
			start, open = i+1, -1
		}
	}
	b.WriteString(v[start:])
	return b.String()
}

const (
	addrSpecials = "()<>@,:;.\"[]"
	addrLWS      = " \t"
	addrAtomEnds = addrSpecials + addrLWS + "\r\n"
	// phrases may hold dots
	addrPhraseEnds = "()<>@,:;\"[]" + addrLWS + "\r\n"
)

// addrParser walks an address list (Python's AddrlistClass).
type addrParser struct {
	s   []rune
	pos int
}

func (p *addrParser) more() bool { return p.pos < len(p.s) }
func (p *addrParser) at() rune   { return p.s[p.pos] }
func (p *addrParser) in(set string) bool {
	return p.more() && strings.ContainsRune(set, p.at())
}

// skip passes white space and comments and returns the spaces and tabs it
// passed.
func (p *addrParser) skip() string {
	var ws []rune
	for p.more() {
		switch c := p.at(); {
		case c == ' ' || c == '\t':
			ws = append(ws, c)
			p.pos++
		case c == '\r' || c == '\n':
			p.pos++
		case c == '(':
			p.delimited('(', ")\r", true)
		default:
			return string(ws)
		}
	}
	return string(ws)
}

// addressList returns the addresses (empty strings for the entries that
// hold none).
func (p *addrParser) addressList() []string {
	var out []string
	for p.more() {
		if got, ok := p.address(); ok {
			out = append(out, got...)
		} else {
			out = append(out, "")
		}
	}
	return out
}

// address parses one list entry; ok is false when it yielded nothing.
func (p *addrParser) address() ([]string, bool) {
	p.skip()
	start := p.pos
	phrase := p.phrases()
	p.skip()
	var out []string
	switch {
	case !p.more():
		if len(phrase) > 0 {
			out = []string{phrase[0]}
		}
	case p.in(".@"):
		p.pos = start
		out = []string{p.addrSpec()}
	case p.at() == ':':
		p.pos++
		for p.more() {
			p.skip()
			if p.more() && p.at() == ';' {
				p.pos++
				break
			}
			got, _ := p.address()
			out = append(out, got...)
		}
	case p.at() == '<':
		out = []string{p.routeAddr()}
	default:
		if len(phrase) > 0 {
			out = []string{phrase[0]}
		} else if p.in(addrSpecials) {
			p.pos++
		}
	}
	p.skip()
	if p.more() && p.at() == ',' {
		p.pos++
	}
	return out, len(out) > 0
}

// routeAddr parses "<...>", skipping a source route, and returns the
// addr-spec.
func (p *addrParser) routeAddr() string {
	p.pos++ // '<'
	p.skip()
	route := false
	spec := ""
	for p.more() {
		switch {
		case route:
			p.domain()
			route = false
		case p.at() == '>':
			p.pos++
			return spec
		case p.at() == '@':
			p.pos++
			route = true
		case p.at() == ':':
			p.pos++
		default:
			spec = p.addrSpec()
			p.pos++
			return spec
		}
		p.skip()
	}
	return spec
}

// addrSpec parses local-part "@" domain.
func (p *addrParser) addrSpec() string {
	var parts []string
	p.skip()
	dropWS := func() {
		if n := len(parts); n > 0 && strings.TrimSpace(parts[n-1]) == "" {
			parts = parts[:n-1]
		}
	}
	for p.more() {
		keepWS := true
		switch {
		case p.at() == '.':
			dropWS()
			parts = append(parts, ".")
			p.pos++
			keepWS = false
		case p.at() == '"':
			q := p.delimited('"', "\"\r", false)
			parts = append(parts, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(q)+`"`)
		case p.in(addrAtomEnds):
			dropWS()
			goto local
		default:
			parts = append(parts, p.atom(addrAtomEnds))
		}
		if ws := p.skip(); keepWS && ws != "" {
			parts = append(parts, ws)
		}
	}
local:
	if !p.more() || p.at() != '@' {
		return strings.Join(parts, "")
	}
	p.pos++
	p.skip()
	d := p.domain()
	if d == "" {
		return ""
	}
	return strings.Join(parts, "") + "@" + d
}

// domain parses a domain; "" when another "@" follows.
func (p *addrParser) domain() string {
	var parts []string
	for p.more() {
		switch c := p.at(); {
		case c == ' ' || c == '\t':
			p.pos++
		case c == '(':
			p.delimited('(', ")\r", true)
		case c == '[':
			parts = append(parts, "["+p.delimited('[', "]\r", false)+"]")
		case c == '.':
			p.pos++
			parts = append(parts, ".")
		case c == '@':
			return ""
		case p.in(addrAtomEnds):
			return strings.Join(parts, "")
		default:
			parts = append(parts, p.atom(addrAtomEnds))
		}
	}
	return strings.Join(parts, "")
}

// delimited reads from the begin character to one of ends (consumed),
// with backslash escapes and, when comments is set, nested comments.
func (p *addrParser) delimited(begin rune, ends string, comments bool) string {
	if !p.more() || p.at() != begin {
		return ""
	}
	var b strings.Builder
	escaped := false
	p.pos++
	for p.more() {
		c := p.at()
		switch {
		case escaped:
			b.WriteRune(c)
			escaped = false
		case strings.ContainsRune(ends, c):
			p.pos++
			return b.String()
		case comments && c == '(':
			b.WriteString(p.delimited('(', ")\r", true))
			continue
		case c == '\\':
			escaped = true
		default:
			b.WriteRune(c)
		}
		p.pos++
	}
	return b.String()
}

func (p *addrParser) atom(ends string) string {
	start := p.pos
	for p.more() && !strings.ContainsRune(ends, p.at()) {
		p.pos++
	}
	return string(p.s[start:p.pos])
}

// phrases reads the words of a display name.
func (p *addrParser) phrases() []string {
	var out []string
	for p.more() {
		switch c := p.at(); {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			p.pos++
		case c == '"':
			out = append(out, p.delimited('"', "\"\r", false))
		case c == '(':
			p.delimited('(', ")\r", true)
		case p.in(addrPhraseEnds):
			return out
		default:
			out = append(out, p.atom(addrPhraseEnds))
		}
	}
	return out
}
