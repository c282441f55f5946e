package dist

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file restates, in Go, the syntax rules of email-validator 2.3.0 as
// PyPI calls it on Author-email and Maintainer-email (validate_email with
// its defaults, no DNS): the same checks in the same order, so that the
// preflight refuses what PyPI refuses with the reason PyPI gives. Two parts
// are left to the server: IDNA (UTS-46) mapping of internationalized
// domain names, and Unicode normalization of the local part; an address
// that needs them passes the preflight when the checks before them pass.

const (
	emailMaxLength    = 254
	domainMaxLength   = 253
	dnsLabelMaxLength = 63
)

// atext is RFC 5322's atext.
const atext = "a-zA-Z0-9_!#$%&'*+\\-/=?^`{|}~"

var (
	dotAtomText         = regexp.MustCompile(`^[` + atext + `]+(?:\.[` + atext + `]+)*$`)
	dotAtomTextIntl     = regexp.MustCompile(`^[` + atext + `\x{80}-\x{10FFFF}]+(?:\.[` + atext + `\x{80}-\x{10FFFF}]+)*$`)
	atextIntlDotChar    = regexp.MustCompile(`^[.` + atext + `\x{80}-\x{10FFFF}]$`)
	atextChar           = regexp.MustCompile(`^[.` + atext + `]$`)
	hostnameIntlChar    = regexp.MustCompile(`^[a-zA-Z0-9\-.\x{80}-\x{10FFFF}]$`)
	qtextIntlChar       = regexp.MustCompile(`^[\x20-\x7E\x{80}-\x{10FFFF}]$`)
	domainLiteralChar   = regexp.MustCompile(`^[\x21-\x{FA}]$`)
	rLDHLabel           = regexp.MustCompile(`(?i)^..--`)
	specialUseDomains   = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}
	unicodeCharNames    = map[rune]string{' ': "SPACE", 0xA0: "NO-BREAK SPACE", 0x200B: "ZERO WIDTH SPACE", 0x3000: "IDEOGRAPHIC SPACE", 0xAD: "SOFT HYPHEN", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE"}
	errEmailNeedsServer = "" // returned when the rest of the checks need IDNA
)

// emailProblem returns why addr (as email.utils.parseaddr gives it) is not
// a valid address, in email-validator's words, or "" when it is valid or
// only the server can tell.
func emailProblem(addr string) string {
	display, local, domain, quoted, msg := splitEmail(addr)
	if msg != "" {
		return msg
	}
	if msg := localPartProblem(local, quoted); msg != "" {
		return msg
	}
	if quoted {
		return "Quoting the part before the @-sign is not allowed here."
	}
	var asciiDomain string
	switch {
	case domain == "":
		return "There must be something after the @-sign."
	case strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]"):
		if msg := domainLiteralProblem(domain[1 : len(domain)-1]); msg != "" {
			return msg
		}
		return "A bracketed IP address after the @-sign is not allowed here."
	default:
		var msg string
		if asciiDomain, msg = domainProblem(domain); msg != "" || asciiDomain == "" {
			return msg
		}
	}
	original := local + "@" + domain
	if n := utf8.RuneCountInString(original); len(original) > emailMaxLength && n == len(original) {
		return fmt.Sprintf("The email address is too long %s.", lengthReason(n, emailMaxLength))
	}
	if display != nil {
		return "A display name and angle brackets around the email address are not permitted here."
	}
	return ""
}

func lengthReason(n, limit int) string {
	diff := n - limit
	s := ""
	if diff > 1 {
		s = "s"
	}
	return fmt.Sprintf("(%d character%s too many)", diff, s)
}

// splitAtSpecial splits text before the first unquoted character of
// specials; msg says why there is none (no @-sign).
func splitAtSpecial(text, specials string) (left, right, msg string) {
	inQuote, escaped := false, false
	for i, c := range text {
		switch {
		case inQuote:
			switch {
			case c == '\\' && !escaped:
				escaped = true
			case c == '"' && !escaped:
				inQuote, escaped = false, false
			default:
				escaped = false
			}
		case c == '"':
			inQuote = true
		case strings.ContainsRune(specials, c):
			return text[:i], text[i:], ""
		}
	}
	switch {
	case strings.ContainsRune(text, '＠'):
		return "", "", "The email address has the \"full-width\" at-sign (@) character instead of a regular at-sign."
	case strings.ContainsRune(text, '﹫'):
		return "", "", `The email address has the "small commercial at" character instead of a regular at-sign.`
	}
	return "", "", "An email address must have an @-sign."
}

