package publish

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
)

// Situation names what an upload error means for the user: the situation ID
// (docs/situations.md) and the fix to suggest.
type Situation struct {
	ID   string // e.g. "UP-04"; "" when unknown
	Hint string // one or two sentences; "" when there is nothing to add
}

// Classify maps an error returned by Upload or Publish to its situation
// (UP-03..UP-27, docs/situations.md#upload). It never panics; nil gives the
// zero Situation.
func Classify(err error) Situation {
	if err == nil {
		return Situation{}
	}
	var ee *ExistsError
	if errors.As(err, &ee) {
		if errors.Is(ee, ErrOneSdist) {
			return Situation{"UP-06", "The release already has a source distribution and an index keeps one per release. Remove the extra sdist, or set skip-existing: true when re-running a partly published release."}
		}
		return Situation{"UP-04", "An index never replaces a file: rebuilt files are rarely byte-identical. Publish a new version, or set skip-existing: true to keep the index's file when re-running a partly published release."}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Situation{"", ""}
	}
	if errors.Is(err, errContentChanged) || errors.Is(err, errSizeChanged) {
		return Situation{"", "Something rewrote the distribution while it was being published (another step, or two jobs sharing a directory). Make sure nothing writes to packages-dir during this step, then re-run."}
	}
	var he *Error
	if !errors.As(err, &he) {
		return classifyNetwork(err)
	}
	if s, ok := classifyPyPI(he); ok {
		return s
	}
	return classifyStatus(he)
}

// classifyNetwork is the situation of a failure without an answer.
func classifyNetwork(err error) Situation {
	var (
		ua x509.UnknownAuthorityError
		hn x509.HostnameError
		ci x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ua):
		return Situation{"UP-25", "The index's certificate is signed by an authority this action does not trust (a private or corporate CA). Save that CA's certificate (PEM) in the workspace and point REQUESTS_CA_BUNDLE or TWINE_CERT at it in the step's env:; the file replaces the system's CA list, so add the public CAs too when the job also talks to PyPI or Sigstore."}
	case errors.As(err, &hn):
		return Situation{"UP-25", "The index's certificate is for another host name: use a host name the certificate names in repository-url."}
	case errors.As(err, &ci):
		return Situation{"UP-25", "The index's certificate is not valid now (expired, or not yet valid: check the runner's clock), or not for a server; its operators must renew it."}
	case isCertificateError(err):
		return Situation{"UP-25", "The index's certificate could not be verified; check repository-url's host, and for a private CA set REQUESTS_CA_BUNDLE or TWINE_CERT in the step's env:."}
	case isSchemeMismatch(err):
		return Situation{"UP-26", "The server does not speak HTTPS on this port: it answered in plain HTTP. Use http:// in repository-url (only on a network you trust), or the port where the index serves HTTPS."}
	case isProxyAuth(err):
		return Situation{"UP-27", proxyHint}
	case isTLSAlert(err) && strings.Contains(err.Error(), "certificate"):
		return Situation{"UP-25", "The index refused the TLS connection over a client certificate: if it wants one, set TWINE_CLIENT_CERT in the step's env: to a PEM file holding the certificate and its private key; if one was set, the index does not accept it."}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, errIdle) {
		return Situation{"UP-20", "The connection to the index failed. Check the index's status page (https://status.python.org/ for PyPI) and the runner's network, then re-run the job."}
	}
	return Situation{}
}

const proxyHint = "The HTTP proxy (HTTPS_PROXY or HTTP_PROXY) wants a login: give it in the proxy URL (http://user:password@proxy:port), or exempt the index's host with NO_PROXY."

