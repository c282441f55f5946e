package oidc

import (
	"errors"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/escape"
)

// Situation IDs of trusted publishing (docs/situations.md#trusted-publishing).
const (
	IDMissingPermission = "TP-01" // id-token: write missing
	IDForkPullRequest   = "TP-02" // pull request from a fork
	IDPullRequestTarget = "TP-03" // pull_request_target on PyPI/TestPyPI
	IDEnterprise        = "TP-04" // GHES / ghe.com issuer on PyPI/TestPyPI
	IDReusableWorkflow  = "TP-05" // warning only
	IDAudienceForbidden = "TP-06" // audience 403
	IDAudienceNotFound  = "TP-07" // audience 404
	IDAudience          = "TP-08" // audience other failure, or the index unreachable
	IDGitHubToken       = "TP-09" // GitHub OIDC token request failed
	IDMintRefused       = "TP-10" // mint 422 with errors
	IDMintNotJSON       = "TP-11" // mint response not JSON
	IDMintNoToken       = "TP-12" // mint 2xx JSON without token
	IDMintStatus        = "TP-13" // mint non-2xx JSON without errors
	IDReuseToken        = "TP-14" // invalid-reuse-token after the retry
	IDNoPlatform        = "TP-17" // no CI platform to get an ID token from
	IDGitLabToken       = "TP-18" // GitLab ID token variable missing or unusable
	IDGoogleToken       = "TP-19" // Google metadata server or IAM request failed
	IDNoRenewal         = "TP-20" // the minted token cannot be renewed (GitLab)
	IDPlatform          = "TP-21" // debug: where the ID tokens come from
)

// Links used in hints and details.
const (
	DocsURL            = "https://docs.pypi.org/trusted-publishers/"
	TroubleshootingURL = "https://docs.pypi.org/trusted-publishers/troubleshooting/"
	ReusableURL        = "https://docs.pypi.org/trusted-publishers/troubleshooting/#reusable-workflows-on-github"
	PermissionsURL     = "https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings"
	StatusURL          = "https://status.python.org/"
	GitHubIssuer       = "https://token.actions.githubusercontent.com"
)

// ErrNotConfigured matches (with errors.Is) an [*Error] that means trusted
// publishing is not set up for this job: the id-token permission is missing
// (TP-01), the run is a fork pull request (TP-02), there is no CI platform
// (TP-17), a GitLab job has no ID token (TP-18), or no trusted publisher on
// the index matches this workflow (TP-10 with code invalid-publisher or
// invalid-pending-publisher).
var ErrNotConfigured = errors.New("trusted publishing is not configured")

// Error is a trusted-publishing failure, ready to show to a user.
//
// ID is the situation (TP-01 … TP-21, docs/situations.md#trusted-publishing). Message is one
// line, meant for a single ::error:: annotation. Hint says how to fix it, in
// one or a few sentences. Details is Markdown for a step-summary section: the
// same facts in full (server reasons, claims, publisher form values, links).
// Codes holds the server's error codes for TP-10/TP-14, in order. None of the
// texts ever contains the GitHub JWT, the request token or a minted token.
type Error struct {
	ID      string
	Message string
	Hint    string
	Details string
	Codes   []string
	// Err is the underlying cause, if any (a transport error, the caller's
	// IDToken error). It is already summarised in Message.
	Err error
}

// Error returns "<ID>: <Message>".
func (e *Error) Error() string {
	return e.ID + ": " + e.Message
}

// Unwrap returns the underlying cause, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is [ErrNotConfigured] and e is one of the
// situations it stands for.
func (e *Error) Is(target error) bool {
	if target != ErrNotConfigured {
		return false
	}
	switch e.ID {
	case IDMissingPermission, IDForkPullRequest, IDNoPlatform, IDGitLabToken:
		return true
	case IDMintRefused:
		for _, c := range e.Codes {
			if c == "invalid-publisher" || c == "invalid-pending-publisher" {
				return true
			}
		}
	}
	return false
}

// mdEscape makes s inert Markdown on one line (internal/escape).
func mdEscape(s string) string { return escape.Inline(s) }

// mdCode renders s as an inline code span that shows it verbatim
// (internal/escape).
func mdCode(s string) string { return escape.Code(s) }

// oneLine flattens s to a single line and shortens it to at most n bytes
// (on a rune boundary), marking a cut with "…".
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
