package dist

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/dist/internal/pep508"
	"github.com/pypi-publish/pypi-publish/dist/internal/spdx"
	"github.com/pypi-publish/pypi-publish/dist/internal/trove"
	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// knownMetadataVersions are the Metadata-Version values PyPI accepts, in
// order (warehouse/forklift/legacy.py).
var knownMetadataVersions = []string{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}

// metadataField describes one core metadata field.
type metadataField struct {
	email string // lower-case name as packaging spells it in messages
	added string // Metadata-Version that introduced it
	multi bool
	// leftOutEarly: the upload form leaves the field out when the declared
	// Metadata-Version predates it (FormMetadata, LeftTooNew).
	leftOutEarly bool
}

var metadataFields = func() map[string]metadataField {
	m := map[string]metadataField{}
	add := func(name, added string, multi bool) {
		m[name] = metadataField{email: name, added: added, multi: multi,
			leftOutEarly: name == "license-expression" || name == "license-file" || name == "dynamic" ||
				name == "import-name" || name == "import-namespace"}
	}
	add("metadata-version", "1.0", false)
	add("name", "1.0", false)
	add("version", "1.0", false)
	add("dynamic", "2.2", true)
	add("platform", "1.0", true)
	add("supported-platform", "1.1", true)
	add("summary", "1.0", false)
	add("description", "1.0", false)
	add("description-content-type", "2.1", false)
	add("keywords", "1.0", false)
	add("home-page", "1.0", false)
	add("download-url", "1.1", false)
	add("author", "1.0", false)
	add("author-email", "1.0", false)
	add("maintainer", "1.2", false)
	add("maintainer-email", "1.2", false)
	add("license", "1.0", false)
	add("license-expression", "2.4", false)
	add("license-file", "2.4", true)
	add("classifier", "1.1", true)
	add("requires-dist", "1.2", true)
	add("requires-python", "1.2", false)
	add("requires-external", "1.2", true)
	add("project-url", "1.2", true)
	add("provides-extra", "2.1", true)
	add("provides-dist", "1.2", true)
	add("obsoletes-dist", "1.2", true)
	add("import-name", "2.5", true)
	add("import-namespace", "2.5", true)
	add("requires", "1.1", true)
	add("provides", "1.1", true)
	add("obsoletes", "1.1", true)
	return m
}()

// dynamicAllowed is Warehouse's DYNAMIC_FIELDS, lower case.
var dynamicAllowed = map[string]bool{}

func init() {
	for _, f := range []string{"Platform", "Supported-Platform", "Summary", "Description",
		"Description-Content-Type", "Keywords", "Home-Page", "Download-Url", "Author",
		"Author-Email", "Maintainer", "Maintainer-Email", "License", "License-Expression",
		"License-File", "Classifier", "Requires-Dist", "Requires-Python", "Requires-External",
		"Project-Url", "Provides-Extra", "Provides-Dist", "Obsoletes-Dist", "Requires",
		"Provides", "Obsoletes", "Import-Name", "Import-Namespace"} {
		dynamicAllowed[strings.ToLower(f)] = true
	}
}

var (
	metadataVersionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
	projectNameRE     = regexp.MustCompile(`^(?i:[a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$`)
)

// ValidProjectName reports whether name is a valid project name (core
// metadata "Name"): ASCII letters and digits, with ".", "_" and "-" inside.
func ValidProjectName(name string) bool { return projectNameRE.MatchString(name) }

// values returns the values of a field as PyPI receives them: Warehouse
// drops values that are empty or "UNKNOWN" (after trimming).
func (c *preflight) values(name string) []string {
	var out []string
	for _, v := range c.m.All(name) {
		if s := strings.TrimSpace(v); s == "" || s == "UNKNOWN" {
			continue
		}
		out = append(out, v)
	}
	return out
}

