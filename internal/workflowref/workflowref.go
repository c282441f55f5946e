// Package workflowref reads GitHub workflow refs, the one parser the action
// uses for them (oidc's diagnostics and links, attest's identity check,
// the trusted-publisher links of internal/action).
package workflowref

import (
	"regexp"
	"strings"
)

// fileRE finds the workflow file name just before "@", as PyPI does
// (warehouse/oidc/models/github.py).
var fileRE = regexp.MustCompile(`[^/]+\.(yml|yaml)@`)

// File returns the workflow file name in a workflow ref such as
// "owner/repo/.github/workflows/release.yml@refs/tags/v1" ("release.yml"),
// or "" when there is none: the name must end in .yml or .yaml and be
// followed by "@", as in GITHUB_WORKFLOW_REF and the job_workflow_ref
// claim.
func File(ref string) string {
	return strings.TrimSuffix(fileRE.FindString(ref), "@")
}
