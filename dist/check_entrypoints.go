package dist

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// PyPI validates a wheel's entry_points.txt on upload (pypi/warehouse PR
// #20081, 2026): the file must be UTF-8, well-formed per the entry points
// specification
// (https://packaging.python.org/en/latest/specifications/entry-points/),
// and console_scripts/gui_scripts names must be bare names. The check here
// is conservative: it flags only what the specification rules out, so a
// valid file never blocks a release.

var (
	// objectRef is an object reference, "module" or "module:attr", with
	// optional deprecated extras, as importlib.metadata reads it.
	objectRef = regexp.MustCompile(`^[\p{L}\p{N}_.]+\s*(:\s*[\p{L}\p{N}_.]+\s*)?(\[[^\]]*\]\s*)?$`)
	// scriptName is the specification's recommended name pattern.
	scriptName = regexp.MustCompile(`^[\p{L}\p{N}_.-]+$`)
)

// entryPointsProblem returns what is wrong with an entry_points.txt, or "".
func entryPointsProblem(b []byte) string {
	if !utf8.Valid(b) {
		return "entry_points.txt is not decodable as UTF-8"
	}
	section := ""
	seenSections := map[string]bool{}
	seenKeys := map[string]bool{}
	for i, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";"):
			continue
		case strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t"):
			// A continuation line: configparser joins it to the value
			// above, which then cannot be an object reference.
			return fmt.Sprintf("line %d is indented (a continuation line), which no entry point allows", n)
		case strings.HasPrefix(trimmed, "["):
			if !strings.HasSuffix(trimmed, "]") || len(trimmed) < 3 {
				return fmt.Sprintf("line %d is not a valid section header: %q", n, trimmed)
			}
			section = strings.TrimSpace(trimmed[1 : len(trimmed)-1])
			if seenSections[section] {
				return fmt.Sprintf("section [%s] appears twice", section)
			}
			seenSections[section] = true
			seenKeys = map[string]bool{}
			continue
		}
		if section == "" {
			return fmt.Sprintf("line %d comes before any [section]", n)
		}
		name, value, ok := strings.Cut(trimmed, "=")
		if !ok {
			return fmt.Sprintf("line %d in [%s] has no '=': %q", n, section, trimmed)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if name == "" {
			return fmt.Sprintf("line %d in [%s] has an empty name", n, section)
		}
		if seenKeys[name] {
			return fmt.Sprintf("entry point %q appears twice in [%s]", name, section)
		}
		seenKeys[name] = true
		if !objectRef.MatchString(value) {
			return fmt.Sprintf("entry point %q in [%s] does not name an object (module or module:attr): %q", name, section, value)
		}
		if (section == "console_scripts" || section == "gui_scripts") && !scriptName.MatchString(name) {
			return fmt.Sprintf("script name %q in [%s] is not a bare name (letters, digits, '_', '.', '-')", name, section)
		}
	}
	return ""
}

// checkEntryPoints applies PyPI's entry_points.txt rule to wheels.
func (c *preflight) checkEntryPoints() {
	if c.d.Kind != Wheel || c.d.EntryPoints == nil {
		return
	}
	if why := entryPointsProblem(c.d.EntryPoints); why != "" {
		c.add(c.policy(), "VA-10", "wheel-entry-points", "",
			fmt.Sprintf("Wheel '%s' has invalid entry points defined in the entry_points.txt file", c.d.Filename),
			"fix [project.scripts], [project.gui-scripts] and [project.entry-points] (or setup.cfg's entry_points), then rebuild ("+why+")")
	}
}