func (c *preflight) value(name string) (string, bool) {
	v := c.values(name)
	if len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// metaErr records a metadata problem (VA-01) in PyPI's wording.
func (c *preflight) metaErr(sev Severity, rule, field, msg string) {
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	c.add(sev, "VA-01", rule, field, msg,
		"fix the project metadata in the build configuration (a newer build backend may be needed); see "+coreMetadataURL)
}

func (c *preflight) checkMetadata() {
	if c.m == nil {
		c.add(SeverityError, "VA-01", "metadata-missing", "", "the distribution's metadata could not be read", "rebuild the distribution")
		return
	}
	c.checkMetadataVersion()
	c.checkLeftOut()
	c.checkFieldVersions()
	c.checkName()

	ver, ok := c.value("Version")
	if !ok {
		c.metaErr(SeverityError, "version-required", "Version", "'version' is a required field")
	} else if v, err := pep440.Parse(ver); err != nil {
		c.metaErr(SeverityError, "version-invalid", "Version", fmt.Sprintf("%s is invalid for 'version'", pyRepr(ver)))
	} else {
		c.version, c.versionOK = v, true
		if v.IsLocal() {
			c.add(c.policy(), "VA-07", "local-version", "Version",
				fmt.Sprintf("The use of local versions in '%s' is not allowed.", v), "drop the local segment (\"+...\"), e.g. setuptools-scm local_scheme = \"no-local-version\"; see https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers")
		}
	}

	if s, ok := c.value("Summary"); ok {
		if strings.ContainsAny(s, "\r\n") {
			c.metaErr(SeverityError, "summary-single-line", "Summary", "'summary' must be a single line")
		}
		if n := utf8.RuneCountInString(s); n > 512 {
			c.metaErr(SeverityError, "summary-length", "Summary", "'summary' field must be 512 characters or less")
		}
	}
	c.checkDescriptionContentType()
	c.checkEmails()
	c.checkURLs()
	c.checkRequirements()
	c.checkDynamic()
	c.checkLicense()
	c.checkClassifiers()
	c.checkImportNames()
}

// checkMetadataVersion applies the Metadata-Version policy (VA-01, VA-02).
func (c *preflight) checkMetadataVersion() {
	c.metaVerIdx = -1
	mv, ok := c.value("Metadata-Version")
	c.metaVer = strings.TrimSpace(mv)
	if !ok {
		c.metaErr(SeverityError, "metadata-version-required", "Metadata-Version", "None is not a valid metadata version")
		return
	}
	for i, k := range knownMetadataVersions {
		if mv == k {
			c.metaVerIdx = i
			return
		}
	}
	if metadataVersionRE.MatchString(mv) && newerThan(mv, NewestMetadataVersion) {
		c.metaVerIdx = len(knownMetadataVersions)
		c.add(SeverityWarning, "VA-02", "metadata-version-newer", "Metadata-Version",
			fmt.Sprintf("Metadata-Version %s is newer than %s, the newest PyPI is known to accept; the index decides", mv, NewestMetadataVersion),
			"the file is uploaded first and alone, so if the index refuses it nothing else of the release is sent; then configure the build backend for Metadata-Version "+NewestMetadataVersion+" or older")
		return
	}
	c.metaErr(SeverityError, "metadata-version-invalid", "Metadata-Version", fmt.Sprintf("%s is not a valid metadata version", pyRepr(mv)))
}

func newerThan(a, b string) bool {
	pa, pb := strings.SplitN(a, ".", 2), strings.SplitN(b, ".", 2)
	for i := 0; i < 2; i++ {
		x, err1 := strconv.Atoi(pa[i])
		y, err2 := strconv.Atoi(pb[i])
		if err1 != nil || err2 != nil {
			return len(pa[i]) > len(pb[i])
		}
		if x != y {
			return x > y
		}
	}
	return false
}

// checkFieldVersions flags fields the form sends that are newer than the
// declared Metadata-Version (the ones build backends write early are left
// out of the form; checkLeftOut warns about those).
func (c *preflight) checkFieldVersions() {
	if c.metaVerIdx < 0 || c.metaVerIdx >= len(knownMetadataVersions) {
		return
	}
	seen := map[string]bool{}
	for _, h := range c.m.Headers {
		key := strings.ToLower(h.Name)
		f, ok := metadataFields[key]
		if !ok || seen[key] {
			continue
		}
		if s := strings.TrimSpace(h.Value); s == "" || s == "UNKNOWN" {
			continue
		}
		seen[key] = true
		if indexOf(knownMetadataVersions, f.added) > c.metaVerIdx {
			c.add(c.policy(), "VA-01", "field-too-new", h.Name,
				fmt.Sprintf("%s introduced in metadata version %s, not %s.", f.email, f.added, c.metaVer),
				fmt.Sprintf("build with Metadata-Version %s or newer (a newer build backend), or drop the field; see %s", f.added, coreMetadataURL))
		}
	}
}

// checkLeftOut warns once per field the upload form leaves out
// (FormMetadata): PyPI never sees it, so it accepts the file, and the
// project page will not show the field.
func (c *preflight) checkLeftOut() {
	count := map[string]int{}
	var order []LeftOut
	for _, l := range c.left {
		key := strings.ToLower(l.Header.Name)
		if count[key] == 0 {
			order = append(order, l)
		}
		count[key]++
	}
	for _, l := range order {
		name := l.Header.Name
		switch {
		case l.Why == LeftTooNew && strings.EqualFold(name, "License-File"):
			// Build backends have written it under 2.1 for years, and
			// PyPI's project page does not show license files: a notice.
			c.add(SeverityNotice, "VA-01", "field-left-out", name,
				fmt.Sprintf("%s is left out of the upload: the field belongs to Metadata-Version %s and this file declares %s, so PyPI would refuse the file with it. Without it PyPI accepts the file; its project page does not show license files either way, and its JSON API lists none for this release", name, l.Since, c.metaVer),
				fmt.Sprintf("build with Metadata-Version %s or newer (a newer build backend) to publish the license files; see %s", l.Since, coreMetadataURL))
		case l.Why == LeftTooNew:
			c.add(SeverityWarning, "VA-01", "field-left-out", name,
				fmt.Sprintf("%s is left out of the upload: the field belongs to Metadata-Version %s and this file declares %s, so PyPI would refuse the file with it. Without it PyPI accepts the file, and the project page does not show it", name, l.Since, c.metaVer),
				fmt.Sprintf("build with Metadata-Version %s or newer (a newer build backend) to publish the field; see %s", l.Since, coreMetadataURL))
		case l.Why == LeftRepeated:
			c.add(SeverityWarning, "VA-01", "field-left-out", name,
				fmt.Sprintf("%s appears %d times but takes one value: only the first is sent, which PyPI refuses otherwise, and the project page shows %s", name, count[strings.ToLower(name)]+1, pyRepr(oneLine(c.m.Value(name)))),
				"keep one "+name+" in the build configuration")
		case l.Why == LeftUnknown:
			c.add(SeverityWarning, "VA-01", "field-unknown", name,
				fmt.Sprintf("%s is not a core metadata field this action knows; it is not sent and PyPI will not show it. The file is uploaded first and alone, because PyPI's answer to a field it may know cannot be predicted", name),
				"drop the field, or check that the build backend writes a Metadata-Version PyPI supports; see "+coreMetadataURL)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// checkName applies the upload form's rules to the name it sends
// (SafeName of the metadata's Name).
func (c *preflight) checkName() {
	name, ok := c.value("Name")
	switch {
	case !ok:
		c.add(SeverityError, "VA-01", "name-required", "Name",
			"'' is an invalid value for Name. Error: This field is required.",
			"set the project name in the build configuration ([project] name); see "+coreMetadataURL)
	case !ValidProjectName(name):
		// The upload form refuses it before the metadata is parsed.
		shown := name
		if utf8.RuneCountInString(shown) > 60 {
			r := []rune(shown)
			shown = string(r[:30]) + "..." + string(r[len(r)-30:])
		}
		c.add(SeverityError, "VA-01", "name-invalid", "Name",
			fmt.Sprintf("%s is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.", pyRepr(shown)),
			"use a project name of ASCII letters and digits with '.', '_' or '-' inside; see "+coreMetadataURL)
	default:
		if orig := c.d.Metadata.Value("Name"); orig != name {
			if !ValidProjectName(strings.TrimSpace(orig)) {
				c.add(SeverityWarning, "VA-01", "name-sent-safe", "Name",
					fmt.Sprintf("Name %s is not a valid project name; it is sent as %s (as twine sends it), which PyPI accepts, but installers read %s from the file", pyRepr(orig), pyRepr(name), pyRepr(orig)),
					"use a valid project name (ASCII letters and digits with '.', '_' or '-' inside); see "+coreMetadataURL)
			}
		}
	}
}

func (c *preflight) checkDescriptionContentType() {
	v, ok := c.value("Description-Content-Type")
	if !ok {
		return
	}
	if msg := validateContentType(v); msg != "" {
		c.metaErr(SeverityError, "description-content-type", "Description-Content-Type", msg)
	}
}

// validateContentType checks a Description-Content-Type value as
// packaging.metadata does (the type through Python's e-mail header parser,
// then charset and Markdown variant); it returns "" when valid, else
// packaging's message. The list of types is printed in the order PyPI's
// Python prints that set with PYTHONHASHSEED=0; on PyPI the order can vary
// from one worker to the next.
func validateContentType(v string) string {
	head, rest, _ := strings.Cut(v, ";")
	switch ct := strings.ToLower(strings.TrimSpace(head)); ct {
	case "text/plain", "text/x-rst", "text/markdown":
		params := contentTypeParams(rest)
		if cs, ok := params["charset"]; ok && cs != "UTF-8" {
			return fmt.Sprintf("'description-content-type' can only specify the UTF-8 charset, not %s", pyRepr(cs))
		}
		if variant, ok := params["variant"]; ok && ct == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
			return fmt.Sprintf("valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not %s", pyRepr(variant))
		}
		return ""
	}
	return fmt.Sprintf("'description-content-type' must be one of ['text/x-rst', 'text/markdown', 'text/plain'], not %s", pyRepr(v))
}

// contentTypeParams reads MIME parameters ("; key=value" ...) the way
// Python's e-mail header parser does for these values: keys lower-cased,
// the first of repeated keys kept, a key without "=" gets "", a key with
// "=" and nothing after it is dropped, a value is a quoted string or the
// token up to white space or a special character, RFC 2231 "key*=charset”value"
// is decoded, and malformed keys are dropped.
func contentTypeParams(rest string) map[string]string {
	params := map[string]string{}
	for _, seg := range strings.Split(rest, ";") {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		k, val, hasEq := strings.Cut(seg, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" || strings.ContainsAny(k, " \t()<>@,;:\\\"/[]?") {
			continue
		}
		ext := strings.HasSuffix(k, "*")
		k = strings.TrimSuffix(k, "*")
		if _, dup := params[k]; dup {
			continue
		}
		if !hasEq {
			params[k] = ""
			continue
		}
		val = strings.TrimSpace(val)
		if strings.HasPrefix(val, `"`) {
			if end := strings.IndexByte(val[1:], '"'); end >= 0 {
				val = val[1 : end+1]
			} else {
				val = val[1:]
			}
		} else if i := strings.IndexAny(val, " \t()<>@,;:\\\"/[]?="); i >= 0 {
			val = val[:i]
		}
		if ext {
			if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
				val = parts[2]
			}
		}
		if val == "" {
			continue
		}
		params[k] = val
	}
	return params
}

func (c *preflight) checkEmails() {
	for _, f := range []string{"Author-email", "Maintainer-email"} {
		v, ok := c.value(f)
		if !ok {
			continue
		}
		addr := parseAddr(v)
		if addr == "" {
			continue // no single address: Warehouse validates nothing
		}
		if reason := emailProblem(addr); reason != "" {
			c.metaErr(SeverityError, "email-invalid", f, fmt.Sprintf("%s is not a valid email address: %s", pyRepr(addr), reason))
		}
	}
}

var (
	uriSchemeRE = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*):`)
	uriPortRE   = regexp.MustCompile(`^//(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:\[\]]*):([0-9]+)(?:[/?#]|$)`)
)

// validHTTPURL mirrors Warehouse's is_valid_uri(require_authority=False),
// which uses the rfc3986 package: a scheme is required and must be http or
// https, and a numeric port must be at most 65535. rfc3986 percent-encodes
// everything else while normalizing, so nothing else is refused.
func validHTTPURL(u string) bool {
	m := uriSchemeRE.FindStringSubmatch(u)
	if m == nil {
		return false
	}
	switch strings.ToLower(m[1]) {
	case "http", "https":
	default:
		return false
	}
	rest := u[len(m[0]):]
	if p := uriPortRE.FindStringSubmatch(rest); p != nil {
		if n, err := strconv.Atoi(p[1]); err != nil || n > 65535 {
			return false
		}
	}
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[i:]
		} else {
			rest = ""
		}
	}
	rest, _, _ = strings.Cut(rest, "#")
	// Brackets survive normalization and are invalid in a path or query.
	return !strings.ContainsAny(rest, "[]")
}

