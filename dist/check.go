package dist

import (
	"fmt"
	"sort"
	"strings"

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

// Check runs every preflight rule on dists and returns all problems found,
// for every file, in the order of dists and then of the rules. It never
// stops at the first problem and never panics; a Distribution with nil
// Metadata or Archive is checked as far as possible.
//
// Rules follow what PyPI does on upload (Warehouse's upload view (warehouse/forklift/legacy.py);
// docs/situations.md#validation, VA-01..VA-10, DS-08). Rules that are PyPI policy rather
// than format validity (platform tags, local versions, classifiers, PEP
// 625 names, .zip sdists, sizes, direct references, wheel name
// normalization, fields newer than the declared Metadata-Version, README
// rendering, one sdist per release) are errors for TargetPyPI and warnings
// for TargetOther. A zero Target counts as TargetPyPI.
func Check(dists []*Distribution, target Target) []Problem {
	if target != TargetOther {
		target = TargetPyPI
	}
	var out []Problem
	for _, d := range dists {
		if d == nil {
			continue
		}
		c := &preflight{d: d, target: target}
		c.run()
		out = append(out, c.problems...)
	}
	out = append(out, checkOneSdistPerRelease(dists, target)...)
	return out
}

// preflight collects the problems of one distribution.
type preflight struct {
	d        *Distribution
	target   Target
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

// checkOneSdistPerRelease flags several sdists of one name and version in
// the batch (DS-08): PyPI accepts one sdist per release.
func checkOneSdistPerRelease(dists []*Distribution, target Target) []Problem {
	type key struct{ name, version string }
	groups := map[key][]string{}
	shown := map[key]string{}
	var order []key
	for _, d := range dists {
		if d == nil || d.Kind != Sdist || d.Metadata == nil {
			continue
		}
		v := d.Version()
		if pv, err := pep440.Parse(v); err == nil {
			// Releases are looked up by canonical version: 1.0 == 1.0.0.
			for len(pv.Release) > 1 && pv.Release[len(pv.Release)-1] == "0" {
				pv.Release = pv.Release[:len(pv.Release)-1]
			}
			v = pv.String()
		}
		k := key{NormalizeName(d.Name()), v}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
			shown[k] = d.Version()
		}
		groups[k] = append(groups[k], d.Filename)
	}
	sev := SeverityError
	if target == TargetOther {
		sev = SeverityWarning
	}
	var out []Problem
	for _, k := range order {
		files := groups[k]
		if len(files) < 2 {
			continue
		}
		sort.Strings(files)
		for _, f := range files {
			out = append(out, Problem{
				File: f, ID: "DS-08", Rule: "one-sdist-per-release", Severity: sev,
				Message: fmt.Sprintf("%d sdists for %s %s in this batch (%s); PyPI: Only one sdist may be uploaded per release.",
					len(files), k.name, shown[k], strings.Join(files, ", ")),
				Fix: "keep one sdist per version (the .tar.gz)",
			})
		}
	}
	return out
}
