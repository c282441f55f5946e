package publish

import (
	"context"
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
// (UP-03..UP-22, docs/situations.md#upload). It never panics; nil gives the zero
// Situation.
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
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, errIdle) {
			return Situation{"UP-20", "The connection to the index failed. Check the index's status page (https://status.python.org/ for PyPI) and the runner's network, then re-run the job."}
		}
		return Situation{}
	}
	m := he.Message
	switch code := he.StatusCode; {
	case errors.Is(he, ErrFilenameReused):
		return Situation{"UP-05", "A file name can never be used again, even after the file was deleted. Publish a new version, e.g. a post-release (1.0.post1)."}
	case errors.Is(he, ErrOneSdist):
		return Situation{"UP-06", "The release already has a source distribution and PyPI keeps one per release. Remove the extra sdist, or set skip-existing: true to skip it."}
	case errors.Is(he, ErrFileExists):
		if code == http.StatusConflict {
			return Situation{"UP-21", "The index already has this file. Set skip-existing: true to skip files that are already there."}
		}
		return Situation{"UP-04", "PyPI never replaces a file, and also refuses the same bytes under another name. Publish a new version, or set skip-existing: true when re-running a partly published release."}
	case errors.Is(he, ErrTokenExpired):
		return Situation{"UP-09", "The upload token expired. Trusted-publishing tokens live 15 minutes; re-run the job."}
	case errors.Is(he, ErrRedirect):
		if he.Location != "" && isTrailingSlashFix(he.URL, he.Location) {
			return Situation{"UP-19", "The repository URL is missing its trailing slash: set repository-url to " + he.Location + "."}
		}
		if he.Location != "" {
			return Situation{"UP-19", "Redirects are not followed, so credentials cannot leak. If you trust it, set repository-url to " + he.Location + "."}
		}
		return Situation{"UP-19", "Redirects are not followed. Check repository-url."}
	case code == http.StatusForbidden && strings.HasPrefix(m, "Username/Password authentication is no longer supported"):
		return Situation{"AU-01", "PyPI accepts only API tokens and trusted publishing: set user to __token__ with an API token as password, or configure a trusted publisher."}
	case code == http.StatusForbidden && strings.HasPrefix(m, "Invalid or non-existent authentication information"):
		return Situation{"UP-08", "The token is wrong, revoked, or belongs to the other index (TestPyPI and PyPI tokens differ). With trusted publishing, check the publisher on the index."}
	case code == http.StatusForbidden && (strings.Contains(m, "isn't allowed to upload to project") || strings.Contains(m, "token is not valid for project")):
		return Situation{"UP-10", "The token or trusted publisher is not allowed to publish this project: scope the token to this project, or register the publisher for it."}
	case strings.HasPrefix(m, "Non-user identities cannot create new projects"):
		return Situation{"UP-11", "The pending publisher's project name differs from the metadata Name: make them equal."}
	case strings.HasPrefix(m, "Invalid attestations supplied during upload"):
		return Situation{"UP-12", "The attestation identity must match the trusted publisher exactly (repository and workflow, case-sensitive); reusable workflows do not match. As a workaround set attestations: false."}
	case strings.HasPrefix(m, "The description failed to render"):
		return Situation{"UP-13", "Check the README markup locally (e.g. twine check dist/*), or set the description's content type (Description-Content-Type, e.g. text/markdown)."}
	case strings.HasPrefix(m, "Uploading new files to releases older than"):
		return Situation{"UP-07", "Files can be added to a release only in its first 14 days. Publish a new version."}
	case strings.HasPrefix(m, "File too large") || strings.HasPrefix(m, "Project size too large"):
		return Situation{"UP-15", "Request a limit increase at the link in the message, or make the file smaller."}
	case code == http.StatusRequestEntityTooLarge:
		return Situation{"UP-16", "PyPI's front end refuses requests over 1 GiB, and that cap cannot be raised. Make the file smaller."}
	case code == http.StatusTooManyRequests:
		return Situation{"UP-17", "The index is rate-limiting; try again later."}
	case code == http.StatusMethodNotAllowed:
		return Situation{"UP-18", "This URL is not an upload endpoint: use https://upload.pypi.org/legacy/ or https://test.pypi.org/legacy/, or your index's upload URL (not its simple API)."}
	case code == http.StatusConflict:
		return Situation{"UP-21", "On PyPI a 409 means the project name conflicts with an existing project: choose another name."}
	case code >= 500:
		return Situation{"UP-20", "The index failed; check its status page (https://status.python.org/ for PyPI) and re-run the job."}
	case code == http.StatusBadRequest:
		return Situation{"UP-14", upload400Hint(m)}
	}
	return Situation{"UP-22", ""}
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
