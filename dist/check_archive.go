package dist

import (
	"fmt"
	"os"
	"strings"
)

// Compression-bomb rule of PyPI (warehouse/forklift/legacy.py): more than 64 MiB
// decompressed with a ratio above 50 is refused.
const (
	compressionRatioMinSize   = 64 << 20
	compressionRatioThreshold = 50
)

const rebuildFix = "rebuild the distribution with a current build backend"

// archiveErr records an archive problem (VA-10) in PyPI's wording.
func (c *preflight) archiveErr(rule, detail string) {
	c.add(SeverityError, "VA-10", rule, "", "Invalid distribution file. "+detail, rebuildFix)
}

func (c *preflight) checkArchive() {
	a := c.d.Archive
	if a == nil {
		return
	}
	lower := strings.ToLower(c.d.Filename)
	if !strings.HasSuffix(lower, ".whl") && !strings.HasSuffix(lower, ".tar.gz") && !strings.HasSuffix(lower, ".zip") {
		return // unknown format, reported by checkFilenameChars
	}
	wantZip := c.d.Kind == Wheel || strings.HasSuffix(lower, ".zip")
	switch {
	case wantZip && a.Format != "zip":
		c.archiveErr("archive-format", "File is not a zipfile")
		return
	case !wantZip && a.Format != "tar.gz":
		c.archiveErr("archive-format", "File is not a tarfile")
		return
	}
	names := make([]string, 0, len(a.Members))
	have := make(map[string]bool, len(a.Members))
	for _, m := range a.Members {
		n := strings.TrimRight(m.Name, "/")
		names = append(names, n)
		have[n] = true
	}
	if a.Format == "zip" {
		var total int64
		for _, m := range a.Members {
			total += m.Size
		}
		if total > compressionRatioMinSize && c.d.Size > 0 && float64(total)/float64(c.d.Size) > compressionRatioThreshold {
			c.archiveErr("compression-ratio", fmt.Sprintf("File exceeds compression ratio of %d", compressionRatioThreshold))
		}
		for _, m := range a.Members {
			if m.Method != 0 && m.Method != 8 {
				c.archiveErr("compression-method", "File does not use a supported compression type")
				break
			}
		}
		c.checkZipFraming()
	} else {
		for _, m := range a.Members {
			if m.TypeFlag == 'S' {
				c.add(SeverityError, "VA-10", "tar-sparse", "", "Invalid distribution file. tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information", rebuildFix)
				break
			}
		}
	}
	if c.d.Kind == Wheel {
		c.checkWheelMembers(have)
	} else {
		c.checkSdistMembers(names, have)
	}
}

// checkZipFraming applies PyPI's ZIP framing rules: the archive read
// record by record must describe the same files as its central directory,
// with no data descriptors, comments or trailing data.
func (c *preflight) checkZipFraming() {
	if c.d.Path == "" {
		return
	}
	f, err := os.Open(c.d.Path)
	if err != nil {
		return // Read opened it a moment ago; the upload will say more
	}
	defer f.Close()
	cd := make(map[string][2]uint64, len(c.d.Archive.Members))
	// Keyed by the names as Python reads the central directory (code
	// page 437 without the UTF-8 flag); local header names are read as
	// UTF-8, so a non-ASCII name without the flag is not found, as on PyPI.
	for _, m := range c.d.Archive.Members {
		cd[m.Name] = [2]uint64{uint64(m.CompressedSize), uint64(m.Size)}
	}
	if why := zipFramingProblem(f, cd); why != "" {
		c.add(c.policy(), "VA-10", "zip-framing", "",
			"Invalid distribution file. ZIP archive not accepted: "+why+". See https://docs.pypi.org/archives for more information",
			"rebuild the archive with a standard tool (the build backend, or Python's zipfile on a seekable file): streaming ZIP writers add data descriptors that PyPI refuses")
	}
}

func (c *preflight) checkWheelMembers(have map[string]bool) {
	parts := strings.SplitN(c.d.Filename, "-", 3)
	if len(parts) < 3 {
		c.archiveErr("wheel-dist-info", "Unable to parse name and version from wheel filename")
		return
	}
	distInfo := parts[0] + "-" + parts[1] + ".dist-info"
	if !have[distInfo+"/WHEEL"] {
		c.archiveErr("wheel-member-wheel", "WHEEL not found at "+distInfo+"/WHEEL")
	}
	c.checkLicenseFiles(distInfo+"/licenses", have)
	if !have[distInfo+"/RECORD"] {
		c.add(SeverityError, "VA-10", "wheel-member-record", "",
			fmt.Sprintf("Wheel '%s' does not contain the required RECORD file: %s/RECORD", c.d.Filename, distInfo), rebuildFix)
	}
	if !have[distInfo+"/METADATA"] {
		c.add(SeverityError, "VA-10", "wheel-member-metadata", "",
			fmt.Sprintf("Wheel '%s' does not contain the required METADATA file: %s/METADATA", c.d.Filename, distInfo), rebuildFix)
	}
}

func (c *preflight) checkSdistMembers(names []string, have map[string]bool) {
	top, ok := commonPath(names)
	if !ok || top == "" || top == "/" || top == "." {
		c.archiveErr("sdist-top-level", "Incorrect number of top-level directories in sdist")
		return
	}
	if !have[top+"/PKG-INFO"] {
		c.archiveErr("sdist-pkg-info", "PKG-INFO not found at "+top+"/PKG-INFO")
		return
	}
	c.checkLicenseFiles(top, have)
}

// checkLicenseFiles checks that every License-File the form sends exists
// under dir (older Metadata-Versions have it left out of the form).
func (c *preflight) checkLicenseFiles(dir string, have map[string]bool) {
	if c.m == nil {
		return
	}
	for _, p := range c.values("License-File") {
		target := dir + "/" + p
		if !have[target] {
			c.add(SeverityError, "VA-10", "license-file-missing", "License-File",
				fmt.Sprintf("License-File %s does not exist in distribution file %s at %s", p, c.d.Filename, target),
				"make the build backend include the license file, or fix the License-File path")
		}
	}
}

// commonPath is Python's os.path.commonpath on "/"-separated names: the
// longest common run of path components ("" and "." components ignored).
// ok is false when absolute and relative names are mixed or names is
// empty.
func commonPath(names []string) (string, bool) {
	if len(names) == 0 {
		return "", false
	}
	abs := strings.HasPrefix(names[0], "/")
	var common []string
	for i, n := range names {
		if strings.HasPrefix(n, "/") != abs {
			return "", false
		}
		var comps []string
		for _, p := range strings.Split(n, "/") {
			if p != "" && p != "." {
				comps = append(comps, p)
			}
		}
		if i == 0 {
			common = comps
			continue
		}
		k := 0
		for k < len(common) && k < len(comps) && common[k] == comps[k] {
			k++
		}
		common = common[:k]
	}
	s := strings.Join(common, "/")
	if abs {
		s = "/" + s
	}
	return s, true
}
