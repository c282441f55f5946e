package attest

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// distKey is the parsed form of a distribution file name that
// pypi-attestations compares: normalized name, version, build tag and tags
// (packaging.utils.parse_wheel_filename / parse_sdist_filename).
type distKey struct {
	name    string
	version string // canonical for equality
	build   string
	tags    string // sorted, unique, joined
}

var (
	wheelNameRE = regexp.MustCompile(`^[\w\d._]*$`)
	pep503RE    = regexp.MustCompile(`[-_.]+`)
	// PEP 440 public version plus local part (packaging's VERSION_PATTERN,
	// simplified to the canonical comparison we need).
	versionRE = regexp.MustCompile(`(?i)^v?(?:(\d+)!)?(\d+(?:\.\d+)*)` +
		`(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?` +
		`(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?` +
		`(?:[-_.]?(dev)[-_.]?(\d+)?)?` +
		`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`)
	buildRE = regexp.MustCompile(`^(\d+)(.*)$`)
)

func normalizeName(s string) string {
	return strings.ToLower(pep503RE.ReplaceAllString(s, "-"))
}

// canonicalVersion returns a string equal for versions PEP 440 calls equal.
func canonicalVersion(v string) (string, error) {
	m := versionRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return "", fmt.Errorf("invalid version %q", v)
	}
	num := func(s string) string {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return "0"
		}
		return strconv.FormatUint(n, 10)
	}
	var b strings.Builder
	epoch := "0"
	if m[1] != "" {
		epoch = num(m[1])
	}
	b.WriteString(epoch + "!")
	rel := strings.Split(m[2], ".")
	for len(rel) > 1 && num(rel[len(rel)-1]) == "0" {
		rel = rel[:len(rel)-1]
	}
	for i, r := range rel {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(num(r))
	}
	if m[3] != "" {
		pre := strings.ToLower(m[3])
		switch pre {
		case "alpha":
			pre = "a"
		case "beta":
			pre = "b"
		case "c", "pre", "preview":
			pre = "rc"
		}
		b.WriteString(pre + num(m[4]))
	}
	switch {
	case m[5] != "":
		b.WriteString(".post" + num(m[5]))
	case m[6] != "":
		b.WriteString(".post" + num(m[7]))
	}
	if m[8] != "" {
		b.WriteString(".dev" + num(m[9]))
	}
	if m[10] != "" {
		b.WriteString("+" + strings.ToLower(pep503RE.ReplaceAllString(m[10], ".")))
	}
	return b.String(), nil
}

// parseDistFilename parses a wheel (.whl) or sdist (.tar.gz, .zip) file name.
func parseDistFilename(fn string) (distKey, error) {
	switch {
	case strings.HasSuffix(fn, ".whl"):
		return parseWheelFilename(fn)
	case strings.HasSuffix(fn, ".tar.gz"):
		return parseSdistFilename(strings.TrimSuffix(fn, ".tar.gz"))
	case strings.HasSuffix(fn, ".zip"):
		return parseSdistFilename(strings.TrimSuffix(fn, ".zip"))
	}
	return distKey{}, fmt.Errorf("%q is neither a wheel nor an sdist file name", fn)
}

func parseWheelFilename(fn string) (distKey, error) {
	parts := strings.Split(strings.TrimSuffix(fn, ".whl"), "-")
	if len(parts) != 5 && len(parts) != 6 {
		return distKey{}, fmt.Errorf("invalid wheel file name %q: wrong number of parts", fn)
	}
	if strings.Contains(parts[0], "__") || !wheelNameRE.MatchString(parts[0]) || parts[0] == "" {
		return distKey{}, fmt.Errorf("invalid wheel file name %q: bad project name", fn)
	}
	v, err := canonicalVersion(parts[1])
	if err != nil {
		return distKey{}, fmt.Errorf("invalid wheel file name %q: %w", fn, err)
	}
	k := distKey{name: normalizeName(parts[0]), version: v}
	if len(parts) == 6 {
		m := buildRE.FindStringSubmatch(parts[2])
		if m == nil {
			return distKey{}, fmt.Errorf("invalid wheel file name %q: build number must start with a digit", fn)
		}
		n, _ := strconv.ParseUint(m[1], 10, 64)
		k.build = strconv.FormatUint(n, 10) + "|" + m[2]
	}
	py, abi, plat := parts[len(parts)-3], parts[len(parts)-2], parts[len(parts)-1]
	seen := map[string]bool{}
	for _, x := range strings.Split(py, ".") {
		for _, y := range strings.Split(abi, ".") {
			for _, z := range strings.Split(plat, ".") {
				seen[strings.ToLower(x+"-"+y+"-"+z)] = true
			}
		}
	}
	tags := make([]string, 0, len(seen))
	for t := range seen {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	k.tags = strings.Join(tags, ",")
	return k, nil
}

func parseSdistFilename(stem string) (distKey, error) {
	i := strings.LastIndex(stem, "-")
	if i < 0 {
		return distKey{}, fmt.Errorf("invalid sdist file name %q: no version", stem)
	}
	v, err := canonicalVersion(stem[i+1:])
	if err != nil {
		return distKey{}, fmt.Errorf("invalid sdist file name %q: %w", stem, err)
	}
	return distKey{name: normalizeName(stem[:i]), version: v}, nil
}
