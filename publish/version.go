package publish

import (
	"regexp"
	"strconv"
	"strings"
)

// pep440Re matches a PEP 440 version in any accepted spelling.
var pep440Re = regexp.MustCompile(`(?i)^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)` +
	`(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?` +
	`(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?` +
	`(?:[-_.]?(dev)[-_.]?(\d+)?)?` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$`)

// canonicalVersion returns a comparable form of a PEP 440 version (the
// normalized form with trailing ".0" release parts dropped, as packaging's
// canonicalize_version does), so "1.0", "1.0.0" and "v1" compare equal. A
// string that is not a PEP 440 version is returned trimmed and lower-cased.
func canonicalVersion(v string) string {
	m := pep440Re.FindStringSubmatch(v)
	if m == nil {
		return strings.ToLower(strings.TrimSpace(v))
	}
	num := func(s string) string {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return strings.TrimLeft(s, "0")
		}
		return strconv.FormatUint(n, 10)
	}
	var b strings.Builder
	if m[1] != "" && num(m[1]) != "0" {
		b.WriteString(num(m[1]) + "!")
	}
	rel := strings.Split(m[2], ".")
	for i := range rel {
		rel[i] = num(rel[i])
	}
	for len(rel) > 1 && rel[len(rel)-1] == "0" {
		rel = rel[:len(rel)-1]
	}
	b.WriteString(strings.Join(rel, "."))
	if m[3] != "" {
		switch strings.ToLower(m[3]) {
		case "alpha", "a":
			b.WriteString("a")
		case "beta", "b":
			b.WriteString("b")
		default:
			b.WriteString("rc")
		}
		b.WriteString(num(orZero(m[4])))
	}
	switch {
	case m[5] != "":
		b.WriteString(".post" + num(m[5]))
	case m[6] != "":
		b.WriteString(".post" + num(orZero(m[7])))
	}
	if m[8] != "" {
		b.WriteString(".dev" + num(orZero(m[9])))
	}
	if m[10] != "" {
		b.WriteString("+" + strings.ToLower(strings.NewReplacer("-", ".", "_", ".").Replace(m[10])))
	}
	return b.String()
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// sdistVersion returns the version part of an sdist file name
// ("<name>-<version>.tar.gz" or ".zip") and whether the name is an sdist's.
func sdistVersion(filename string) (string, bool) {
	lower := strings.ToLower(filename)
	var stem string
	switch {
	case strings.HasSuffix(lower, ".tar.gz"):
		stem = filename[:len(filename)-len(".tar.gz")]
	case strings.HasSuffix(lower, ".zip"):
		stem = filename[:len(filename)-len(".zip")]
	default:
		return "", false
	}
	i := strings.LastIndex(stem, "-")
	if i < 0 {
		return "", false
	}
	return stem[i+1:], true
}
