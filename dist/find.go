package dist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/pypi-publish/pypi-publish/internal/distname"
)

// File name suffixes of the distribution formats this package accepts
// (PyPI's and packaging's file name rules). Matching is case-sensitive, as in twine and
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
// its parts, following packaging.utils.parse_wheel_filename (as of
// packaging 26.3): the name ends in ".whl" and has 4 or 5 dashes; the name
// part holds only letters, digits, "_" and "." and no "__"; the optional
// build tag starts with an ASCII digit; no tag is empty and every Python tag
// is an identifier. The version is checked only for characters a PEP 440
// version may hold; full PEP 440 validation is a preflight rule. Errors wrap
// ErrInvalidFilename. It never panics.
func ParseWheelFilename(name string) (WheelName, error) { return distname.ParseWheel(name) }

// ParseSdistFilename splits a source distribution file name (base name, no
// directory; "*.tar.gz" or "*.zip") into the name and version as written,
// splitting on the last "-" as packaging.utils.parse_sdist_filename does
// (a PEP 440 version holds no "-"). Nothing is normalized. Errors wrap
// ErrInvalidFilename. It never panics.
func ParseSdistFilename(filename string) (name, version string, err error) {
	return distname.ParseSdist(filename)
}

// maxListed is how many entries a DS-03 error lists.
const maxListed = 20

// Find lists the distributions in the packages-dir entries (docs/situations.md#discovery).
//
// Each entry is a directory or a glob pattern (filepath.Match syntax: "*",
// "?", "[...]"), one per line of the packages-dir input. Surrounding spaces
// and one trailing "/" are removed, blank entries are skipped, and relative
// entries are joined to workdir (the workspace; "" means the current
// directory). Globs are expanded here, never by a shell, so spaces in paths
// are safe; a glob keeps only the directories it matches. A directory named
// by several entries is scanned once.
//
// Each directory is listed without recursion, and its entries are classified
// by name (case-sensitive, as twine and packaging do):
//
//   - "*.whl", "*.tar.gz", "*.zip" that are regular files (or symbolic
//     links to regular files) are distributions, in Found.Files;
//   - "<dist>.<type>.attestation" next to a distribution is attached to it
//     (File.Attestations); other "*.attestation" files are Found.Orphans;
//   - "*.asc" files are Found.Signatures (DS-07);
//   - other files are Found.Unrelated (DS-06); other directories are ignored.
//
// Found.Files are in upload order: wheels first, then sdists, each by file
// name in byte order (then by path). All other lists are sorted by path.
//
// Errors are *FindError, with the complete text for the user:
//
//   - IN-04: a glob that matches no directory, or no entry at all;
//   - DS-01: a directory that does not exist (with the hint that only the
//     workspace is visible to a Docker action);
//   - DS-02: an entry that exists but is not a directory;
//   - DS-04: entries named like distributions that are not regular files
//     (directories, dangling symlinks, symlink loops, FIFOs...), all of them
//     listed; or directories that hold no distributions themselves but whose
//     subdirectories do (what actions/download-artifact makes without
//     merge-multiple: true);
//   - DS-03: no distributions at all (listing up to 20 entries found).
//
// Find does not open the files and never blocks on FIFOs or hangs on
// symlink loops. It never panics.
func Find(entries []string, workdir string) (*Found, error) {
	set, err := resolveEntries(entries, workdir)
	if err != nil {
		return nil, err
	}
	found, err := scanDirs(set.dirs)
	if err != nil {
		return nil, err
	}
	found.NotDirs = set.notDirs
	sortFound(found)
	return found, nil
}

// dirSet collects directories in order, each once, also when two paths
// name the same directory.
type dirSet struct {
	dirs  []string
	seen  map[string]bool
	infos []os.FileInfo
	// notDirs are what glob patterns matched besides directories.
	notDirs []string
}