// classifyPyPI is the situation of Warehouse's own answers, whose texts
// say what happened.
func classifyPyPI(he *Error) (Situation, bool) {
	m, code := he.Message, he.StatusCode
	switch {
	case errors.Is(he, ErrFilenameReused):
		return Situation{"UP-05", "A file name can never be used again, even after the file was deleted. Publish a new version, e.g. a post-release (1.0.post1)."}, true
	case errors.Is(he, ErrOneSdist):
		return Situation{"UP-06", "The release already has a source distribution and PyPI keeps one per release. Remove the extra sdist, or set skip-existing: true to skip it."}, true
	case errors.Is(he, ErrFileExists):
		return existsSituation(he), true
	case errors.Is(he, ErrTokenExpired):
		return Situation{"UP-09", "The upload token expired. Trusted-publishing tokens live 15 minutes; re-run the job. An API token that expired must be replaced."}, true
	case code == http.StatusForbidden && strings.HasPrefix(m, "Username/Password authentication is no longer supported"):
		return Situation{"AU-01", "PyPI accepts only API tokens and trusted publishing: set user to __token__ with an API token as password, or configure a trusted publisher."}, true
	case code == http.StatusForbidden && strings.HasPrefix(m, "Invalid or non-existent authentication information"):
		return Situation{"UP-08", "The token is wrong, revoked, or belongs to the other index (TestPyPI and PyPI tokens differ). With trusted publishing, check the publisher on the index."}, true
	case code == http.StatusForbidden && (strings.Contains(m, "isn't allowed to upload to project") || strings.Contains(m, "token is not valid for project")):
		return Situation{"UP-10", "The token or trusted publisher is not allowed to publish this project: scope the token to this project, or register the publisher for it."}, true
	case strings.HasPrefix(m, "Non-user identities cannot create new projects"):
		return Situation{"UP-11", "The pending publisher's project name differs from the metadata Name: make them equal."}, true
	case strings.HasPrefix(m, "Invalid attestations supplied during upload"):
		return Situation{"UP-12", "The attestation identity must match the trusted publisher exactly (repository and workflow, case-sensitive); reusable workflows do not match. As a workaround set attestations: false."}, true
	case strings.HasPrefix(m, "The description failed to render"):
		return Situation{"UP-13", "Check the README markup locally (e.g. twine check dist/*), or set the description's content type (Description-Content-Type, e.g. text/markdown)."}, true
	case strings.HasPrefix(m, "Uploading new files to releases older than"):
		return Situation{"UP-07", "Files can be added to a release only in its first 14 days. Publish a new version."}, true
	case strings.HasPrefix(m, "File too large") || strings.HasPrefix(m, "Project size too large"):
		return Situation{"UP-15", "Request a limit increase at the link in the message, or make the file smaller."}, true
	}
	return Situation{}, false
}

// existsSituation is the situation of a known "already exists" answer.
func existsSituation(he *Error) Situation {
	if he.StatusCode == http.StatusConflict {
		return Situation{"UP-21", "The index already has a file of this name. When re-running a partly published release, set skip-existing: true; files the index holds byte for byte are skipped without it whenever its file list can be read (docs/indexes.md)."}
	}
	if he.pypi {
		return Situation{"UP-04", "PyPI never replaces a file, and also refuses the same bytes under another name. Publish a new version, or set skip-existing: true when re-running a partly published release."}
	}
	return Situation{"UP-04", "The index never replaces a file. Publish a new version, or set skip-existing: true when re-running a partly published release."}
}

// classifyStatus is the situation of any other answer, by status.
func classifyStatus(he *Error) Situation {
	m, code := he.Message, he.StatusCode
	switch {
	case errors.Is(he, ErrRedirect):
		return redirectSituation(he)
	case code == http.StatusUnauthorized || (code == http.StatusForbidden && !he.pypi):
		return Situation{"UP-23", loginHint(he.server, code, m)}
	case code == http.StatusNotFound:
		return Situation{"UP-24", notFoundHint(he)}
	case code == http.StatusProxyAuthRequired:
		return Situation{"UP-27", proxyHint}
	case code == http.StatusRequestEntityTooLarge:
		return Situation{"UP-16", "The index (or a proxy before it) refuses requests this large; PyPI's front end caps them at 1 GiB, which cannot be raised. Make the file smaller."}
	case code == http.StatusTooManyRequests:
		return Situation{"UP-17", "The index is rate-limiting; try again later."}
	case code == http.StatusMethodNotAllowed:
		return Situation{"UP-18", notUploadHint(he)}
	case code == http.StatusConflict && he.pypi:
		return Situation{"UP-21", "On PyPI a 409 means the project name conflicts with an existing project: choose another name."}
	case code == http.StatusConflict:
		return Situation{"UP-21", "The index refused the file with 409 Conflict, in words that are not one of the known \"already exists\" answers (docs/indexes.md), so skip-existing does not skip it: act on the index's text."}
	case code >= 500:
		return Situation{"UP-20", "The index failed; check its status page (https://status.python.org/ for PyPI) and re-run the job."}
	case code == http.StatusBadRequest && isPlainHTTPToTLS(m, he.Body):
		return Situation{"UP-26", "The server speaks HTTPS on this port but the request was plain HTTP: use https:// in repository-url."}
	case code == http.StatusBadRequest:
		return Situation{"UP-14", upload400Hint(m)}
	}
	return Situation{"UP-22", ""}
}

// isPlainHTTPToTLS recognises the answers of HTTPS servers to plain HTTP
// (Go's net/http, nginx).
func isPlainHTTPToTLS(msg, body string) bool {
	t := msg + "\n" + body
	return strings.Contains(t, "Client sent an HTTP request to an HTTPS server") ||
		strings.Contains(t, "The plain HTTP request was sent to HTTPS port")
}

