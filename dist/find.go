package dist

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// File name suffixes of the distribution formats this package accepts
// (pypi-protocol.md §12). Matching is case-sensitive, as in twine and
// packaging.
const (
	wheelExt    = ".whl"
	tarGzExt    = ".tar.gz"
	zipExt      = ".zip"
	ascExt      = ".asc"
	attestExt   = ".attestation"
	publishType = "publish"
)

// kindOf classifies a file name by its extension; ok is false for names that
// are not distributions.
func kindOf(name string) (Kind, bool) {
	switch {
	case strings.HasSuffix(name, wheelExt) && len(name) > len(wheelExt):
		return Wheel, true
	case strings.HasSuffix(name, tarGzExt) && len(name) > len(tarGzExt),
		strings.HasSuffix(name, zipExt) && len(name) > len(zipExt):
		return Sdist, true
	}
	return 0, false
}

// ParseWheelFilename splits a wheel file name (base name, no directory) into
// its parts, following packaging.utils.parse_wheel_filename: the name ends in
// ".whl" and has 4 or 5 dashes; the name part holds only letters, digits,
// "_" and "." and no "__"; the optional build tag starts with a digit; no
// tag is empty. The version is checked only for characters a PEP 440 version
// may hold; full PEP 440 validation is a preflight rule. Errors wrap
// ErrInvalidFilename. It never panics.
func ParseWheelFilename(name string) (WheelName, error) {
	invalid := func(why string) (WheelName, error) {
		return WheelName{}, fmt.Errorf("%w %q: %s", ErrInvalidFilename, name, why)
	}
	if !utf8.ValidString(name) {
		return invalid("not valid UTF-8")
	}
	stem, ok := strings.CutSuffix(name, wheelExt)
	if !ok {
		return invalid("the extension must be .whl")
	}
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return invalid(fmt.Sprintf("want 5 or 6 parts separated by '-', found %d", dashes+1))
	}
	parts := strings.Split(stem, "-")
	w := WheelName{Name: parts[0], Version: parts[1]}
	if dashes == 5 {
		w.Build = parts[2]
	}
	tags := parts[len(parts)-3:]
	if w.Name == "" {
		return invalid("the project name is empty")
	}
	if strings.Contains(w.Name, "__") || strings.IndexFunc(w.Name, notNameRune) >= 0 {
		return invalid(fmt.Sprintf("invalid project name %q (only letters, digits, '_' and '.' are allowed, and no '__')", w.Name))
	}
	if err := checkVersionChars(w.Version); err != nil {
		return invalid(err.Error())
	}
	if dashes == 5 && (w.Build == "" || w.Build[0] < '0' || w.Build[0] > '9') {
		return invalid(fmt.Sprintf("invalid build tag %q (it must start with a digit)", w.Build))
	}
	sets := make([][]string, 3)
	for i, t := range tags {
		sets[i] = strings.Split(t, ".")
		for _, s := range sets[i] {
			if s == "" {
				return invalid(fmt.Sprintf("empty tag in %q", t))
			}
		}
	}
	w.Python, w.ABI, w.Platform = sets[0], sets[1], sets[2]
	return w, nil
}

// notNameRune reports runes not allowed in the name part of a wheel file name
// (Python's regular expression [\w\d._]).
func notNameRune(r rune) bool {
	return !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsNumber(r))
}

// checkVersionChars rejects a version that is empty or holds characters no
// PEP 440 version can hold.
func checkVersionChars(v string) error {
	if v == "" {
		return fmt.Errorf("the version is empty")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.' || c == '!' || c == '+' || c == '_') {
			return fmt.Errorf("invalid version %q", v)
		}
	}
	return nil
}

// ParseSdistFilename splits a source distribution file name (base name, no
// directory; "*.tar.gz" or "*.zip") into the name and version as written,
// splitting on the last "-" as packaging.utils.parse_sdist_filename does
// (a PEP 440 version holds no "-"). Nothing is normalized. Errors wrap
// ErrInvalidFilename. It never panics.
func ParseSdistFilename(filename string) (name, version string, err error) {
	invalid := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("%w %q: %s", ErrInvalidFilename, filename, why)
	}
	if !utf8.ValidString(filename) {
		return invalid("not valid UTF-8")
	}
	stem, ok := strings.CutSuffix(filename, tarGzExt)
	if !ok {
		stem, ok = strings.CutSuffix(filename, zipExt)
	}
	if !ok {
		return invalid("the extension must be .tar.gz or .zip")
	}
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return invalid("no '-' between name and version")
	}
	name, version = stem[:i], stem[i+1:]
	if name == "" {
		return invalid("the project name is empty")
	}
	if err := checkVersionChars(version); err != nil {
		return invalid(err.Error())
	}
	return name, version, nil
}