func (s *dirSet) add(dir string, fi os.FileInfo) {
	if s.seen[dir] {
		return
	}
	for _, other := range s.infos {
		if os.SameFile(other, fi) {
			return
		}
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[dir] = true
	s.infos = append(s.infos, fi)
	s.dirs = append(s.dirs, dir)
}

// resolveEntries turns the packages-dir entries into the directories to
// scan (IN-04, DS-01, DS-02).
func resolveEntries(entries []string, workdir string) (*dirSet, error) {
	set := &dirSet{}
	given := 0
	for _, raw := range entries {
		entry := strings.TrimSpace(raw)
		if len(entry) > 1 {
			entry = strings.TrimSuffix(entry, "/")
		}
		if entry == "" {
			continue
		}
		given++
		if err := resolveEntry(set, entry, workdir); err != nil {
			return nil, err
		}
	}
	if given == 0 {
		return nil, &FindError{ID: "IN-04", Message: "packages-dir names no directory",
			Hint: "Set packages-dir to a directory such as dist, or leave it unset"}
	}
	return set, nil
}

// resolveEntry adds the directories one entry names to set.
func resolveEntry(set *dirSet, entry, workdir string) error {
	p := entry
	if !filepath.IsAbs(p) {
		p = filepath.Join(workdir, p)
	}
	p = filepath.Clean(p)
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		// An existing directory is taken literally, even when its
		// name holds glob characters such as "[".
		set.add(p, fi)
		return nil
	}
	if hasMeta(entry) {
		return expandGlob(set, entry, p, workdir)
	}
	fi, err := os.Stat(p)
	if err != nil {
		return missingDirError(entry, p, workdir, err)
	}
	if !fi.IsDir() {
		return &FindError{ID: "DS-02", Entry: entry, Path: p,
			Message: fmt.Sprintf("packages-dir %q (%s) is %s, not a directory", entry, p, describeMode(fi.Mode())),
			Hint:    "Point packages-dir at the directory that holds the distributions (the default is dist)"}
	}
	set.add(p, fi)
	return nil
}

// expandGlob adds the directories a glob entry matches to set; p is the
// entry joined to workdir, for messages.
func expandGlob(set *dirSet, entry, p, workdir string) error {
	pattern := filepath.Clean(entry)
	if !filepath.IsAbs(pattern) {
		// The workspace path is literal, not a pattern.
		pattern = filepath.Join(escapeGlob(workdir), pattern)
	}
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return &FindError{ID: "IN-04", Entry: entry, Path: p,
			Message: fmt.Sprintf("packages-dir entry %q is not a valid glob pattern", entry),
			Hint:    "Fix the pattern: '*' matches any run of characters except '/', '?' one character, '[...]' a character class",
			Err:     err}
	}
	var found int
	var others []string
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil || !fi.IsDir() {
			others = append(others, m)
			continue
		}
		found++
		set.add(m, fi)
	}
	if found > 0 {
		set.notDirs = append(set.notDirs, others...)
		return nil
	}
	msg := fmt.Sprintf("packages-dir entry %q (pattern %s) matches no directory", entry, p)
	if len(others) == 0 {
		return &FindError{ID: "IN-04", Entry: entry, Path: p, Message: msg + "; it expanded to nothing",
			Hint: workspaceHint(workdir)}
	}
	msg += fmt.Sprintf("; it expanded to %s, none of them a directory", strings.Join(limitList(others), ", "))
	return &FindError{ID: "IN-04", Entry: entry, Path: p, Paths: others, Message: msg,
		Hint: "packages-dir names directories, and every distribution in them is uploaded; a pattern of files " +
			"(such as dist/*.whl) selects nothing. Name the directory that holds the files instead: " +
			strings.Join(limitList(parentDirs(others, workdir)), ", ")}
}

