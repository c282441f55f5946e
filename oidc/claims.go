package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/escape"
	"github.com/pypi-publish/pypi-publish/internal/workflowref"
)

// Missing is what [Claims.String] returns for an absent claim.
const Missing = "MISSING"

// DiagnosticClaims are the claims shown when a mint is refused, in display
// order (docs/situations.md#tp-10).
var DiagnosticClaims = []string{
	"sub", "repository", "repository_owner", "repository_owner_id",
	"workflow_ref", "job_workflow_ref", "ref", "environment",
}

// claimRole says, for each diagnostic claim, what PyPI compares it with
// (warehouse/oidc/models/github.py).
var claimRole = map[string]string{
	"sub":                 "not compared (shown for reference)",
	"repository":          "Owner/Repository name (case-insensitive)",
	"repository_owner":    "Owner (exact)",
	"repository_owner_id": "the owner's account ID, recorded when the publisher was added (a re-created account or organization gets a new ID)",
	"workflow_ref":        "not compared; differs from job_workflow_ref in a reusable workflow",
	"job_workflow_ref":    "Workflow name (the file name), in the same repository, at `ref` or `sha`",
	"ref":                 "not compared, but `ref` or `sha` must be set",
	"environment":         "Environment name, case-insensitive, only when the publisher names one",
}

// Claims are the decoded payload claims of a GitHub OIDC token. They are for
// diagnostics only: the signature is not checked here (the index checks it).
type Claims map[string]any

// maxJWT bounds what DecodeClaims accepts; GitHub tokens are about 1-2 KiB.
const maxJWT = 64 << 10

