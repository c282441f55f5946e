package target

import (
	"net/url"
	"regexp"
	"strings"
)

// Server names the index software an upload URL belongs to, recognised by
// the URL's form alone (docs/indexes.md has the forms and where each was
// taken from). The names are the ones publish.WithServer takes.
type Server string

// The servers whose upload URL forms are known.
const (
	ServerUnknown      Server = ""
	ServerPypiserver   Server = "pypiserver"
	ServerDevpi        Server = "devpi"
	ServerArtifactory  Server = "artifactory"
	ServerNexus        Server = "nexus"
	ServerGitLab       Server = "gitlab"
	ServerGitea        Server = "gitea" // Gitea and Forgejo
	ServerCodeArtifact Server = "codeartifact"
	ServerAzure        Server = "azure"
	ServerGoogle       Server = "google"
)

// String returns the server's name for messages ("a third-party index" for
// ServerUnknown).
func (s Server) String() string {
	switch s {
	case ServerUnknown:
		return "a third-party index"
	case ServerPypiserver:
		return "pypiserver"
	case ServerDevpi:
		return "devpi"
	case ServerArtifactory:
		return "JFrog Artifactory"
	case ServerNexus:
		return "Sonatype Nexus"
	case ServerGitLab:
		return "GitLab"
	case ServerGitea:
		return "Gitea/Forgejo"
	case ServerCodeArtifact:
		return "AWS CodeArtifact"
	case ServerAzure:
		return "Azure Artifacts"
	case ServerGoogle:
		return "Google Artifact Registry"
	}
	return string(s)
}

// Where the simple API root came from (Target.SimpleFrom).
const (
	// SimpleFromInput: the index-url input.
	SimpleFromInput = "index-url"
	// SimpleFromPyPI: PyPI's or TestPyPI's simple API.
	SimpleFromPyPI = "pypi"
	// SimpleFromForm: derived from the upload URL's form ([Recognize]);
	// it is probed once and dropped silently when it does not answer.
	SimpleFromForm = "form"
)

// form is one server's upload URL form: a host rule (nil = any host) and a
// rule for the escaped path, whose first submatch is the prefix the simple
// API root is built on, followed by simple.
type form struct {
	server Server
	host   *regexp.Regexp
	path   *regexp.Regexp
	simple string
}

// forms are tried in order; the first match wins. Paths are matched in
// their escaped form, so a GitLab project given as "group%2Fproject" stays
// one segment.
var forms = []form{
	// https://<location>-python.pkg.dev/<project>/<repository>/
	{ServerGoogle, regexp.MustCompile(`^[a-z0-9-]+-python\.pkg\.dev$`), regexp.MustCompile(`^(/[^/]+/[^/]+)/?$`), "/simple/"},
	// https://<domain>-<account>.d.codeartifact.<region>.amazonaws.com/pypi/<repository>/
	// (and the dual-stack host …codeartifact.<region>.on.aws)
	{ServerCodeArtifact, regexp.MustCompile(`^[a-z0-9][a-z0-9-]*-[0-9]{12}\.d\.codeartifact\.[a-z0-9-]+\.(amazonaws\.com|on\.aws)$`),
		regexp.MustCompile(`^(/pypi/[^/]+)/?$`), "/simple/"},
	// https://pkgs.dev.azure.com/<org>[/<project>]/_packaging/<feed>/pypi/upload/
	// (and the older https://<org>.pkgs.visualstudio.com/…)
	{ServerAzure, regexp.MustCompile(`^(pkgs\.dev\.azure\.com|[a-z0-9-]+\.pkgs\.visualstudio\.com)$`),
		regexp.MustCompile(`^(/(?:[^/]+/)*_packaging/[^/]+/pypi)/upload/?$`), "/simple/"},
	// https://<host>/artifactory/api/pypi/<repository>
	{ServerArtifactory, nil, regexp.MustCompile(`^((?:/[^/]+)*/artifactory/api/pypi/[^/]+)/?$`), "/simple/"},
	// https://<host>/api/v4/projects/<id or url-encoded path>/packages/pypi
	{ServerGitLab, nil, regexp.MustCompile(`^((?:/[^/]+)*/api/v4/projects/[^/]+/packages/pypi)/?$`), "/simple/"},
	// https://<host>/api/packages/<owner>/pypi
	{ServerGitea, nil, regexp.MustCompile(`^((?:/[^/]+)*/api/packages/[^/]+/pypi)/?$`), "/simple/"},
	// https://<host>/repository/<repository>/
	{ServerNexus, nil, regexp.MustCompile(`^((?:/[^/]+)*/repository/[^/]+)/?$`), "/simple/"},
	// http://<host>:<port>/ (the server's root)
	{ServerPypiserver, nil, regexp.MustCompile(`^()/?$`), "/simple/"},
	// https://<host>/<user>/<index>/ (devpi's names never start with "+")
	{ServerDevpi, nil, regexp.MustCompile(`^(/[^/+][^/]*/[^/+][^/]*)/?$`), "/+simple/"},
}

