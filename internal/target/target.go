// Package target decides, once at the start of a run, which index the run
// publishes to and what follows from it: the kind of index (PyPI, TestPyPI
// or a third-party index), the upload URL, the simple-API URL for the
// existing-file check, the web site for release links, and whether the
// host is this machine (which allows plain http without a warning).
//
// The rules live here and nowhere else: the libraries (publish, oidc, dist)
// receive what they need through their options.
package target

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Kind classifies an index.
type Kind int

const (
	// Other is any third-party index: pypiserver, devpi, Artifactory, …
	Other Kind = iota
	// PyPI is pypi.org (uploads to upload.pypi.org).
	PyPI
	// TestPyPI is test.pypi.org.
	TestPyPI
)

// IsPyPI reports whether k is PyPI or TestPyPI, the indexes that follow
// Warehouse's rules (policy checks are errors, 409 is a name conflict,
// attestations and trusted-publishing links exist).
func (k Kind) IsPyPI() bool { return k == PyPI || k == TestPyPI }

// String names the index kind for messages: "PyPI", "TestPyPI" or
// "third-party index".
func (k Kind) String() string {
	switch k {
	case PyPI:
		return "PyPI"
	case TestPyPI:
		return "TestPyPI"
	}
	return "third-party index"
}

// webBase returns the web site of PyPI or TestPyPI, or "".
func (k Kind) webBase() string {
	switch k {
	case PyPI:
		return "https://pypi.org"
	case TestPyPI:
		return "https://test.pypi.org"
	}
	return ""
}

// simpleURL returns the simple API root of PyPI or TestPyPI, or "".
func (k Kind) simpleURL() string {
	if b := k.webBase(); b != "" {
		return b + "/simple/"
	}
	return ""
}

// apiURL returns Warehouse's root on PyPI or TestPyPI, where the JSON API
// (/pypi/<project>/<version>/json) and the Integrity API
// (/integrity/<project>/<version>/<file>/provenance) live, or "".
func (k Kind) apiURL() string {
	if b := k.webBase(); b != "" {
		return b + "/"
	}
	return ""
}

// classifiersURL is where Warehouse serves its plain-text trove classifier
// list (route "legacy.api.pypi.list_classifiers" of warehouse/routes.py),
// or "" for an index whose list route is unknown.
func (k Kind) classifiersURL() string {
	if b := k.webBase(); b != "" {
		return b + "/pypi?%3Aaction=list_classifiers"
	}
	return ""
}

// KindOfHost is the one rule that says which index a host belongs to:
// upload.pypi.org and pypi.org are PyPI, test.pypi.org is TestPyPI, any
// other host is a third-party index. The comparison ignores case and one
// trailing dot ("upload.pypi.org." is the same host in DNS); it is never a
// substring match.
func KindOfHost(host string) Kind {
	switch strings.ToLower(strings.TrimSuffix(host, ".")) {
	case "upload.pypi.org", "pypi.org":
		return PyPI
	case "test.pypi.org":
		return TestPyPI
	}
	return Other
}

// IsLoopback is the one rule that says whether a host is this machine:
// "localhost" (any case, one trailing dot allowed) or a loopback IP
// address (127.0.0.0/8, ::1). Names under .localhost do not count: they
// go through DNS like any other name.
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// KindOverride parses the PYPI_PUBLISH_INDEX_KIND test hook: "pypi" and
// "testpypi" select those kinds, any other non-empty value a third-party
// index. ok is false for "" (decide by host).
func KindOverride(hook string) (k Kind, ok bool) {
	switch hook {
	case "":
		return Other, false
	case "pypi":
		return PyPI, true
	case "testpypi":
		return TestPyPI, true
	}
	return Other, true
}

