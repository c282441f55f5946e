package dist

import (
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
}

var metadataFields = func() map[string]metadataField {
	m := map[string]metadataField{}
	add := func(name, added string, multi bool) {
		m[name] = metadataField{email: name, added: added, multi: multi}
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
	for _, v := range c.d.Metadata.All(name) {
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
	m := c.d.Metadata
	if m == nil {
		c.add(SeverityError, "VA-01", "metadata-missing", "", "the distribution's metadata could not be read", "rebuild the distribution")
		return
	}
	c.checkMetadataVersion()
	c.checkFieldVersions()

	name, ok := c.value("Name")
	switch {
	case !ok:
		c.metaErr(SeverityError, "name-required", "Name", "'name' is a required field")
	case !ValidProjectName(name):
		// The upload form rejects it before the metadata is parsed.
		c.metaErr(SeverityError, "name-invalid", "Name", fmt.Sprintf("%s is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. See %s for more information.", pyRepr(name), coreMetadataURL))
	}

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

	c.checkSingleUse()
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
		c.metaErr(SeverityError, "metadata-version-required", "Metadata-Version", "'metadata-version' is a required field")
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
			"if the index rejects it, configure the build backend for Metadata-Version "+NewestMetadataVersion+" or older")
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

// checkFieldVersions flags fields newer than the declared Metadata-Version.
// License-File below 2.4 is not flagged: uploaders drop it (twine does).
func (c *preflight) checkFieldVersions() {
	if c.metaVerIdx < 0 || c.metaVerIdx >= len(knownMetadataVersions) {
		return
	}
	seen := map[string]bool{}
	for _, h := range c.d.Metadata.Headers {
		key := strings.ToLower(h.Name)
		f, ok := metadataFields[key]
		if !ok || seen[key] || key == "license-file" {
			continue
		}
		if s := strings.TrimSpace(h.Value); s == "" || s == "UNKNOWN" {
			continue
		}
		seen[key] = true
		if indexOf(knownMetadataVersions, f.added) > c.metaVerIdx {
			if DroppedFromUpload(key) {
				// The uploader leaves these out of the form for older
				// metadata (publish.Fields), so PyPI never sees them and
				// accepts the file; the user should still know.
				c.add(SeverityWarning, "VA-01", "field-too-new", h.Name,
					fmt.Sprintf("%s introduced in metadata version %s, not %s.", f.email, f.added, c.metaVer),
					fmt.Sprintf("the field is left out of the upload, so PyPI accepts the file but will not show it; build with Metadata-Version %s or newer (a newer build backend) to publish it; see %s", f.added, coreMetadataURL))
				continue
			}
			c.add(c.policy(), "VA-01", "field-too-new", h.Name,
				fmt.Sprintf("%s introduced in metadata version %s, not %s.", f.email, f.added, c.metaVer),
				fmt.Sprintf("build with Metadata-Version %s or newer (a newer build backend), or drop the field; see %s", f.added, coreMetadataURL))
		}
	}
}

// DroppedFromUpload reports whether the uploader leaves the header (lower
// case, e.g. "license-expression") out of the upload form when the
// declared Metadata-Version predates it. Warehouse would refuse the whole
// file otherwise ("license-expression introduced in metadata version 2.4,
// not 2.1."), and hatchling 1.12 writes License-Expression under 2.1.
func DroppedFromUpload(header string) bool {
	switch header {
	case "license-expression", "license-file", "dynamic", "import-name", "import-namespace":
		return true
	}
	return false
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// checkSingleUse flags single-use fields given more than once: PyPI
// answers "'<field>' has invalid data".
func (c *preflight) checkSingleUse() {
	count := map[string]int{}
	for _, h := range c.d.Metadata.Headers {
		key := strings.ToLower(h.Name)
		if f, ok := metadataFields[key]; ok && !f.multi && key != "description" {
			if s := strings.TrimSpace(h.Value); s != "" && s != "UNKNOWN" {
				count[key]++
				if count[key] == 2 {
					c.metaErr(SeverityError, "field-repeated", h.Name, fmt.Sprintf("'%s' has invalid data (given more than once)", strings.ReplaceAll(key, "-", "_")))
				}
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

// validateContentType checks a Description-Content-Type value the way
// packaging does; it returns "" when valid, else the message.
func validateContentType(v string) string {
	parts := strings.Split(v, ";")
	ct := strings.ToLower(strings.TrimSpace(parts[0]))
	params := map[string]string{}
	malformed := fmt.Sprintf("%s is not a valid content type for 'description-content-type'", pyRepr(v))
	for i, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			if i == len(parts)-2 {
				continue // a trailing ";" is tolerated
			}
			return malformed
		}
		k, val, ok := strings.Cut(p, "=")
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		quoted := len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"'
		if quoted {
			val = val[1 : len(val)-1]
		}
		if !ok || k == "" || strings.ContainsAny(k, " \t") || (!quoted && (val == "" || strings.ContainsAny(val, " \t"))) {
			return malformed
		}
		k = strings.ToLower(k)
		if _, dup := params[k]; dup {
			return malformed
		}
		params[k] = val
	}
	switch ct {
	case "text/plain", "text/x-rst", "text/markdown":
	default:
		return fmt.Sprintf("'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not %s", pyRepr(v))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Sprintf("'description-content-type' can only specify the UTF-8 charset, not %s", pyRepr(cs))
	}
	if variant, ok := params["variant"]; ok && ct == "text/markdown" && variant != "GFM" && variant != "CommonMark" {
		return fmt.Sprintf("valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not %s", pyRepr(variant))
	}
	return ""
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

// parseAddr approximates Python's email.utils.parseaddr (strict mode) as
// Warehouse uses it: "" when the value holds several addresses; the part
// in angle brackets when there is one; else the first word (comments in
// parentheses dropped).
func parseAddr(v string) string {
	depth, quoted, angle := 0, false, false
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case quoted:
			if ch == '"' {
				quoted = false
			}
		case ch == '"':
			quoted = true
		case ch == '(':
			depth++
			continue
		case ch == ')' && depth > 0:
			depth--
			continue
		case depth > 0:
			continue
		case ch == '<':
			angle = true
		case ch == '>':
			angle = false
		case ch == ',' && !angle:
			if strings.TrimSpace(v[i+1:]) != "" && strings.TrimSpace(b.String()) != "" {
				return ""
			}
		}
		b.WriteByte(ch)
	}
	s := strings.TrimSpace(b.String())
	var addr string
	if i := strings.IndexByte(s, '<'); i >= 0 {
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			j = len(s) - i
		}
		addr = strings.Join(strings.Fields(s[i+1:i+j]), " ")
		if strings.HasPrefix(addr, "@") {
			return "" // a source route, not an address
		}
	} else if f := strings.Fields(strings.TrimRight(s, ",")); len(f) > 0 {
		addr = f[0]
		if strings.Contains(s, "@") {
			addr = strings.Join(f, " ")
		}
	}
	// Strict parsing yields nothing for a malformed addr-spec.
	if strings.Count(addr, "@") > 1 || strings.HasSuffix(addr, "@") {
		return ""
	}
	return addr
}

// specialUseDomains are top-level names email-validator refuses by default.
var specialUseDomains = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

var (
	domainLabelRE = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$`)
	localAtomRE   = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\x{80}-\\x{10FFFF}]+$")
)

// emailProblem returns why addr is not a valid address, following the
// syntax checks of the email-validator package PyPI uses (no DNS).
func emailProblem(addr string) string {
	parts := strings.Split(addr, "@")
	if len(parts) != 2 {
		return "The email address is not valid. It must have exactly one @-sign."
	}
	local, domain := parts[0], parts[1]
	switch {
	case local == "":
		return "There must be something before the @-sign."
	case domain == "":
		return "There must be something after the @-sign."
	case utf8.RuneCountInString(local) > 64:
		return "The email address is too long before the @-sign."
	case len(addr) > 254:
		return "The email address is too long."
	}
	for _, atom := range strings.Split(local, ".") {
		if atom == "" {
			return "The email address contains a period in an invalid place before the @-sign."
		}
		if !localAtomRE.MatchString(atom) {
			return "The email address contains invalid characters before the @-sign."
		}
	}
	if !isASCIIString(domain) {
		return "" // internationalized domains: left to the server
	}
	if strings.HasSuffix(domain, ".") {
		return "An email address cannot end with a period."
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return fmt.Sprintf("The domain name %s is not valid. It should have a period.", domain)
	}
	for _, l := range labels {
		if l == "" {
			return "An email address cannot have two periods in a row."
		}
		if len(l) > 63 || !domainLabelRE.MatchString(l) {
			return fmt.Sprintf("The domain name %s contains invalid characters.", domain)
		}
	}
	lower := strings.ToLower(domain)
	for _, d := range specialUseDomains {
		if lower == d || strings.HasSuffix(lower, "."+d) {
			return fmt.Sprintf("The domain name %s is a special-use or reserved name that cannot be used with email.", domain)
		}
	}
	tld := labels[len(labels)-1]
	if last := tld[len(tld)-1]; !('a' <= last && last <= 'z' || 'A' <= last && last <= 'Z') {
		return fmt.Sprintf("The domain name %s is not valid. It is not within a valid top-level domain.", domain)
	}
	return ""
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
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
			c.metaErr(SeverityError, "project-url-duplicate", "Project-URL", fmt.Sprintf("'project_urls' has invalid data (label %s given twice)", pyRepr(label)))
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
			if err != nil {
				c.metaErr(SeverityError, "requirement-invalid", f, fmt.Sprintf("%s is invalid for '%s'", pyRepr(v), strings.ToLower(f)))
				continue
			}
			if r.URL != "" {
				c.add(c.policy(), "VA-01", "direct-reference", f,
					fmt.Sprintf("Can't have direct dependency: %s.", v),
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
			c.metaErr(SeverityError, "license-expression-invalid", "License-Expression",
				fmt.Sprintf("%s is invalid for 'license-expression' (%v)", pyRepr(expr), err))
		}
	}
	if lic, ok := c.value("License"); ok && lic != "" && hasExpr {
		c.metaErr(SeverityError, "license-exclusive", "License",
			"License is deprecated when License-Expression is present. Only License-Expression should be present.")
	}
	if c.metaVerIdx >= 0 && c.metaVerIdx < indexOf(knownMetadataVersions, "2.4") {
		return // License-File is dropped from the upload below 2.4
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
		switch st, repl := trove.Lookup(cl); st {
		case trove.Unknown:
			c.add(c.policy(), "VA-01", "classifier-unknown", "Classifier",
				fmt.Sprintf("%s is not a valid classifier.", pyRepr(cl)),
				"use a classifier from https://pypi.org/classifiers/ (list: "+trove.Source()+")")
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