func (c *preflight) checkURLs() {
	for _, f := range []string{"Home-page", "Download-URL"} {
		if v, ok := c.value(f); ok && !validHTTPURL(strings.TrimSpace(v)) {
			c.metaErr(SeverityError, "url-invalid", f, fmt.Sprintf("%s is not a valid url", pyRepr(v)))
		}
	}
	labels := map[string]bool{}
	for _, pair := range c.values("Project-URL") {
		label, url, _ := strings.Cut(pair, ",")
		label, url = strings.TrimSpace(label), strings.TrimSpace(url)
		switch {
		case labels[label]:
			c.metaErr(SeverityError, "project-url-duplicate", "Project-URL", "'project_urls' has invalid data")
		case label == "":
			c.metaErr(SeverityError, "project-url-label", "Project-URL", "Must have a label")
		case utf8.RuneCountInString(label) > 32:
			c.metaErr(SeverityError, "project-url-label", "Project-URL", fmt.Sprintf("%s must be 32 characters or less", pyRepr(label)))
		case url == "":
			c.metaErr(SeverityError, "project-url-url", "Project-URL", "Must have a URL")
		case !validHTTPURL(url):
			c.metaErr(SeverityError, "project-url-url", "Project-URL", fmt.Sprintf("%s is not a valid url", pyRepr(url)))
		}
		labels[label] = true
	}
}