// Target is the index a run publishes to. The zero value is not useful;
// build one with [New].
type Target struct {
	// Kind is the index's kind: by host, unless the PYPI_PUBLISH_INDEX_KIND
	// hook overrides it (tests, private Warehouse instances).
	Kind Kind
	// UploadURL is the legacy upload endpoint. It is the repository-url
	// input, except that for PyPI and TestPyPI a path of "/legacy" gets its
	// trailing slash (IN-05: Warehouse redirects, and redirects are never
	// followed).
	UploadURL string
	// SlashAdded reports that the IN-05 slash was added.
	SlashAdded bool
	// SimpleURL is the simple API root used to look up files the index
	// already has: the index-url input when given, else PyPI's or
	// TestPyPI's when the upload host is theirs and Kind agrees (the kind
	// override never sends a fake index's lookups to pypi.org), else the
	// root that the upload URL's form implies for a known server (see
	// [Recognize]); "" when unknown.
	SimpleURL string
	// SimpleFrom says where SimpleURL came from: SimpleFromInput,
	// SimpleFromPyPI, SimpleFromForm, or "" when there is none.
	SimpleFrom string
	// Server is the index software the upload URL's form names
	// (ServerUnknown when the form is not one of a known server's).
	Server Server
	// LookupCredentials reports whether look-ups of SimpleURL may carry
	// the upload credentials: the simple API is on the repository's scheme,
	// host and port, and the index is not PyPI or TestPyPI (whose simple
	// API is public). Other hosts never get them.
	LookupCredentials bool
	// SimpleLike is set when the upload URL looks like a simple API (a
	// path ending in /simple or /+simple), which takes no uploads: it is
	// the upload URL the known servers would use instead ("" when the path
	// does not look like one).
	SimpleLike string
	// ClassifiersURL is where the index serves its current trove
	// classifier list (PyPI's and TestPyPI's list route), chosen like
	// SimpleURL by the real upload host; "" when unknown.
	ClassifiersURL string
	// APIURL is Warehouse's root for reading a release back after the
	// upload: the JSON API (/pypi/<project>/<version>/json) and PEP 740's
	// Integrity API (/integrity/<project>/<version>/<file>/provenance).
	// "https://pypi.org/" or "https://test.pypi.org/", chosen like
	// ClassifiersURL by the real upload host; "" for any other index
	// (which serves neither).
	APIURL string
	// WebBase is the web site for release and trusted-publisher links:
	// "https://pypi.org" or "https://test.pypi.org" for those kinds
	// (override included), "" for a third-party index.
	WebBase string
	// Loopback reports that the upload host is this machine ([IsLoopback]).
	Loopback bool
	// PlainHTTP reports that the upload URL's scheme is http.
	PlainHTTP bool
}

// New decides the target from the repository-url and index-url inputs and
// the PYPI_PUBLISH_INDEX_KIND hook ("" = decide by host). repositoryURL
// must be an absolute http(s) URL with a host; config.Validate has said so
// to the user already, so New's error is a plain one. New never panics and
// does no I/O.
func New(repositoryURL, indexURL, kindHook string) (Target, error) {
	u, err := url.Parse(repositoryURL)
	if err != nil {
		return Target{}, fmt.Errorf("failed to parse repository-url: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Target{}, fmt.Errorf("failed to use repository-url %q: it must be an http(s) URL with a host", repositoryURL)
	}
	hostKind := KindOfHost(u.Hostname())
	t := Target{
		Kind:      hostKind,
		SimpleURL: indexURL,
		Loopback:  IsLoopback(u.Hostname()),
		PlainHTTP: u.Scheme == "http",
	}
	if k, ok := KindOverride(kindHook); ok {
		t.Kind = k
	}
	if t.SimpleURL != "" {
		t.SimpleFrom = SimpleFromInput
	}
	if t.SimpleURL == "" && t.Kind.IsPyPI() {
		if t.SimpleURL = hostKind.simpleURL(); t.SimpleURL != "" {
			t.SimpleFrom = SimpleFromPyPI
		}
	}
	if t.Kind == Other && hostKind == Other {
		var simple string
		t.Server, simple = Recognize(u)
		if t.SimpleURL == "" && simple != "" {
			t.SimpleURL, t.SimpleFrom = simple, SimpleFromForm
		}
	}
	if t.SimpleLike = uploadURLForSimple(u); t.SimpleLike != "" {
		switch hostKind {
		case PyPI:
			t.SimpleLike = "https://upload.pypi.org/legacy/"
		case TestPyPI:
			t.SimpleLike = "https://test.pypi.org/legacy/"
		}
	}
	t.LookupCredentials = !t.Kind.IsPyPI() && t.SimpleURL != "" && sameOrigin(u, t.SimpleURL)
	if t.Kind.IsPyPI() {
		t.ClassifiersURL = hostKind.classifiersURL()
		t.APIURL = hostKind.apiURL()
	}
	t.WebBase = t.Kind.webBase()
	if t.Kind.IsPyPI() && u.Path == "/legacy" {
		u.Path = "/legacy/"
		t.SlashAdded = true
	}
	t.UploadURL = u.String()
	return t, nil
}

// InsecureCredentials reports whether credentials sent to the index would
// cross the network unencrypted: plain http to a host that is not this
// machine.
func (t Target) InsecureCredentials() bool { return t.PlainHTTP && !t.Loopback }

// ReleaseURL returns the release page of a project's version on PyPI or
// TestPyPI, e.g. "https://pypi.org/project/sampleproject/1.0/"; "" for a
// third-party index or when project or version is empty. project should
// be normalized (PEP 503); both parts are path-escaped.
func (t Target) ReleaseURL(project, version string) string {
	if t.WebBase == "" || project == "" || version == "" {
		return ""
	}
	return fmt.Sprintf("%s/project/%s/%s/", t.WebBase, url.PathEscape(project), url.PathEscape(version))
}