// DecodeClaims decodes the payload (second part) of a compact JWT without
// verifying it. The error never contains the token.
func DecodeClaims(jwt string) (Claims, error) {
	if len(jwt) > maxJWT {
		return nil, fmt.Errorf("failed to decode token claims: token is longer than %d bytes", maxJWT)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("failed to decode token claims: want 3 dot-separated parts, got %d", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("failed to decode token claims: payload is not base64url")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var c Claims
	if err := dec.Decode(&c); err != nil || c == nil {
		return nil, errors.New("failed to decode token claims: payload is not a JSON object")
	}
	return c, nil
}

// String returns claim name as text: strings as they are, numbers and
// booleans formatted, other values as JSON, and [Missing] ("MISSING") when
// the claim is absent or null.
func (c Claims) String(name string) string {
	v, ok := c[name]
	if !ok || v == nil {
		return Missing
	}
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// has reports whether claim name is present with a non-empty value.
func (c Claims) has(name string) bool {
	s := c.String(name)
	return s != Missing && s != ""
}

// ReusableWorkflow reports whether the token comes from a reusable workflow
// (claims workflow_ref and job_workflow_ref differ, TP-05) and, if so,
// returns a one-line warning naming both refs. Missing claims never count
// as a reusable workflow.
func ReusableWorkflow(c Claims) (warning string, ok bool) {
	caller, called := c.String("workflow_ref"), c.String("job_workflow_ref")
	if !c.has("workflow_ref") || !c.has("job_workflow_ref") || caller == called {
		return "", false
	}
	return fmt.Sprintf("This job runs in a reusable workflow: the caller is %s and the called workflow is %s. "+
		"PyPI matches the called workflow (job_workflow_ref), so the trusted publisher must name %q; "+
		"PyPI does not officially support reusable workflows (%s).",
		caller, called, WorkflowFile(called), ReusableURL), true
}

// reusableDetails is the Markdown section for TP-05.
func reusableDetails(c Claims) string {
	caller, called := c.String("workflow_ref"), c.String("job_workflow_ref")
	var b strings.Builder
	b.WriteString("### Reusable workflow (TP-05)\n\n")
	b.WriteString("The publishing job runs inside a reusable workflow.\n\n")
	fmt.Fprintf(&b, "* Caller (`workflow_ref`): %s\n", mdCode(caller))
	fmt.Fprintf(&b, "* Called (`job_workflow_ref`): %s\n\n", mdCode(called))
	fmt.Fprintf(&b, "PyPI matches the **called** workflow, so the trusted publisher must name the file %s "+
		"in the repository that holds it. PyPI does not officially support reusable workflows; "+
		"moving the publish step into the top-level workflow is the reliable fix. See %s\n",
		mdCode(WorkflowFile(called)), ReusableURL)
	return b.String()
}

// WorkflowFile returns the workflow file name in a workflow ref such as
// "owner/repo/.github/workflows/release.yml@refs/tags/v1", or "" when there
// is none (internal/workflowref, the one parser).
func WorkflowFile(ref string) string { return workflowref.File(ref) }

// Publisher holds the values of PyPI's "add a GitHub trusted publisher" form
// that would match a token with the given claims.
type Publisher struct {
	Owner       string // repository_owner
	Repository  string // the name part of repository
	Workflow    string // the file name in job_workflow_ref
	Environment string // environment, "" for none
}

// PublisherFor derives the trusted-publisher form values from the claims.
// Missing claims give empty fields.
func PublisherFor(c Claims) Publisher {
	var p Publisher
	if c.has("repository_owner") {
		p.Owner = c.String("repository_owner")
	}
	if c.has("repository") {
		repo := c.String("repository")
		if i := strings.IndexByte(repo, '/'); i >= 0 {
			p.Repository = repo[i+1:]
			if p.Owner == "" {
				p.Owner = repo[:i]
			}
		} else {
			p.Repository = repo
		}
	}
	if c.has("job_workflow_ref") {
		p.Workflow = WorkflowFile(c.String("job_workflow_ref"))
	}
	if c.has("environment") {
		p.Environment = c.String("environment")
	}
	return p
}

// SettingsURL returns the project's trusted-publisher settings page on the
// index at base (e.g. "https://pypi.org"), with the form pre-filled from p.
// project should be normalized (PEP 503). It returns "" if base is "".
func (p Publisher) SettingsURL(base, project string) string {
	if base == "" || project == "" {
		return ""
	}
	// Keep the documented parameter order; url.Values.Encode would sort it.
	return fmt.Sprintf("%s/manage/project/%s/settings/publishing/?provider=github&owner=%s&repository=%s&workflow_filename=%s",
		base, url.PathEscape(project), url.QueryEscape(p.Owner), url.QueryEscape(p.Repository), url.QueryEscape(p.Workflow))
}

// GitLabDiagnosticClaims and GoogleDiagnosticClaims are the claims shown
// for those platforms' tokens, in display order.
var (
	GitLabDiagnosticClaims = []string{"iss", "sub", "project_path", "ci_config_ref_uri", "ref_path", "sha", "environment", "aud"}
	GoogleDiagnosticClaims = []string{"iss", "email", "email_verified", "sub", "aud", "azp"}
)

// gitlabClaimRole and googleClaimRole say what PyPI compares each claim
// with (warehouse/oidc/models/gitlab.py and google.py).
var gitlabClaimRole = map[string]string{
	"iss":               "GitLab instance (https://gitlab.com unless a PyPI organization registered another)",
	"sub":               "`project_path:<Namespace>/<Project name>` (case-insensitive); what follows is not compared",
	"project_path":      "Namespace/Project name (case-insensitive)",
	"ci_config_ref_uri": "`<instance host>/<Namespace>/<Project name>//<Top-level pipeline file path>@<ref_path or sha>` (exact)",
	"ref_path":          "must be set (one of the two refs ci_config_ref_uri may end in)",
	"sha":               "must be set (the other)",
	"environment":       "Environment name (exact, case-sensitive), only when the publisher names one",
	"aud":               "the index's audience (`pypi`, `testpypi`)",
}

var googleClaimRole = map[string]string{
	"iss":            "must be https://accounts.google.com",
	"email":          "Email (exact)",
	"email_verified": "must be true",
	"sub":            "Subject (exact), only when the publisher names one",
	"aud":            "the index's audience (`pypi`, `testpypi`)",
	"azp":            "not compared",
}

// claimsTableFor renders the diagnostic claims of platform p's token.
func claimsTableFor(p Platform, c Claims) string {
	switch p {
	case GitLabCI:
		return claimsTableOf(c, GitLabDiagnosticClaims, gitlabClaimRole)
	case GoogleCloud:
		return claimsTableOf(c, GoogleDiagnosticClaims, googleClaimRole)
	}
	return claimsTableOf(c, DiagnosticClaims, claimRole)
}

// claimsLinesFor renders them for a plain log.
func claimsLinesFor(p Platform, c Claims) []string {
	names := DiagnosticClaims
	switch p {
	case GitLabCI:
		names = GitLabDiagnosticClaims
	case GoogleCloud:
		names = GoogleDiagnosticClaims
	}
	out := make([]string, 0, len(names))
	for _, name := range names {
		out = append(out, fmt.Sprintf("%s: %s", name, oneLine(c.String(name), 300)))
	}
	return out
}

// claimsTableOf renders the claims names as a Markdown table with what
// PyPI compares each with.
func claimsTableOf(c Claims, names []string, roles map[string]string) string {
	var b strings.Builder
	b.WriteString("| Claim | Value in this run | What PyPI compares it with |\n|---|---|---|\n")
	for _, name := range names {
		v := c.String(name)
		cell := escape.Cell(oneLine(v, 300))
		if v == Missing {
			cell = Missing
		} else if v == "" {
			cell = "(empty)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, cell, roles[name])
	}
	return b.String()
}