func (c *preflight) checkRequirements() {
	for _, f := range []string{"Requires-Dist", "Provides-Dist", "Obsoletes-Dist"} {
		for _, v := range c.values(f) {
			r, err := pep508.ParseRequirement(v)
			// packaging validates Requires-Dist ("... is invalid for
			// 'requires-dist'"); Warehouse validates the other two itself
			// and appends packaging's parser diagnostic.
			requires := f == "Requires-Dist"
			switch {
			case err != nil && requires:
				c.metaErr(SeverityError, "requirement-invalid", f, fmt.Sprintf("%s is invalid for '%s'", pyRepr(v), strings.ToLower(f)))
			case err != nil:
				detail := err.Error()
				var se *pep508.SyntaxError
				if errors.As(err, &se) {
					detail = se.Message
				}
				c.metaErr(SeverityError, "requirement-invalid", f, fmt.Sprintf("%s is invalid: %s", pyRepr(v), detail))
			case r.URL != "":
				shown := v
				if !requires {
					shown = pyRepr(v)
				}
				c.add(c.policy(), "VA-01", "direct-reference", f,
					fmt.Sprintf("Can't have direct dependency: %s.", shown),
					"PyPI does not allow direct URL references; depend on a released project instead")
			}
		}
	}
	if v, ok := c.value("Requires-Python"); ok {
		if _, err := pep508.ParseSpecifierSet(v); err != nil {
			c.metaErr(SeverityError, "requires-python-invalid", "Requires-Python", fmt.Sprintf("%s is invalid for 'requires-python'", pyRepr(v)))
		}
	}
	for _, v := range c.values("Provides-Extra") {
		if !ValidProjectName(v) {
			c.metaErr(SeverityError, "extra-invalid", "Provides-Extra", fmt.Sprintf("%s is invalid for 'provides-extra'", pyRepr(v)))
		}
	}
}

