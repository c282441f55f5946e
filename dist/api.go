package dist

// This file fixes the package's API for the rest of the project. The bodies
// are filled in by the files that own each part (find.go, read.go, check.go).

// File is a distribution candidate found by Find, not read yet.
type File struct {
	// Path is the directory as found (workdir joined with the entry, or
	// the glob match) joined with Filename; symbolic links are not
	// resolved.
	Path     string
	Filename string
	Kind     Kind
	// Attestations lists the paths of "<Filename>.<type>.attestation"
	// files next to it, in name order.
	Attestations []string
}

// Found is the result of Find.
type Found struct {
	// Files are the distributions in upload order: wheels first, then
	// sdists, each sorted by file name (byte order).
	Files []File
	// Unrelated are other entries that are not directories (DS-06),
	// FIFOs and dangling symbolic links included, by path.
	Unrelated []string
	// Signatures are *.asc files (DS-07), by path.
	Signatures []string
	// Orphans are *.attestation files that belong to no distribution.
	Orphans []string
	// Dirs are the directories that were scanned.
	Dirs []string
	// NotDirs are entries a packages-dir glob matched that are not
	// directories (a pattern such as dist/* that also matched files
	// directly in dist). They are not scanned or uploaded.
	NotDirs []string
}

// Severity ranks a preflight Problem.
type Severity int

const (
	// SeverityError blocks every upload.
	SeverityError Severity = iota + 1
	// SeverityWarning is reported and does not block.
	SeverityWarning
	// SeverityNotice is informational.
	SeverityNotice
)

// String returns "error", "warning" or "notice".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityNotice:
		return "notice"
	}
	return "unknown"
}

// Problem is one finding of the preflight checks.
type Problem struct {
	// File is the distribution's file name.
	File string
	// ID is the situation ID, e.g. "VA-05" (docs/situations.md#va-05).
	ID string
	// Rule is a short stable rule name, e.g. "wheel-name-normalized".
	Rule     string
	Severity Severity
	// Field is the metadata field concerned, if any.
	Field string
	// Message is what is wrong, in PyPI's own wording where PyPI has one.
	Message string
	// Fix says how to fix it.
	Fix string
}

// Target selects index-dependent rules.
type Target int

const (
	// TargetPyPI is pypi.org or test.pypi.org: policy rules are errors.
	TargetPyPI Target = iota + 1
	// TargetOther is any other index: policy rules are warnings.
	TargetOther
)