// unquote removes the quotes of a quoted string and its escapes.
func unquote(text string) (value string, quoted bool, msg string) {
	if !strings.HasPrefix(text, `"`) {
		return text, false, ""
	}
	var b strings.Builder
	escaped := false
	rs := []rune(text)
	for i := 1; i < len(rs); i++ {
		c := rs[i]
		switch {
		case escaped:
			b.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			if i != len(rs)-1 {
				var shown []string
				for _, r := range rs[i+1:] {
					shown = append(shown, charDisplay(r))
				}
				return "", true, "Extra character(s) found after close quote: " + strings.Join(shown, ", ")
			}
			return b.String(), true, ""
		default:
			b.WriteRune(c)
		}
	}
	return b.String(), true, ""
}

// splitEmail is email-validator's split_email: the display name (nil
// without angle brackets), the unquoted local part, the domain, and
// whether the local part was quoted.
func splitEmail(email string) (display *string, local, domain string, quoted bool, msg string) {
	left, right, msg := splitAtSpecial(email, "@<")
	if msg != "" {
		return nil, "", "", false, msg
	}
	if strings.HasPrefix(right, "<") {
		name, nameQuoted, msg := unquote(strings.TrimRight(left, " \t\n\r\v\f"))
		if msg != "" {
			return nil, "", "", false, msg
		}
		if !nameQuoted {
			if bad := badChars(name, func(r rune) bool { return (!atextChar.MatchString(string(r)) && r != ' ') || r == '.' }); bad != "" {
				return nil, "", "", false, "The display name contains invalid characters when not quoted: " + bad + "."
			}
		}
		if msg := unsafeChars(name, true); msg != "" {
			return nil, "", "", false, msg
		}
		if !strings.Contains(right, ">") {
			return nil, "", "", false, "An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end."
		}
		right = strings.TrimRight(right, " ")
		if !strings.HasSuffix(right, ">") {
			return nil, "", "", false, "There can't be anything after the email address."
		}
		spec := strings.TrimRight(right[1:], ">")
		if local, domain, msg = splitAtSpecial(spec, "@"); msg != "" {
			return nil, "", "", false, msg
		}
		display = &name
	} else {
		local, domain = left, right
	}
	domain = strings.TrimPrefix(domain, "@")
	local, quoted, msg = unquote(local)
	return display, local, domain, quoted, msg
}

// localPartProblem is validate_email_local_part (SMTPUTF8 allowed, no
// empty local part, not strict).
func localPartProblem(local string, quoted bool) string {
	switch {
	case local == "":
		return "There must be something before the @-sign."
	case dotAtomText.MatchString(local):
		return ""
	case dotAtomTextIntl.MatchString(local):
		return unsafeChars(local, false)
	case quoted:
		if bad := badChars(local, func(r rune) bool { return !qtextIntlChar.MatchString(string(r)) }); bad != "" {
			return "The email address contains invalid characters in quotes before the @-sign: " + bad + "."
		}
		return unsafeChars(local, true)
	}
	if bad := badChars(local, func(r rune) bool { return !atextIntlDotChar.MatchString(string(r)) }); bad != "" {
		return "The email address contains invalid characters before the @-sign: " + bad + "."
	}
	switch {
	case strings.HasSuffix(local, "."):
		return "An email address cannot have a period immediately before the @-sign."
	case strings.HasPrefix(local, "."):
		return "An email address cannot start with a period."
	case strings.Contains(local, ".."):
		return "An email address cannot have two periods in a row."
	}
	return "The email address contains invalid characters before the @-sign."
}

// domainProblem is validate_email_domain_name for a globally deliverable
// address. It returns the ASCII domain, or "" with no message when the
// domain is internationalized and the rest of the checks need IDNA.
func domainProblem(domain string) (string, string) {
	if bad := badChars(domain, func(r rune) bool { return !hostnameIntlChar.MatchString(string(r)) }); bad != "" {
		return "", "The part after the @-sign contains invalid characters: " + bad + "."
	}
	if msg := unsafeChars(domain, false); msg != "" {
		return "", msg
	}
	for i := 0; i < len(domain); i++ {
		if domain[i] >= 0x80 {
			return "", errEmailNeedsServer
		}
	}
	d := strings.ToLower(domain) // UTS-46 mapping of an ASCII name
	switch {
	case strings.HasSuffix(d, "."):
		return "", "An email address cannot end with a period."
	case strings.HasPrefix(d, "."):
		return "", "An email address cannot have a period immediately after the @-sign."
	case strings.Contains(d, ".."):
		return "", "An email address cannot have two periods in a row."
	case strings.HasSuffix(d, "-"):
		return "", "An email address cannot end with a hyphen."
	case strings.HasPrefix(d, "-"):
		return "", "An email address cannot have a hyphen immediately after the @-sign."
	case strings.Contains(d, ".-") || strings.Contains(d, "-."):
		return "", "An email address cannot have a period and a hyphen next to each other."
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if rLDHLabel.MatchString(l) && !strings.HasPrefix(l, "xn") {
			return "", "An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode."
		}
	}
	if len(d) > domainMaxLength {
		return "", fmt.Sprintf("The email address is too long after the @-sign %s.", lengthReason(len(d), domainMaxLength))
	}
	for _, l := range labels {
		if len(l) > dnsLabelMaxLength {
			return "", fmt.Sprintf("After the @-sign, periods cannot be separated by so many characters %s.", lengthReason(len(l), dnsLabelMaxLength))
		}
	}
	if !strings.Contains(d, ".") {
		return "", "The part after the @-sign is not valid. It should have a period."
	}
	if last := d[len(d)-1]; last < 'a' || last > 'z' {
		return "", "The part after the @-sign is not valid. It is not within a valid top-level domain."
	}
	for _, s := range specialUseDomains {
		if d == s || strings.HasSuffix(d, "."+s) {
			return "", "The part after the @-sign is a special-use or reserved name that cannot be used with email."
		}
	}
	return d, ""
}

