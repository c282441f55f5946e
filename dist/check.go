package dist

import (
	"fmt"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// Size limits PyPI applies to one file (docs/situations.md#up-15, #up-16).
const (
	// PyPIDefaultFileLimit is PyPI's default per-file limit (100 MiB).
	PyPIDefaultFileLimit = 100 << 20
	// PyPIFileLimitCap is the hard cap no project limit can exceed (1 GiB).
	PyPIFileLimitCap = 1 << 30
)

// NewestMetadataVersion is the newest Metadata-Version PyPI is known to
// accept; newer ones are only warned about (VA-02).
const NewestMetadataVersion = "2.5"

// coreMetadataURL is the link PyPI appends to metadata errors.
const coreMetadataURL = "https://packaging.python.org/specifications/core-metadata"

// CheckOption configures Check.
type CheckOption func(*checkConfig)

type checkConfig struct {
	classifiers *Classifiers
	failures    []ReadFailure
}

// WithClassifiers makes Check judge classifiers against c, normally the
// list the index serves. The default (and a nil c) is
// EmbeddedClassifiers.
func WithClassifiers(c *Classifiers) CheckOption {
	return func(cfg *checkConfig) {
		if c != nil {
			cfg.classifiers = c
		}
	}
}

// ReadFailure is a distribution Read could not read.
type ReadFailure struct {
	File File
	Err  error
}

// WithReadFailures makes Check report files Read refused, together with
// the problems of every readable file: each gets an error (VA-10, rule
// "unreadable", in PyPI's wording where PyPI has one for the same defect)
// and the file name rules, which need no content. Default: none.
func WithReadFailures(fs ...ReadFailure) CheckOption {
	return func(cfg *checkConfig) { cfg.failures = append(cfg.failures, fs...) }
}

// Check runs every preflight rule on dists and returns all problems found:
// first those of the files in WithReadFailures, then those of dists in
// their order, rule by rule, then the batch rules (DS-08). It never stops at
// the first problem and never panics; a Distribution with nil Metadata or
// Archive is checked as far as possible.
//
// The rules judge what the upload sends (FormMetadata): a field the form
// leaves out gets one warning and no error. They follow what PyPI does on
// upload (docs/preflight.md lists each rule and its source). Rules that are
// PyPI policy rather than format validity (platform tags, local versions,
// classifiers, PEP 625 names, .zip sdists, sizes, direct references, wheel
// name normalization, fields newer than the declared Metadata-Version,
// README rendering, one sdist per release) are errors for TargetPyPI and
// warnings for TargetOther. A zero Target counts as TargetPyPI.
// Classifiers are judged against EmbeddedClassifiers unless
// WithClassifiers gives the index's list.
func Check(dists []*Distribution, target Target, opts ...CheckOption) []Problem {
	if target != TargetOther {
		target = TargetPyPI
	}
	cfg := checkConfig{classifiers: EmbeddedClassifiers()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	var out []Problem
	for _, f := range cfg.failures {
		out = append(out, readFailureProblems(f, target)...)
	}
	for _, d := range dists {
		if d == nil {
			continue
		}
		c := &preflight{d: d, target: target, classifiers: cfg.classifiers}
		c.run()
		out = append(out, c.problems...)
	}
	out = append(out, checkOneSdistPerRelease(dists, target)...)
	return out
}

// preflight collects the problems of one distribution.
type preflight struct {
	d           *Distribution
	target      Target
	classifiers *Classifiers
	// m is the metadata as the upload form carries it (FormMetadata);
	// nil when the distribution has none.
	m        *Metadata
	left     []LeftOut
	problems []Problem
	// version is the parsed metadata version, when valid.
	version    pep440.Version
	versionOK  bool
	metaVer    string // declared Metadata-Version
	metaVerIdx int    // index in knownMetadataVersions, -1 if unknown, len if newer
}

func (c *preflight) add(sev Severity, id, rule, field, msg, fix string) {
	c.problems = append(c.problems, Problem{
		File: c.d.Filename, ID: id, Rule: rule, Severity: sev,
		Field: field, Message: msg, Fix: fix,
	})
}

// policy returns the severity of a PyPI policy rule for the target.
func (c *preflight) policy() Severity {
	if c.target == TargetPyPI {
		return SeverityError
	}
	return SeverityWarning
}

func (c *preflight) run() {
	if c.d.Metadata != nil {
		c.m, c.left = FormMetadata(c.d.Metadata)
	}
	c.checkFilenameChars()
	c.checkMetadata()
	c.checkFilename()
	c.checkArchive()
	c.checkEntryPoints()
	c.checkSize()
	c.checkDescription()
}

// checkSize applies PyPI's file size limits (VA-08).
func (c *preflight) checkSize() {
	const fix = "ask for a file size limit increase: https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase"
	switch {
	case c.d.Size > PyPIFileLimitCap:
		c.add(c.policy(), "VA-08", "file-size-cap", "",
			fmt.Sprintf("file is %s, over PyPI's hard cap of 1 GiB per file (PyPI: File too large.)", humanSize(c.d.Size)),
			"split the distribution; no project limit can exceed 1 GiB")
	case c.d.Size > PyPIDefaultFileLimit:
		c.add(SeverityWarning, "VA-08", "file-size-default", "",
			fmt.Sprintf("file is %s, over PyPI's default limit of 100 MiB per file; the upload fails unless the project has a higher limit", humanSize(c.d.Size)),
			fix)
	}
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkOneSdistPerRelease flags the second and later sdists of one
// release in upload order (DS-08): PyPI accepts the first sdist of a
// release and refuses the others.
func checkOneSdistPerRelease(dists []*Distribution, target Target) []Problem {
	type key struct{ name, version string }
	first := map[key]string{}
	sev := SeverityError
	if target == TargetOther {
		sev = SeverityWarning
	}
	var out []Problem
	for _, d := range UploadOrder(dists) {
		if d.Kind != Sdist || d.Metadata == nil {
			continue
		}
		k := key{NormalizeName(d.Name()), releaseVersion(d.Version())}
		f, seen := first[k]
		if !seen {
			first[k] = d.Filename
			continue
		}
		out = append(out, Problem{
			File: d.Filename, ID: "DS-08", Rule: "one-sdist-per-release", Severity: sev,
			Message: "Only one sdist may be uploaded per release.",
			Fix: fmt.Sprintf("%s is uploaded first as the sdist of %s %s; keep one sdist per version (the .tar.gz) and remove this one",
				f, k.name, d.Version()),
		})
	}
	return out
}

// releaseVersion is the version a release is looked up by: the canonical
// version without trailing ".0" components (1.0 == 1.0.0), or v as written
// when it does not parse.
func releaseVersion(v string) string {
	pv, err := pep440.Parse(v)
	if err != nil {
		return v
	}
	for len(pv.Release) > 1 && pv.Release[len(pv.Release)-1] == "0" {
		pv.Release = pv.Release[:len(pv.Release)-1]
	}
	return pv.String()
}
