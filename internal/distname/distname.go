// Package distname parses the file names of Python distributions (wheels
// and sdists) as packaging.utils does
// (https://packaging.python.org/en/latest/specifications/binary-distribution-format/#file-name-convention,
// https://packaging.python.org/en/latest/specifications/source-distribution-format/#source-distribution-file-name).
// It is the one implementation for dist, publish and attest (dist
// re-exports it as ParseWheelFilename and ParseSdistFilename); the fakes
// keep their own copies on purpose. It is pure: no I/O.
package distname

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
	"github.com/pypi-publish/pypi-publish/internal/pep503"
)

// ErrInvalid is wrapped by every parse error: a file name that does not
// follow the wheel or sdist naming rules.
var ErrInvalid = errors.New("invalid distribution filename")

// File name suffixes. Matching is case-sensitive, as in twine and packaging.
const (
	wheelExt = ".whl"
	tarGzExt = ".tar.gz"
	zipExt   = ".zip"
)

// Wheel is a wheel file name split into its parts, as written in the
// file name (nothing is normalized): "{Name}-{Version}(-{Build})?-{Python}-{ABI}-{Platform}.whl".
// Python, ABI and Platform are the compressed tag sets split on ".".
type Wheel struct {
	Name     string
	Version  string
	Build    string // "" when the file name has no build tag
	Python   []string
	ABI      []string
	Platform []string
}

// String returns the file name the parts came from.
func (w Wheel) String() string {
	var b strings.Builder
	b.WriteString(w.Name)
	b.WriteByte('-')
	b.WriteString(w.Version)
	if w.Build != "" {
		b.WriteByte('-')
		b.WriteString(w.Build)
	}
	for _, set := range [][]string{w.Python, w.ABI, w.Platform} {
		b.WriteByte('-')
		b.WriteString(strings.Join(set, "."))
	}
	b.WriteString(".whl")
	return b.String()
}

// ParseWheel splits a wheel file name (base name, no directory) into
// its parts, following packaging.utils.parse_wheel_filename (as of
// packaging 26.3): the name ends in ".whl" and has 4 or 5 dashes; the name
// part holds only letters, digits, "_" and "." and no "__"; the optional
// build tag starts with an ASCII digit; no tag is empty and every Python tag
// is an identifier. The version is checked only for characters a PEP 440
// version may hold; full PEP 440 validation is a preflight rule. Errors wrap
// ErrInvalid. It never panics.
func ParseWheel(name string) (Wheel, error) {
	invalid := func(why string) (Wheel, error) {
		return Wheel{}, fmt.Errorf("%w %q: %s", ErrInvalid, name, why)
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
	w := Wheel{Name: parts[0], Version: parts[1]}
	if dashes == 5 {
		w.Build = parts[2]
	}
	tags := parts[len(parts)-3:]
	if w.Name == "" {
		return invalid("the project name is empty")
	}
	if !ValidWheelName(w.Name) {
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
			if i == 0 && !isIdentifier(s) {
				return invalid(fmt.Sprintf("invalid Python tag %q (it must be an identifier, such as py3 or cp312)", s))
			}
		}
	}
	w.Python, w.ABI, w.Platform = sets[0], sets[1], sets[2]
	return w, nil
}

// isIdentifier approximates Python's str.isidentifier: a letter or "_",
// then letters, digits and "_".
func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// ValidWheelName reports whether s may be the name part of a wheel file
// name (PEP 427's escaped name, as packaging checks it): not empty, only
// letters, digits, "_" and ".", and no "__".
func ValidWheelName(s string) bool {
	return s != "" && !strings.Contains(s, "__") && strings.IndexFunc(s, notNameRune) < 0
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

// ParseSdist splits a source distribution file name (base name, no
// directory; "*.tar.gz" or "*.zip") into the name and version as written,
// splitting on the last "-" as packaging.utils.parse_sdist_filename does
// (a PEP 440 version holds no "-"). Nothing is normalized. Errors wrap
// ErrInvalid. It never panics.
func ParseSdist(filename string) (name, version string, err error) {
	invalid := func(why string) (string, string, error) {
		return "", "", fmt.Errorf("%w %q: %s", ErrInvalid, filename, why)
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

// ID is what packaging compares when it asks whether two file names name
// the same distribution (pypi-attestations does, for an attestation's
// subject): the parsed name, version, build tag and tag set, each in a
// canonical form, so that two IDs are equal (==) exactly when packaging's
// parsed tuples are.
type ID struct {
	// Name is the PEP 503 normalized project name.
	Name string
	// Version is the canonical PEP 440 version (pep440.Version.Canonical).
	Version string
	// Build is the build tag of a wheel as "<number>|<rest>", or "".
	Build string
	// Tags is the sorted set of a wheel's expanded tags, lower case,
	// joined by ","; "" for an sdist.
	Tags string
}

// Identify parses a wheel (.whl) or sdist (.tar.gz, .zip) file name into
// its ID. The version must be a valid PEP 440 version. Errors wrap
// ErrInvalid. It never panics.
func Identify(filename string) (ID, error) {
	if strings.HasSuffix(filename, wheelExt) {
		return identifyWheel(filename)
	}
	name, version, err := ParseSdist(filename)
	if err != nil {
		return ID{}, err
	}
	v, err := pep440.Parse(version)
	if err != nil {
		return ID{}, fmt.Errorf("%w %q: %w", ErrInvalid, filename, err)
	}
	return ID{Name: pep503.Normalize(name), Version: v.Canonical()}, nil
}

func identifyWheel(filename string) (ID, error) {
	w, err := ParseWheel(filename)
	if err != nil {
		return ID{}, err
	}
	v, err := pep440.Parse(w.Version)
	if err != nil {
		return ID{}, fmt.Errorf("%w %q: %w", ErrInvalid, filename, err)
	}
	id := ID{Name: pep503.Normalize(w.Name), Version: v.Canonical()}
	if w.Build != "" {
		// packaging keeps (int(digits), rest).
		i := strings.IndexFunc(w.Build, func(r rune) bool { return r < '0' || r > '9' })
		if i < 0 {
			i = len(w.Build)
		}
		id.Build = trimZeros(w.Build[:i]) + "|" + w.Build[i:]
	}
	seen := map[string]bool{}
	for _, x := range w.Python {
		for _, y := range w.ABI {
			for _, z := range w.Platform {
				seen[strings.ToLower(x+"-"+y+"-"+z)] = true
			}
		}
	}
	id.Tags = strings.Join(slices.Sorted(maps.Keys(seen)), ",")
	return id, nil
}

func trimZeros(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}