// parentDirs returns the directories that hold paths, each once, relative
// to workdir where they are inside it.
func parentDirs(paths []string, workdir string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		d := filepath.Dir(p)
		if rel, err := filepath.Rel(workdir, d); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			d = filepath.ToSlash(rel)
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// scanDirs lists every directory and classifies what it holds (DS-02,
// DS-03, DS-04).
func scanDirs(dirs []string) (*Found, error) {
	found := &Found{Dirs: dirs}
	var lookalikes []string // DS-04
	var listed []string     // DS-03
	listedTotal := 0
	for _, dir := range dirs {
		s, err := scanDir(dir)
		if err != nil {
			return nil, &FindError{ID: "DS-02", Path: dir,
				Message: fmt.Sprintf("failed to list packages-dir %s", dir), Err: err,
				Hint: "Make sure the directory is readable"}
		}
		found.Files = append(found.Files, s.files...)
		found.Unrelated = append(found.Unrelated, s.unrelated...)
		found.Signatures = append(found.Signatures, s.signatures...)
		found.Orphans = append(found.Orphans, s.orphans...)
		lookalikes = append(lookalikes, s.lookalikes...)
		listedTotal += len(s.names)
		for _, n := range s.names {
			if len(listed) < maxListed {
				if len(dirs) > 1 {
					n = filepath.Join(dir, n) + n[len(strings.TrimSuffix(n, "/")):]
				}
				listed = append(listed, n)
			}
		}
	}
	if len(lookalikes) > 0 {
		return nil, lookalikeError(lookalikes)
	}
	if len(found.Files) == 0 {
		if nested := nestedDists(dirs); len(nested) > 0 {
			return nil, nestedError(dirs, nested)
		}
		return nil, noDistsError(dirs, listed, listedTotal-len(listed))
	}
	return found, nil
}

// sortFound puts the files in upload order (wheels first, then sdists, by
// file name, then path) and the other lists in path order.
func sortFound(found *Found) {
	sort.SliceStable(found.Files, func(i, j int) bool {
		a, b := found.Files[i], found.Files[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Path < b.Path
	})
	sort.Strings(found.Unrelated)
	sort.Strings(found.Signatures)
	sort.Strings(found.Orphans)
}

// hasMeta reports whether entry holds glob metacharacters.
func hasMeta(entry string) bool { return strings.ContainsAny(entry, "*?[") }

// escapeGlob quotes the glob metacharacters of a literal path.
func escapeGlob(p string) string {
	if !strings.ContainsAny(p, "*?[\\") {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune("*?[\\", r) && filepath.Separator != '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// limitList shortens a list of paths for a message.
func limitList(paths []string) []string {
	if len(paths) <= maxListed {
		return paths
	}
	out := append([]string(nil), paths[:maxListed]...)
	return append(out, fmt.Sprintf("and %d more", len(paths)-maxListed))
}

// workspaceHint is the common fix for paths that do not exist.
func workspaceHint(workdir string) string {
	ws := workdir
	if ws == "" {
		ws = "the working directory"
	}
	return "Relative paths are relative to the workspace (" + ws + "). Only the workspace is visible to this Docker action, " +
		"so $RUNNER_TEMP and other paths on the runner are not. Check the output directory of the build step and the path: of actions/download-artifact"
}

// missingDirError builds DS-01 (or DS-02 for other stat errors).
func missingDirError(entry, p, workdir string, err error) *FindError {
	what := ""
	if li, lerr := os.Lstat(p); lerr == nil && li.Mode()&os.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		switch {
		case errors.Is(err, syscall.ELOOP):
			what = fmt.Sprintf(" is a symbolic link loop (%s -> %s)", p, target)
		default:
			what = fmt.Sprintf(" is a dangling symbolic link (%s -> %s)", p, target)
		}
		return &FindError{ID: "DS-01", Entry: entry, Path: p,
			Message: fmt.Sprintf("packages-dir %q%s", entry, what),
			Hint:    workspaceHint(workdir)}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return &FindError{ID: "DS-02", Entry: entry, Path: p,
			Message: fmt.Sprintf("packages-dir %q (%s) cannot be used", entry, p), Err: err,
			Hint: "Point packages-dir at a readable directory"}
	}
	msg := fmt.Sprintf("packages-dir %q does not exist (resolved to %s", entry, p)
	if rel, rerr := filepath.Rel(workdir, p); workdir != "" && rerr == nil && filepath.IsLocal(rel) {
		msg += "; in the workspace: " + rel
	} else if workdir != "" {
		msg += ", which is outside the workspace " + workdir
	}
	msg += ")"
	return &FindError{ID: "DS-01", Entry: entry, Path: p, Message: msg, Hint: workspaceHint(workdir)}
}

// scan is what one directory holds.
type scan struct {
	files                          []File
	unrelated, signatures, orphans []string
	lookalikes                     []string // "path (why)"
	names                          []string // every entry, dirs with "/"
}

// scanDir lists one packages directory.
func scanDir(dir string) (*scan, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &scan{}
	var attestations []string
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		mode := e.Type()
		regular, isDir, why := mode.IsRegular(), mode.IsDir(), ""
		if !regular && !isDir {
			// Symlinks (and file systems that do not report the type):
			// follow them. os.Stat fails on dangling links and loops.
			fi, serr := os.Stat(p)
			switch {
			case serr == nil:
				regular, isDir = fi.Mode().IsRegular(), fi.IsDir()
				if !regular && !isDir {
					why = describeMode(fi.Mode())
				}
			case errors.Is(serr, syscall.ELOOP):
				why = "a symbolic link loop"
			case errors.Is(serr, fs.ErrNotExist):
				target, _ := os.Readlink(p)
				why = fmt.Sprintf("a dangling symbolic link to %s", target)
			default:
				why = serr.Error()
			}
		}
		if isDir {
			s.names = append(s.names, name+"/")
			why = "a directory"
		} else {
			s.names = append(s.names, name)
		}
		kind, isDist := kindOf(name)
		switch {
		case isDist && regular:
			s.files = append(s.files, File{Path: p, Filename: name, Kind: kind})
		case isDist:
			s.lookalikes = append(s.lookalikes, p+" ("+why+")")
		case isDir:
			// Other directories are not scanned.
		case strings.HasSuffix(name, attestExt) && regular:
			attestations = append(attestations, name)
		case strings.HasSuffix(name, ascExt) && regular:
			s.signatures = append(s.signatures, p)
		default:
			s.unrelated = append(s.unrelated, p)
		}
	}
	byName := make(map[string]int, len(s.files))
	for i, f := range s.files {
		byName[f.Filename] = i
	}
	for _, a := range attestations {
		if i, ok := attestationOwner(a, byName); ok {
			s.files[i].Attestations = append(s.files[i].Attestations, filepath.Join(dir, a))
		} else {
			s.orphans = append(s.orphans, filepath.Join(dir, a))
		}
	}
	return s, nil
}

// attestationOwner finds the distribution an attestation file belongs to:
// its name is "<dist>.<type>.attestation" with a non-empty type.
func attestationOwner(name string, byName map[string]int) (int, bool) {
	stem := strings.TrimSuffix(name, attestExt)
	// The type is what follows the last "." of the stem; the rest must
	// be a distribution in the directory.
	for j := strings.LastIndexByte(stem, '.'); j > 0; j = strings.LastIndexByte(stem[:j], '.') {
		if j == len(stem)-1 {
			continue
		}
		if i, ok := byName[stem[:j]]; ok {
			return i, true
		}
	}
	return 0, false
}

// lookalikeError builds DS-04 for entries named like distributions that are
// not regular files.
func lookalikeError(paths []string) *FindError {
	var hints []string
	all := strings.Join(paths, "\n")
	if strings.Contains(all, "(a directory)") {
		hints = append(hints, "A directory named like a distribution is usually what actions/download-artifact makes for each artifact: "+
			"download with merge-multiple: true (or a pattern and one path:) so the files land directly in packages-dir")
	}
	if strings.Contains(all, "symbolic link") {
		hints = append(hints, "Point each symbolic link at an existing regular file, or replace it with the file")
	}
	if len(hints) == 0 {
		hints = append(hints, "Replace each of them with the distribution file itself")
	}
	return &FindError{ID: "DS-04", Path: paths[0], Paths: paths,
		Message: fmt.Sprintf("%d entr%s named like a distribution %s not a regular file: %s",
			len(paths), plural(len(paths), "y", "ies"), plural(len(paths), "is", "are"), strings.Join(paths, "; ")),
		Hint: strings.Join(hints, ". ")}
}

// nestedDists returns subdirectories (one level down) of dirs that hold
// distributions, with how many.
func nestedDists(dirs []string) []string {
	var out []string
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			sub := filepath.Join(dir, e.Name())
			if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
				continue
			}
			subEntries, err := os.ReadDir(sub)
			if err != nil {
				continue
			}
			n := 0
			for _, se := range subEntries {
				if _, ok := kindOf(se.Name()); ok {
					n++
				}
			}
			if n > 0 {
				out = append(out, fmt.Sprintf("%s/ (%d distribution%s)", sub, n, plural(n, "", "s")))
			}
		}
	}
	return out
}

