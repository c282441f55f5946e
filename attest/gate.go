package attest

import (
	"net/url"
	"strings"
)

// Gate decides whether attestations are generated (action.md §10.1), as the
// original action does: only with trusted publishing and only for PyPI or
// TestPyPI, classified by the URL's host (upload.pypi.org, pypi.org,
// test.pypi.org; case-insensitive, never a substring match).
//
// When attestations is false the result is (false, ""): the user asked for
// nothing, so nothing is said. Otherwise reason is empty when effective and
// else one sentence for the AT-01 (no trusted publishing) or AT-02 (index
// does not accept attestations) notice. An unparsable repoURL counts as a
// third-party index. Gate never panics.
func Gate(attestations, trustedPublishing bool, repoURL string) (effective bool, reason string) {
	if !attestations {
		return false, ""
	}
	if !trustedPublishing {
		// AT-01
		return false, "attestations were not generated: PyPI accepts them only from uploads authenticated with trusted publishing, and this upload uses a password or API token"
	}
	if !isPyPIHost(repoURL) {
		// AT-02
		return false, "attestations were not generated: only PyPI and TestPyPI accept PEP 740 attestations, and " + hostOf(repoURL) + " is neither (set `attestations: false` to silence this)"
	}
	return true, ""
}

func hostOf(repoURL string) string {
	u, err := url.Parse(strings.TrimSpace(repoURL))
	if err != nil || u.Hostname() == "" {
		return "the repository URL"
	}
	return u.Hostname()
}

func isPyPIHost(repoURL string) bool {
	u, err := url.Parse(strings.TrimSpace(repoURL))
	if err != nil {
		return false
	}
	switch strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")) {
	case "upload.pypi.org", "pypi.org", "test.pypi.org":
		return true
	}
	return false
}
