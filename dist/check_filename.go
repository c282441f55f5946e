package dist

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/distname"
	"github.com/pypi-publish/pypi-publish/internal/pep440"
	"github.com/pypi-publish/pypi-publish/internal/pep503"
)

const pep527Fix = "build a .whl or .tar.gz distribution with a current build backend"

// checkFilenameChars applies Warehouse's _validate_filename.
func (c *preflight) checkFilenameChars() {
	f := c.d.Filename
	for _, r := range f {
		if r < 32 || r == 127 {
			c.add(SeverityError, "VA-10", "filename-characters", "",
				"Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.",
				"rename the file")
			return
		}
	}
	if strings.ContainsAny(f, "/\\") {
		c.add(SeverityError, "VA-10", "filename-characters", "", "Cannot upload a file with '/' or '\\' in the name.", "rename the file")
		return
	}
	lower := strings.ToLower(f)
	var ext string
	for _, e := range []string{".tar.gz", ".zip", ".whl"} {
		if strings.HasSuffix(lower, e) && len(f) > len(e) {
			ext = f[len(f)-len(e):]
			break
		}
	}
	switch {
	case ext == "":
		c.add(SeverityError, "VA-10", "filename-extension", "",
			"Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information",
			pep527Fix)
	case (c.d.Kind == Wheel && ext != ".whl") || (c.d.Kind != Wheel && ext != ".tar.gz" && ext != ".zip"):
		// The extension is matched without regard to case, then
		// compared as written.
		c.add(SeverityError, "VA-10", "filename-extension", "",
			fmt.Sprintf("Invalid file extension: Extension %s is invalid for filetype %s. See https://www.python.org/dev/peps/pep-0527 for more information.", ext, c.d.Kind.FileType()),
			pep527Fix)
	}
	if c.d.Kind == Sdist && strings.HasSuffix(lower, ".zip") {
		c.add(c.policy(), "VA-04", "sdist-zip", "",
			"PyPI accepts only .tar.gz source distributions (PEP 625); this one is a .zip",
			"build the sdist as .tar.gz (python -m build --sdist)")
	}
}

func (c *preflight) checkFilename() {
	if c.m == nil {
		return
	}
	switch c.d.Kind {
	case Wheel:
		c.checkWheelFilename()
	case Sdist:
		c.checkSdistFilename()
	}
}

var buildTagRE = regexp.MustCompile(`^[0-9]+`)

// parsedWheel is what packaging.utils.parse_wheel_filename returns.
type parsedWheel struct {
	name      string // canonical
	version   pep440.Version
	platforms []string
}

// parseWheel mirrors packaging.utils.parse_wheel_filename; the error text
// is packaging's, which PyPI returns verbatim.
func parseWheel(filename string) (parsedWheel, string) {
	var w parsedWheel
	if !strings.HasSuffix(filename, ".whl") {
		return w, fmt.Sprintf("Invalid wheel filename (extension must be '.whl'): %s", pyRepr(filename))
	}
	stem := strings.TrimSuffix(filename, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return w, fmt.Sprintf("Invalid wheel filename (wrong number of parts): %s", pyRepr(stem))
	}
	parts := strings.SplitN(stem, "-", dashes-1)
	if !distname.ValidWheelName(parts[0]) {
		return w, fmt.Sprintf("Invalid project name: %s", pyRepr(stem))
	}
	w.name = pep503.Normalize(parts[0])
	v, err := pep440.Parse(parts[1])
	if err != nil {
		return w, fmt.Sprintf("Invalid wheel filename (invalid version): %s", pyRepr(stem))
	}
	w.version = v
	if dashes == 5 && !buildTagRE.MatchString(parts[2]) {
		return w, fmt.Sprintf("Invalid build number: %s in %s", parts[2], pyRepr(stem))
	}
	// packaging 26.2 accepts empty tag components; an empty platform tag
	// is then refused as unsupported.
	tag := parts[len(parts)-1]
	comps := strings.Split(tag, "-")
	w.platforms = strings.Split(comps[len(comps)-1], ".")
	return w, ""
}

func (c *preflight) checkWheelFilename() {
	f := c.d.Filename
	w, msg := parseWheel(f)
	if msg != "" {
		c.add(SeverityError, "VA-05", "wheel-filename", "", msg, "rebuild the wheel; its file name must follow the wheel file name specification")
		return
	}
	// PyPI stores METADATA next to the file as "<filename>.metadata"; a
	// name over the file system's 255-byte limit fails there.
	if len(f)+len(".metadata") > 255 {
		c.add(c.policy(), "VA-05", "wheel-filename-length", "",
			fmt.Sprintf("Filename is too long: '%s'", f),
			"shorten the wheel's file name (fewer or shorter tags, a shorter local or build segment)")
	}
	for _, p := range w.platforms {
		if !validPlatformTag(p) {
			c.add(c.policy(), "VA-06", "platform-tag", "",
				fmt.Sprintf("Binary wheel '%s' has an unsupported platform tag '%s'.", f, p),
				"build manylinux or musllinux wheels (auditwheel repair, cibuildwheel); PyPI does not accept plain linux_* tags")
		}
	}
	name := c.m.Value("Name")
	if !ValidProjectName(name) {
		return // reported as a metadata problem
	}
	canonical := pep503.Normalize(name)
	if canonical != w.name {
		c.add(SeverityError, "VA-05", "wheel-name-project", "",
			fmt.Sprintf("Start filename for %s with %s.", pyRepr(name), pyRepr(strings.ReplaceAll(canonical, "-", "_"))),
			"the wheel's file name does not belong to the project in its metadata; rebuild it")
	} else if raw, _, _ := strings.Cut(f, "-"); raw != strings.ReplaceAll(canonical, "-", "_") {
		want := strings.ReplaceAll(canonical, "-", "_")
		c.add(c.policy(), "VA-05", "wheel-name-normalized", "",
			fmt.Sprintf("Filename '%s' should contain the normalized project name '%s', not '%s'.", f, want, raw),
			fmt.Sprintf("rebuild with a current build backend, or rename the file to start with %q", want+"-"))
	}
	if c.versionOK && !pep440.Equal(c.version, w.version) {
		c.add(SeverityError, "VA-05", "wheel-version", "Version",
			fmt.Sprintf("Version in filename should be '%s' not '%s'.", c.version, w.version),
			"rebuild the wheel; its file name and METADATA disagree on the version")
	}
}

