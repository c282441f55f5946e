package publish

import (
	"strconv"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// Field is one text part of the upload form.
type Field struct {
	Name  string
	Value string
}

// UploadOptions are per-file upload settings.
type UploadOptions struct {
	// Attestations is the JSON array text sent as the "attestations" field
	// (PEP 740). nil sends no field.
	Attestations []byte
}

// header describes how one METADATA header becomes form fields
// (as twine's package.py does).
type header struct {
	name  string // METADATA header, matched case-insensitively
	field string // form field
	multi bool   // repeated header → repeated field
}

// metadataFields lists the metadata headers in the order they are sent.
// Warehouse does not depend on the order; this one is fixed so the body is
// reproducible (the golden test pins it). twine's order depends on
// packaging's frozenset iteration, so no order can match it.
var metadataFields = []header{
	{"Metadata-Version", "metadata_version", false},
	{"Name", "name", false},
	{"Version", "version", false},
	{"Summary", "summary", false},
	{"Description-Content-Type", "description_content_type", false},
	{"Keywords", "keywords", false},
	{"Home-page", "home_page", false},
	{"Download-URL", "download_url", false},
	{"Author", "author", false},
	{"Author-email", "author_email", false},
	{"Maintainer", "maintainer", false},
	{"Maintainer-email", "maintainer_email", false},
	{"License", "license", false},
	{"License-Expression", "license_expression", false},
	{"License-File", "license_file", true},
	{"Classifier", "classifiers", true},
	{"Platform", "platform", true},
	{"Supported-Platform", "supported_platform", true},
	{"Requires-Python", "requires_python", false},
	{"Requires-Dist", "requires_dist", true},
	{"Provides-Dist", "provides_dist", true},
	{"Obsoletes-Dist", "obsoletes_dist", true},
	{"Requires", "requires", true},
	{"Provides", "provides", true},
	{"Obsoletes", "obsoletes", true},
	{"Requires-External", "requires_external", true},
	{"Project-URL", "project_urls", true},
	{"Provides-Extra", "provides_extra", true},
	{"Dynamic", "dynamic", true},
	{"Import-Name", "import_name", true},
	{"Import-Namespace", "import_namespace", true},
}

// Fields returns the text fields of the upload form for d in wire order; the
// "content" file part, which always comes last, is not included. It never
// panics on a Distribution with nil Metadata (it then sends no metadata).
//
// The order is: the metadata fields (metadataFields order, the description
// after the headers as twine sends it), pyversion, filetype, sha256_digest,
// attestations (when o.Attestations is not nil), blake2_256_digest,
// md5_digest, ":action" = "file_upload", "protocol_version" = "1".
//
// Names and values follow twine (twine/package.py), with these
// deliberate differences:
//   - name is twine's safe_name (runs of characters other than ASCII letters,
//     digits and "." become "-"), because Warehouse renames the project's
//     display name to the uploaded one and the original action uses twine.
//   - requires_python is always sent, empty when absent, as uv does: GitLab
//     requires it and Warehouse treats an empty value as absent.
//   - md5_digest (hex) is sent, as twine before 6.2 did: Warehouse checks it
//     and some Artifactory setups require it.
//   - import_name and import_namespace (Metadata 2.5) are sent under
//     Warehouse's names; twine does not send them at all.
//   - A single-valued header written more than once is sent once (its first
//     value): Warehouse rejects a single-valued field sent twice.
//   - keywords is split on "," and joined with ", " as twine 7 does; twine 4
//     sends the header as written.
//   - license_file is dropped when Metadata-Version is below 2.4, as twine
//     does (setuptools wrote it under 2.1, where Warehouse refuses it). The
//     same goes for the other fields newer than the declared version that
//     build backends are known to write early (license_expression: 2.4,
//     hatchling 1.x writes it under 2.1; dynamic: 2.2; import_name and
//     import_namespace: 2.5): Warehouse (packaging) refuses the whole upload
//     with "<field> introduced in metadata version X, not Y" otherwise.
func Fields(d *dist.Distribution, o UploadOptions) []Field {
	var out []Field
	add := func(name, value string) { out = append(out, Field{name, value}) }
	m := d.Metadata
	if m == nil {
		m = &dist.Metadata{}
	}
	mv := m.Value("Metadata-Version")
	for _, h := range metadataFields {
		if v, ok := introducedIn[h.field]; ok && metadataVersionBelow(mv, v[0], v[1]) {
			continue
		}
		switch {
		case h.multi:
			for _, v := range m.All(h.name) {
				add(h.field, v)
			}
		case h.field == "name":
			if v, ok := m.Get(h.name); ok {
				add(h.field, SafeName(v))
			}
		case h.field == "keywords":
			if v, ok := m.Get(h.name); ok {
				add(h.field, joinKeywords(v))
			}
		case h.field == "requires_python":
			add(h.field, m.Value(h.name))
		default:
			if v, ok := m.Get(h.name); ok {
				add(h.field, v)
			}
		}
	}
	if _, ok := m.Get("Description"); ok || m.BodyPresent {
		add("description", m.Description())
	}
	add("pyversion", pyVersion(d))
	add("filetype", d.Kind.FileType())
	if d.Digests.SHA256 != "" {
		add("sha256_digest", d.Digests.SHA256)
	}
	if o.Attestations != nil {
		add("attestations", string(o.Attestations))
	}
	if d.Digests.Blake2b256 != "" {
		add("blake2_256_digest", d.Digests.Blake2b256)
	}
	if d.Digests.MD5 != "" {
		add("md5_digest", d.Digests.MD5)
	}
	add(":action", "file_upload")
	add("protocol_version", "1")
	return out
}

// introducedIn gives the Metadata-Version that introduced a field, for the
// fields Fields drops from older metadata.
var introducedIn = map[string][2]int{
	"license_file":       {2, 4},
	"license_expression": {2, 4},
	"dynamic":            {2, 2},
	"import_name":        {2, 5},
	"import_namespace":   {2, 5},
}

// SafeName returns twine's safe_name of a project name: every run of
// characters other than ASCII letters, digits and "." replaced by one "-".
// "my_pkg" becomes "my-pkg"; "Zebra.Cake_Tools" becomes "Zebra.Cake-Tools".
func SafeName(name string) string {
	var b strings.Builder
	run := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			b.WriteByte(c)
			run = false
			continue
		}
		if !run {
			b.WriteByte('-')
			run = true
		}
	}
	return b.String()
}

// joinKeywords splits on "," and trims each keyword, as packaging does, and
// joins them with ", " as twine 7 does.
func joinKeywords(v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// pyVersion is the pyversion field: "source" for an sdist; for a wheel the
// python tag of the file name ("py3", "cp312", "py2.py3"), or "any" when the
// name has too few parts, as twine does.
func pyVersion(d *dist.Distribution) string {
	if d.Kind != dist.Wheel {
		return "source"
	}
	base := strings.TrimSuffix(d.Filename, ".whl")
	parts := strings.Split(base, "-")
	if len(parts) < 4 || parts[len(parts)-3] == "" {
		return "any"
	}
	return parts[len(parts)-3]
}

// metadataVersionBelow reports whether the Metadata-Version v is below
// major.minor. Unparsable versions report false (the field is kept and the
// server decides).
func metadataVersionBelow(v string, major, minor int) bool {
	maj, min, ok := strings.Cut(strings.TrimSpace(v), ".")
	if !ok {
		return false
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil {
		return false
	}
	return a < major || (a == major && b < minor)
}