func (c *preflight) checkDynamic() {
	for _, v := range c.values("Dynamic") {
		k := strings.ToLower(strings.TrimSpace(v))
		switch {
		case k == "name" || k == "version" || k == "metadata-version":
			c.metaErr(SeverityError, "dynamic-invalid", "Dynamic", fmt.Sprintf("%s is not allowed as a dynamic field", pyRepr(k)))
		case metadataFields[k] == (metadataField{}):
			c.metaErr(SeverityError, "dynamic-invalid", "Dynamic", fmt.Sprintf("%s is not a valid dynamic field", pyRepr(k)))
		case !dynamicAllowed[k]:
			c.metaErr(SeverityError, "dynamic-invalid", "Dynamic", fmt.Sprintf("Dynamic field %s is not a valid dynamic field", pyRepr(k)))
		}
	}
}

func (c *preflight) checkLicense() {
	expr, hasExpr := c.value("License-Expression")
	if hasExpr {
		if _, err := spdx.Canonicalize(expr); err != nil {
			c.add(SeverityError, "VA-01", "license-expression-invalid", "License-Expression",
				fmt.Sprintf("%s is invalid for 'license-expression'.", pyRepr(expr)),
				fmt.Sprintf("write a valid SPDX license expression (%v); see https://spdx.org/licenses/ and %s", err, coreMetadataURL))
		}
	}
	if lic, ok := c.value("License"); ok && lic != "" && hasExpr {
		c.metaErr(SeverityError, "license-exclusive", "License",
			"License is deprecated when License-Expression is present. Only License-Expression should be present.")
	}
	for _, p := range c.values("License-File") {
		var why string
		switch {
		case strings.Contains(p, ".."):
			why = "parent directory indicators are not allowed"
		case strings.Contains(p, "*"):
			why = "paths must be resolved"
		case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "\\") || (len(p) >= 2 && p[1] == ':'):
			why = "paths must be relative"
		case strings.Contains(p, "\\"):
			why = "paths must use '/' delimiter"
		}
		if why != "" {
			c.metaErr(SeverityError, "license-file-path", "License-File", fmt.Sprintf("%s is invalid for 'license-file', %s", pyRepr(p), why))
		}
	}
}