// checkSdistFilename applies PEP 625 as Warehouse does.
func (c *preflight) checkSdistFilename() {
	f := c.d.Filename
	var stem string
	switch {
	case strings.HasSuffix(f, ".tar.gz"):
		stem = strings.TrimSuffix(f, ".tar.gz")
	case strings.HasSuffix(f, ".zip"):
		stem = strings.TrimSuffix(f, ".zip")
	default:
		return // extension reported already
	}
	i := strings.LastIndexByte(stem, '-')
	if i <= 0 {
		c.add(c.policy(), "VA-03", "sdist-filename", "", fmt.Sprintf("Invalid source distribution filename: %s", f), "name the sdist <normalized_name>-<version>.tar.gz (PEP 625)")
		return
	}
	nameFromFile := pep503.Normalize(stem[:i])
	if _, err := pep440.Parse(stem[i+1:]); err != nil {
		c.add(c.policy(), "VA-03", "sdist-filename", "", fmt.Sprintf("Invalid source distribution filename: %s", f), "name the sdist <normalized_name>-<version>.tar.gz (PEP 625)")
		return
	}
	name := c.m.Value("Name")
	if !ValidProjectName(name) || !c.versionOK {
		return
	}
	canonical := pep503.Normalize(name)
	// Versions spelled with a hyphen ("1.0-1" is a post release): split on
	// the second-to-last hyphen instead, as Warehouse does.
	if c.version.IsPostRelease() && nameFromFile != canonical && strings.Count(f, "-") >= 2 {
		j := strings.LastIndexByte(stem[:i], '-')
		if j > 0 {
			if _, err := pep440.Parse(stem[j+1:]); err == nil {
				nameFromFile = pep503.Normalize(stem[:j])
			}
		}
	}
	want := strings.ReplaceAll(canonical, "-", "_")
	if nameFromFile != canonical {
		c.add(SeverityError, "VA-03", "sdist-name-project", "",
			fmt.Sprintf("Start filename for %s with %s.", pyRepr(name), pyRepr(want)),
			"the sdist's file name does not belong to the project in its metadata; rebuild it")
		return
	}
	expected := want + "-" + c.version.String() + ".tar.gz"
	if f != expected {
		c.add(c.policy(), "VA-03", "sdist-name-pep625", "",
			fmt.Sprintf("Filename '%s' is invalid, should be '%s'.", f, expected),
			"upgrade the build backend (current ones write PEP 625 names), or rename the file to "+expected)
	}
}

var (
	allowedPlatforms = map[string]bool{}
	macosxRE         = regexp.MustCompile(`^macosx_([0-9]+)_([0-9]+)_(.*)$`)
	linuxRE          = regexp.MustCompile(`^(many|musl)linux_[0-9]+_[0-9]+_(.*)$`)
	iosRE            = regexp.MustCompile(`^ios_[0-9]+_[0-9]+_(.*)_(?:iphoneos|iphonesimulator)`)
	androidRE        = regexp.MustCompile(`^android_[0-9]+_(.*)$`)
	emscriptenRE     = regexp.MustCompile(`^pyemscripten_[0-9]+_[0-9]+_wasm32`)
	macosxArches     = setOf("ppc ppc64 i386 x86_64 arm64 intel fat fat3 fat64 universal universal2")
	macosxMajors     = setOf("11 12 13 14 15 26")
	manylinuxArches  = setOf("x86_64 i686 aarch64 armv7l ppc64le s390x riscv64 ppc64")
	musllinuxArches  = setOf("x86_64 i686 aarch64 armv7l ppc64le s390x riscv64")
	iosArches        = setOf("arm64 x86_64")
	androidArches    = setOf("armeabi_v7a arm64_v8a x86 x86_64")
)

func init() {
	for _, p := range strings.Fields(`any win32 win_arm64 win_amd64 win_ia64
		manylinux1_x86_64 manylinux1_i686 manylinux2010_x86_64 manylinux2010_i686
		manylinux2014_x86_64 manylinux2014_i686 manylinux2014_aarch64 manylinux2014_armv7l
		manylinux2014_ppc64 manylinux2014_ppc64le manylinux2014_s390x linux_armv6l linux_armv7l`) {
		allowedPlatforms[p] = true
	}
}

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

// validPlatformTag is PyPI's platform tag allowlist (warehouse/forklift/legacy.py).
func validPlatformTag(p string) bool {
	if allowedPlatforms[p] {
		return true
	}
	if m := macosxRE.FindStringSubmatch(p); m != nil && macosxArches[m[3]] {
		if m[1] == "10" || (macosxMajors[m[1]] && m[2] == "0") {
			return true
		}
	}
	if m := linuxRE.FindStringSubmatch(p); m != nil {
		if m[1] == "musl" {
			return musllinuxArches[m[2]]
		}
		return manylinuxArches[m[2]]
	}
	if m := iosRE.FindStringSubmatch(p); m != nil && iosArches[m[1]] {
		return true
	}
	if m := androidRE.FindStringSubmatch(p); m != nil && androidArches[m[1]] {
		return true
	}
	return emscriptenRE.MatchString(p)
}
