package publish

import (
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
// The metadata is what dist.FormMetadata keeps, the view the preflight
// judges: fields newer than the declared Metadata-Version that build
// backends write early (license_file, license_expression, dynamic,
// import_name, import_namespace) are left out, as twine leaves out
// license_file, because Warehouse refuses the whole upload with "<field>
// introduced in metadata version X, not Y" otherwise; a single-valued
// header written more than once is sent once (its first value), because
// Warehouse refuses a single-valued field sent twice; name is twine's
// safe_name (dist.SafeName), because Warehouse renames the project's
// display name to the uploaded one and the original action uses twine.
// Names and values otherwise follow twine (twine/package.py),
// with these deliberate differences:
//   - requires_python is always sent, empty when absent, as uv does: GitLab
//     requires it and Warehouse treats an empty value as absent.
//   - md5_digest (hex) is sent, as twine before 6.2 did: Warehouse checks it
//     and some Artifactory setups require it.
//   - import_name and import_namespace (Metadata 2.5) are sent under
//     Warehouse's names; twine does not send them at all.
//   - keywords is split on "," and joined with ", " as twine 7 does; twine 4
//     sends the header as written.
func Fields(d *dist.Distribution, o UploadOptions) []Field {
	var out []Field
	add := func(name, value string) { out = append(out, Field{name, value}) }
	m, _ := dist.FormMetadata(d.Metadata)
	for _, h := range metadataFields {
		switch {
		case h.multi:
			for _, v := range m.All(h.name) {
				add(h.field, v)
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

// SafeName returns twine's safe_name of a project name (dist.SafeName):
// every run of characters other than ASCII letters, digits and "." replaced
// by one "-". "my_pkg" becomes "my-pkg"; "Zebra.Cake_Tools" becomes
// "Zebra.Cake-Tools".
func SafeName(name string) string { return dist.SafeName(name) }

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
