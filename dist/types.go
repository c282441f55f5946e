package dist

import (
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/distname"
	"github.com/pypi-publish/pypi-publish/internal/pep503"
)

// Kind is the kind of a distribution file.
type Kind int

const (
	// Wheel is a built distribution (*.whl).
	Wheel Kind = iota + 1
	// Sdist is a source distribution (*.tar.gz or *.zip).
	Sdist
)

// String returns "wheel" or "sdist".
func (k Kind) String() string {
	switch k {
	case Wheel:
		return "wheel"
	case Sdist:
		return "sdist"
	}
	return "unknown"
}

// FileType returns the value of the upload form's filetype field:
// "bdist_wheel" or "sdist".
func (k Kind) FileType() string {
	if k == Wheel {
		return "bdist_wheel"
	}
	return "sdist"
}

// Digests holds the lower-case hex digests of one file, computed in one read.
type Digests struct {
	SHA256     string
	MD5        string
	Blake2b256 string
}

// Header is one metadata header as it appears in METADATA or PKG-INFO. Value
// is what packaging.metadata.parse_email (and so twine and PyPI) reads: the
// text after the colon without its leading spaces and tabs, continuation
// lines kept verbatim with their line breaks and indentation, the final line
// break removed. See ParseMetadata.
type Header struct {
	Name  string // as written, e.g. "Requires-Dist"
	Value string
}

// Metadata is the parsed core metadata of a distribution. Headers keeps every
// header in file order; Body is the message body (the long description when
// no Description header is present).
type Metadata struct {
	Headers []Header
	Body    string
	// BodyPresent reports whether the file had a body section at all.
	BodyPresent bool
}

// Get returns the first value of the header name (case-insensitive) and
// whether it was present.
func (m *Metadata) Get(name string) (string, bool) {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Value returns the first value of the header name, or "".
func (m *Metadata) Value(name string) string {
	v, _ := m.Get(name)
	return v
}

// All returns every value of the header name (case-insensitive), in order.
func (m *Metadata) All(name string) []string {
	var out []string
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// Description returns the long description: the Description header if
// present (verbatim, folding included), else the body. packaging treats a
// file with both as malformed; the preflight checks report that.
func (m *Metadata) Description() string {
	if v, ok := m.Get("Description"); ok {
		return v
	}
	return m.Body
}

// Distribution is one distribution file that was found and read.
type Distribution struct {
	// Path is the path the file was found at (as given, joined with its
	// directory), used to open it again for upload.
	Path string
	// Filename is the base name of the file.
	Filename string
	Kind     Kind
	Size     int64
	Digests  Digests
	Metadata *Metadata
	// MetadataPath is the archive member the metadata was read from.
	MetadataPath string
	// Archive lists the archive's members, for the preflight checks.
	Archive *Archive
	// EntryPoints is the wheel's .dist-info/entry_points.txt (nil when it
	// has none), for the preflight.
	EntryPoints []byte
	// ModTime is the file's modification time when it was read; the
	// uploader refuses to send the file if it changed since, because Size
	// and Digests would no longer describe it. Zero means unknown.
	ModTime time.Time
	// Attestations lists companion files named "<Filename>.<type>.attestation"
	// found next to the distribution, in name order.
	Attestations []string
}

// Name returns the project name from the metadata.
func (d *Distribution) Name() string { return d.Metadata.Value("Name") }

// Version returns the version from the metadata.
func (d *Distribution) Version() string { return d.Metadata.Value("Version") }

// NormalizeName returns the PEP 503 normalized form of a project name:
// every run of "-", "_" and "." replaced by one "-", then lower case (as
// packaging's canonicalize_name; see internal/pep503).
func NormalizeName(name string) string { return pep503.Normalize(name) }

// Member describes one entry of a distribution archive.
type Member struct {
	Name string
	// Size is the uncompressed size as declared by the archive.
	Size int64
	// CompressedSize is the compressed size (zip only; 0 for tar).
	CompressedSize int64
	// Method is the zip compression method (zip only).
	Method uint16
	// TypeFlag is the tar type flag (tar only; '0' for a regular file).
	TypeFlag byte
	// Dir reports whether the entry is a directory.
	Dir bool
}

// Archive describes the container format and members of a distribution.
type Archive struct {
	// Format is "zip" or "tar.gz".
	Format  string
	Members []Member
}

// WheelName is a wheel file name split into its parts, as written in the
// file name (nothing is normalized): "{Name}-{Version}(-{Build})?-{Python}-{ABI}-{Platform}.whl".
// Python, ABI and Platform are the compressed tag sets split on ".".
type WheelName = distname.Wheel