// nestedError builds DS-04 for distributions one folder too deep.
func nestedError(dirs, nested []string) *FindError {
	return &FindError{ID: "DS-04", Path: dirs[0], Paths: nested,
		Message: fmt.Sprintf("no distributions directly in %s, but its subdirectories hold some: %s",
			strings.Join(dirs, ", "), strings.Join(limitList(nested), "; ")),
		Hint: "Subdirectories are not scanned. This is what actions/download-artifact does with several artifacts: " +
			"add merge-multiple: true to it so the files land directly in packages-dir, " +
			"or list the subdirectories in packages-dir, one per line, or as a glob such as dist/*/"}
}

// noDistsError builds DS-03.
func noDistsError(dirs, listed []string, more int) *FindError {
	msg := fmt.Sprintf("no distributions (*.whl, *.tar.gz, *.zip) in %s", strings.Join(dirs, ", "))
	if len(listed) == 0 {
		msg += "; it is empty"
	} else {
		msg += "; found: " + strings.Join(listed, ", ")
		if more > 0 {
			msg += fmt.Sprintf(" and %d more", more)
		}
	}
	return &FindError{ID: "DS-03", Path: dirs[0], Paths: listed, More: more, Message: msg,
		Hint: "Build the distributions first (for example python -m build) or fix the artifact download; nested artifact folders are not scanned"}
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