var ipv4Literal = regexp.MustCompile(`^[0-9.]+$`)

// domainLiteralProblem is validate_email_domain_literal: "" for a valid
// IPv4 or IPv6 literal (which the defaults then refuse).
func domainLiteralProblem(lit string) string {
	if ipv4Literal.MatchString(lit) {
		if a, err := netip.ParseAddr(lit); err != nil || !a.Is4() {
			return fmt.Sprintf("The address in brackets after the @-sign is not valid: It is not an IPv4 address (%s) or is missing an address literal tag.", ipv4Reason(lit))
		}
		return ""
	}
	if v6, ok := strings.CutPrefix(lit, "IPv6:"); ok {
		if a, err := netip.ParseAddr(v6); err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Sprintf("The IPv6 address in brackets after the @-sign is not valid (%s).", "invalid IPv6 address "+pyRepr(v6))
		}
		return ""
	}
	if !strings.Contains(lit, ":") {
		return "The part after the @-sign in brackets is not an IPv4 address and has no address literal tag."
	}
	if bad := badChars(lit, func(r rune) bool { return !domainLiteralChar.MatchString(string(r)) }); bad != "" {
		return "The part after the @-sign contains invalid characters in brackets: " + bad + "."
	}
	return "The part after the @-sign contains an invalid address literal tag in brackets."
}

// ipv4Reason words why Python's ipaddress refuses an IPv4 address of
// digits and dots.
func ipv4Reason(lit string) string {
	octets := strings.Split(lit, ".")
	if len(octets) != 4 {
		return fmt.Sprintf("Expected 4 octets in %s", pyRepr(lit))
	}
	for _, o := range octets {
		switch {
		case o == "":
			return fmt.Sprintf("Empty octet not permitted in %s", pyRepr(lit))
		case len(o) > 3:
			return fmt.Sprintf("At most 3 characters permitted in %s in %s", pyRepr(o), pyRepr(lit))
		case len(o) > 1 && o[0] == '0':
			return fmt.Sprintf("Leading zeros are not permitted in %s in %s", pyRepr(o), pyRepr(lit))
		}
		n := 0
		for _, c := range o {
			n = n*10 + int(c-'0')
		}
		if n > 255 {
			return fmt.Sprintf("Octet %d (> 255) not permitted in %s", n, pyRepr(lit))
		}
	}
	return "invalid IPv4 address " + pyRepr(lit)
}

// unsafeChars is check_unsafe_chars: letters, numbers, punctuation and
// symbols are safe; marks only after the first character; spaces only
// when allowed; everything else (controls, format, unassigned, line and
// paragraph separators) is not.
func unsafeChars(s string, allowSpace bool) string {
	var bad []rune
	seen := map[rune]bool{}
	i := 0
	for _, r := range s {
		unsafe := false
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
		case unicode.IsMark(r):
			unsafe = i == 0
		case unicode.Is(unicode.Zs, r):
			unsafe = !allowSpace
		default:
			unsafe = true
		}
		if unsafe && !seen[r] {
			seen[r] = true
			bad = append(bad, r)
		}
		i++
	}
	if len(bad) == 0 {
		return ""
	}
	sort.Slice(bad, func(a, b int) bool { return bad[a] < bad[b] })
	shown := make([]string, len(bad))
	for k, r := range bad {
		shown[k] = charDisplay(r)
	}
	return "The email address contains unsafe characters: " + strings.Join(shown, ", ") + "."
}

// badChars returns the sorted, unique displays of the characters of s for
// which bad is true, joined with ", ", or "".
func badChars(s string, bad func(rune) bool) string {
	set := map[string]bool{}
	for _, r := range s {
		if bad(r) {
			set[charDisplay(r)] = true
		}
	}
	if len(set) == 0 {
		return ""
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), ", ")
}

// charDisplay is safe_character_display: a visible character quoted as
// Python's repr quotes it, others by Unicode name or code point.
func charDisplay(r rune) string {
	if r == '\\' {
		return `"\"`
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
		return pyRepr(string(r))
	}
	if n, ok := unicodeCharNames[r]; ok {
		return n
	}
	if r < 0xFFFF {
		return fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("U+%08X", r)
}
