package oidc

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Env is what [Preflight] needs to know about the run. The caller (main)
// fills it from the environment; this package never reads it itself.
type Env struct {
	// GitHubActions is true when GITHUB_ACTIONS is exactly "true".
	GitHubActions bool
	// RequestURLSet and RequestTokenSet say whether
	// ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are
	// non-empty. Never pass the values.
	RequestURLSet, RequestTokenSet bool
	// EventName is GITHUB_EVENT_NAME.
	EventName string
	// EventPayload is the content of the file at GITHUB_EVENT_PATH, or nil
	// when it is unset or unreadable.
	EventPayload []byte
	// ServerURL is GITHUB_SERVER_URL; "" means https://github.com.
	ServerURL string
	// PyPI is true when the index is PyPI or TestPyPI (internal/target decides).
	PyPI bool
}

// Preflight runs GitHub's trusted-publishing checks that need no network, in
// this order: not on GitHub Actions (TP-17), a GitHub Enterprise server on
// PyPI/TestPyPI (TP-04), pull_request_target on PyPI/TestPyPI (TP-03), and
// missing token-request variables (TP-02 for a pull request from a fork,
// TP-01 otherwise). It returns nil or an [*Error]. It never panics, even on
// a malformed event payload (which is treated as "not a fork").
func Preflight(env Env) error {
	if !env.GitHubActions {
		return noPlatform(Ambient{GitHub: env})
	}
	if server := strings.TrimRight(strings.ToLower(strings.TrimSpace(env.ServerURL)), "/"); env.PyPI && server != "" && server != "https://github.com" {
		return &Error{
			ID: IDEnterprise,
			Message: fmt.Sprintf("PyPI does not accept trusted publishing from GitHub Enterprise (this run is on %s); "+
				"it only trusts github.com's issuer %s.", oneLine(env.ServerURL, 200), GitHubIssuer),
			Hint: "Use an API token instead: create a project-scoped token on PyPI, store it as a secret and pass it as `password`.",
			Details: section(IDEnterprise, "GitHub Enterprise is not supported by PyPI trusted publishing",
				fmt.Sprintf("This workflow runs on %s. PyPI accepts OIDC tokens only from github.com "+
					"(issuer `%s`), so tokens from GitHub Enterprise Server or ghe.com are refused "+
					"(pypi/warehouse#18970).", mdCode(oneLine(env.ServerURL, 200)), GitHubIssuer),
				"Create an API token scoped to the project on PyPI, store it as a repository secret and pass it with "+
					"`password: ${{ secrets.PYPI_API_TOKEN }}`."),
		}
	}
	if env.PyPI && env.EventName == "pull_request_target" {
		return &Error{
			ID:      IDPullRequestTarget,
			Message: "PyPI refuses trusted publishing from workflows triggered by pull_request_target.",
			Hint:    "Publish from a trigger such as a tag push, `release` or `workflow_dispatch`.",
			Details: section(IDPullRequestTarget, "pull_request_target is not allowed",
				"This run was triggered by `pull_request_target`. PyPI rejects tokens from such runs "+
					"(its reason: `Publishing from a workflow invoked via 'pull_request_target' is not supported.`), "+
					"because that event runs with the base repository's permissions on behalf of pull requests.",
				"Publish from an event that outsiders cannot trigger: a tag push, `release: published`, or `workflow_dispatch`."),
		}
	}
	if env.RequestURLSet && env.RequestTokenSet {
		return nil
	}
	return missingTokenVariables(env)
}

// missingTokenVariables is TP-02 (a pull request from a fork) or TP-01 (no
// id-token permission) for a run without the token-request variables.
func missingTokenVariables(env Env) error {
	var missing []string
	if !env.RequestURLSet {
		missing = append(missing, "ACTIONS_ID_TOKEN_REQUEST_URL")
	}
	if !env.RequestTokenSet {
		missing = append(missing, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	}
	names := strings.Join(missing, " and ")
	isNot := "is not set"
	if len(missing) > 1 {
		isNot = "are not set"
	}
	fork, payloadOK := isForkPR(env)
	if fork {
		return &Error{
			ID:      IDForkPullRequest,
			Message: "This run is a pull request from a fork, and GitHub never gives OIDC tokens to those, so trusted publishing cannot work here.",
			Hint:    "Publish from an event that forks cannot trigger: a tag push, `release` or `workflow_dispatch`; skip the publish step for pull requests.",
			Details: section(IDForkPullRequest, "Pull request from a fork",
				fmt.Sprintf("The job was triggered by a pull request from a fork. GitHub withholds OIDC tokens from such runs "+
					"even with `permissions: id-token: write`, so %s %s.", names, isNot),
				"Publish only from events that forks cannot trigger (tag push, `release`, `workflow_dispatch`), for example "+
					"with `if: github.event_name != 'pull_request'` on the publish job."),
		}
	}
	body := fmt.Sprintf("%s %s. GitHub sets these variables only when the job is allowed to request an OIDC token.", names, isNot)
	if !payloadOK {
		body += " (The event payload could not be read, so a pull request from a fork could not be ruled out.)"
	}
	return &Error{
		ID:      IDMissingPermission,
		Message: fmt.Sprintf("Trusted publishing needs the `id-token: write` permission, but %s %s.", names, isNot),
		Hint: "Add `permissions: id-token: write` to the publishing job. If you meant to use an API token instead, " +
			"check that `password` refers to an existing secret that is available to this event.",
		Details: section(IDMissingPermission, "Missing id-token permission",
			body+"\n\nThe `password` input is empty, so the action tried trusted publishing.",
			"Add the permission at job level:\n\n```yaml\njobs:\n  publish:\n    permissions:\n      id-token: write\n```\n\n"+
				"See "+PermissionsURL+"\n\nIf you meant to publish with an API token, check the secret's name and that "+
				"secrets are available to this event (they are not for pull requests from forks). "+
				"About trusted publishing: "+DocsURL),
	}
}

// isForkPR reports whether the event is a pull request from a fork, and
// whether the payload could be read at all (false when it was needed but is
// missing or malformed).
func isForkPR(env Env) (fork, payloadOK bool) {
	if env.EventName != "pull_request" {
		return false, true
	}
	var p struct {
		PullRequest struct {
			Head struct {
				Repo struct {
					Fork bool `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if len(env.EventPayload) == 0 || json.Unmarshal(env.EventPayload, &p) != nil {
		return false, false
	}
	return p.PullRequest.Head.Repo.Fork, true
}

// section renders a step-summary section: a heading with the ID, what
// happened, and how to fix it.
func section(id, title, what, fix string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Trusted publishing: %s (%s)\n\n", title, id)
	b.WriteString(what)
	b.WriteString("\n\n**How to fix:** ")
	b.WriteString(fix)
	b.WriteString("\n")
	return b.String()
}