func redirectSituation(he *Error) Situation {
	switch {
	case looksSimple(he.URL):
		return Situation{"UP-19", "repository-url is the index's simple API (what pip reads), which takes no uploads: use the index's upload URL."}
	case he.Location != "" && isTrailingSlashFix(he.URL, he.Location):
		return Situation{"UP-19", "The repository URL is missing its trailing slash: set repository-url to " + he.Location + "."}
	case he.Location != "":
		return Situation{"UP-19", "Redirects are not followed, so credentials cannot leak. If you trust it, set repository-url to " + he.Location + "."}
	}
	return Situation{"UP-19", "Redirects are not followed. Check repository-url."}
}

func notFoundHint(he *Error) string {
	if looksSimple(he.URL) {
		return "repository-url is the index's simple API (what pip reads), which takes no uploads: use the index's upload URL."
	}
	return "Nothing takes uploads at this URL: check repository-url against the upload URL form of your index (docs/indexes.md)."
}

func notUploadHint(he *Error) string {
	if looksSimple(he.URL) {
		return "repository-url is the index's simple API (what pip reads), which takes no uploads: use the index's upload URL."
	}
	return "This URL is not an upload endpoint: use https://upload.pypi.org/legacy/ or https://test.pypi.org/legacy/, or your index's upload URL (not its simple API or web page)."
}

// loginHint names the likely causes of a refused login on a third-party
// index, by the index software (WithServer).
func loginHint(server string, code int, msg string) string {
	causes := map[string]string{
		"pypiserver":   "pypiserver checks user and password against its htpasswd file (its 403 means a wrong password, its 401 no credentials at all): check both secrets.",
		"devpi":        "devpi wants a devpi user's name and password (no tokens); check both.",
		"artifactory":  "Artifactory takes your user name with your password, API key or identity token; an access token needs the user name it was issued for, and uploads need deploy permission on the repository.",
		"nexus":        "Nexus wants a user with the nx-repository-view-pypi-<repository>-add privilege (and -read for the existing-file check).",
		"gitlab":       "GitLab takes a personal access token with the api scope, or a deploy token with write_package_registry and its own user name.",
		"gitea":        "Gitea and Forgejo take the account name with its password or a token that has the write:package scope.",
		"codeartifact": "CodeArtifact takes user aws with a token from aws codeartifact get-authorization-token, which expires (12 hours by default): fetch it in the same job. The role needs codeartifact:PublishPackageVersion.",
		"azure":        "Azure Artifacts takes any user name with a personal access token of this organization that has the Packaging (Read & write) scope.",
		"google":       "Artifact Registry takes user oauth2accesstoken with an access token (gcloud auth print-access-token), or user _json_key_base64 with a base64 service-account key; the account needs the Artifact Registry Writer role.",
	}
	hint := "The index refused the login: check user and password (an empty or mistyped secret, or a token for another index such as a PyPI token), and that the account may upload here (token scope, permissions)."
	if code == http.StatusForbidden {
		hint = "The index refused the upload for these credentials: the password or token is wrong, or the account or token may not upload here (token scope, permissions)."
	}
	if server == "devpi" && strings.Contains(msg, "no permission to submit") {
		return "The devpi user may not upload to this index: its owner must add the user to the index's acl_upload."
	}
	if c, ok := causes[server]; ok {
		hint += " " + c
	}
	return hint
}

// upload400Hint is the fix for the metadata and file-name rules whose local
// check (VA-xx) has the same fix.
func upload400Hint(m string) string {
	switch {
	case strings.HasPrefix(m, "Start filename for"), strings.Contains(m, "should contain the normalized project name"),
		strings.HasPrefix(m, "Filename '") && strings.Contains(m, "is invalid, should be"):
		return "PyPI wants file names with the normalized project name (lower case, runs of -_. as _) and, for sdists, the normalized version. Rebuild with a current build backend."
	case strings.Contains(m, "unsupported platform tag"):
		return "PyPI accepts only portable platform tags: build manylinux/musllinux wheels (e.g. with auditwheel or cibuildwheel)."
	case strings.Contains(m, "is not a valid metadata version"):
		return "The index does not know this Metadata-Version yet: build with a backend version that writes one it supports."
	case strings.HasPrefix(m, "Invalid distribution file"):
		return "The archive is damaged or has an unexpected layout: rebuild it."
	case strings.Contains(m, "The use of local versions"):
		return "PyPI refuses local versions (+...): publish a version without a local part."
	case strings.Contains(m, "is not a valid classifier") || strings.Contains(m, "has been deprecated"):
		return "Fix the classifiers: see https://pypi.org/classifiers/."
	}
	return "Fix the metadata the message names and rebuild."
}

// Hint returns the fix to suggest for an upload error (the Hint of
// Classify), or "".
func Hint(err error) string { return Classify(err).Hint }
