package publishtest

// The fake keeps its own PEP 440, PEP 503 and file-name rules on purpose,
// independent of the product's (internal/pep440, internal/pep503,
// internal/distname): it plays Warehouse, and a fake that shared the
// product's code would agree with the product's bugs. Its differential test
// (packaging_test.go) keeps it honest against python3-packaging.

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

// version is a parsed PEP 440 version.
type version struct {
	norm  string // str(Version(v))
	canon string // canonicalize_version: trailing .0 dropped
	local bool
}

// parseVersion normalizes v as packaging's Version does; ok is false when v
// is not a PEP 440 version.
func parseVersion(v string) (version, bool) {
	m := pep440Re.FindStringSubmatch(v)
	if m == nil {
		return version{}, false
	}
	num := func(s string) string {
		if s == "" {
			return "0"
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return strings.TrimLeft(s, "0")
		}
		return strconv.FormatUint(n, 10)
	}
	rel := strings.Split(m[2], ".")
	for i := range rel {
		rel[i] = num(rel[i])
	}
	var head string
	if m[1] != "" && num(m[1]) != "0" {
		head = num(m[1]) + "!"
	}
	var tail strings.Builder
	if m[3] != "" {
		switch strings.ToLower(m[3]) {
		case "alpha", "a":
			tail.WriteString("a")
		case "beta", "b":
			tail.WriteString("b")
		default:
			tail.WriteString("rc")
		}
		tail.WriteString(num(m[4]))
	}
	switch {
	case m[5] != "":
		tail.WriteString(".post" + num(m[5]))
	case m[6] != "":
		tail.WriteString(".post" + num(m[7]))
	}
	if m[8] != "" {
		tail.WriteString(".dev" + num(m[9]))
	}
	if m[10] != "" {
		tail.WriteString("+" + strings.ToLower(strings.NewReplacer("-", ".", "_", ".").Replace(m[10])))
	}
	short := rel
	for len(short) > 1 && short[len(short)-1] == "0" {
		short = short[:len(short)-1]
	}
	return version{
		norm:  head + strings.Join(rel, ".") + tail.String(),
		canon: head + strings.Join(short, ".") + tail.String(),
		local: m[10] != "",
	}, true
}

// nameRe is Warehouse's UploadForm rule for the name field.
var nameRe = regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`)

// normalize is PEP 503 normalization.
func normalize(name string) string {
	return strings.ToLower(sepRe.ReplaceAllString(name, "-"))
}

var sepRe = regexp.MustCompile(`[-_.]+`)

// underscored is the normalized name with "-" as "_", the form PyPI wants at
// the start of file names.
func underscored(name string) string { return strings.ReplaceAll(normalize(name), "-", "_") }