// Recognize returns the server whose upload URL form u has and the simple
// API root that form implies (without user information, query or
// fragment); ServerUnknown and "" when u has no known form. It does no
// I/O: the caller probes the root once before relying on it. PyPI's and
// TestPyPI's hosts are not recognised here (see [KindOfHost]).
func Recognize(u *url.URL) (Server, string) {
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	path := u.EscapedPath()
	for _, f := range forms {
		if f.host != nil && !f.host.MatchString(host) {
			continue
		}
		m := f.path.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		root := url.URL{Scheme: u.Scheme, Host: u.Host}
		return f.server, root.String() + m[1] + f.simple
	}
	return ServerUnknown, ""
}

// simpleSuffix matches a path that ends in a simple API segment.
var simpleSuffix = regexp.MustCompile(`^(.*?)/\+?simple/?$`)

// uploadURLForSimple returns the upload URL for an upload URL that looks
// like a simple API root: "…/<user>/<index>/+simple/" is devpi's, whose
// upload URL is "…/<user>/<index>/"; "…/simple/" is the simple API of
// pypiserver (upload URL: the root), Artifactory, Nexus, GitLab, Gitea,
// CodeArtifact and Google (upload URL: the part before "simple"), or Azure
// (upload URL: "…/pypi/upload/"). It returns "" for other paths.
func uploadURLForSimple(u *url.URL) string {
	m := simpleSuffix.FindStringSubmatch(u.EscapedPath())
	if m == nil {
		return ""
	}
	prefix := m[1]
	if strings.HasSuffix(prefix, "/pypi") && strings.Contains(prefix, "/_packaging/") {
		prefix += "/upload"
	}
	root := url.URL{Scheme: u.Scheme, Host: u.Host}
	return root.String() + prefix + "/"
}

// sameOrigin reports whether raw has u's scheme, host and port (the host
// compared without case).
func sameOrigin(u *url.URL, raw string) bool {
	v, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, v.Scheme) && strings.EqualFold(u.Host, v.Host)
}

// UploadForms are the upload URL forms of the known servers, one line
// each, for messages that must say what an upload URL looks like.
var UploadForms = []string{
	"PyPI: https://upload.pypi.org/legacy/ (TestPyPI: https://test.pypi.org/legacy/)",
	"pypiserver: http://<host>:<port>/ (the server's root)",
	"devpi: https://<host>/<user>/<index>/",
	"Artifactory: https://<host>/artifactory/api/pypi/<repository>",
	"Nexus: https://<host>/repository/<repository>/",
	"GitLab: https://<host>/api/v4/projects/<id>/packages/pypi",
	"Gitea/Forgejo: https://<host>/api/packages/<owner>/pypi",
	"CodeArtifact: https://<domain>-<account>.d.codeartifact.<region>.amazonaws.com/pypi/<repository>/",
	"Azure Artifacts: https://pkgs.dev.azure.com/<org>/<project>/_packaging/<feed>/pypi/upload/",
	"Google Artifact Registry: https://<location>-python.pkg.dev/<project>/<repository>/",
}