func (c *preflight) checkClassifiers() {
	seen := map[string]bool{}
	for _, cl := range c.values("Classifier") {
		if seen[cl] {
			continue
		}
		seen[cl] = true
		switch st, repl := c.classifiers.list().Lookup(cl); st {
		case trove.Unknown:
			c.add(c.policy(), "VA-01", "classifier-unknown", "Classifier",
				fmt.Sprintf("%s is not a valid classifier.", pyRepr(cl)),
				"use a classifier from https://pypi.org/classifiers/ (checked against "+c.classifiers.Source()+")")
		case trove.Deprecated:
			msg := fmt.Sprintf("The classifier %s has been deprecated.", pyRepr(cl))
			if len(repl) > 0 {
				q := make([]string, len(repl))
				for i, r := range repl {
					q[i] = pyRepr(r)
				}
				msg = fmt.Sprintf("The classifier %s has been deprecated, use one of [%s] instead.", pyRepr(cl), strings.Join(q, ", "))
			}
			c.add(c.policy(), "VA-01", "classifier-deprecated", "Classifier", msg, "replace the deprecated classifier")
		}
	}
}

var pyKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield") {
		pyKeywords[k] = true
	}
}

func isPyIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || unicode.IsLetter(r) || (i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r)))
		if !ok {
			return false
		}
	}
	return true
}

func (c *preflight) checkImportNames() {
	for _, f := range []string{"Import-Name", "Import-Namespace"} {
		for _, v := range c.values(f) {
			name, private, hasOpt := strings.Cut(v, ";")
			name = strings.TrimRight(name, " \t")
			for _, id := range strings.Split(name, ".") {
				if !isPyIdentifier(id) {
					c.metaErr(SeverityError, "import-name-invalid", f, fmt.Sprintf("%s is invalid for '%s'; %s is not a valid identifier", pyRepr(name), strings.ToLower(f), pyRepr(id)))
					break
				}
				if pyKeywords[id] {
					c.metaErr(SeverityError, "import-name-invalid", f, fmt.Sprintf("%s is invalid for '%s'; %s is a keyword", pyRepr(name), strings.ToLower(f), pyRepr(id)))
					break
				}
			}
			if hasOpt && strings.TrimSpace(private) != "private" {
				c.metaErr(SeverityError, "import-name-invalid", f, fmt.Sprintf("%s is invalid for '%s'; the only valid option is 'private'", pyRepr(v), strings.ToLower(f)))
			}
		}
	}
}

// pyRepr quotes s the way Python's repr() does for simple strings, so
// messages read like PyPI's.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		q = "\""
	}
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case string(r) == q:
			b.WriteString(`\` + q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(q)
	return b.String()
}
