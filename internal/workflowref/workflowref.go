// Package workflowref reads GitHub workflow refs and GitLab config refs, the one parser the action
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

// GitLabFile returns the top-level pipeline file in a GitLab
// ci_config_ref_uri such as
// "gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main"
// (".gitlab-ci.yml"): the text after the "//" that ends the project path
// and before the last "@", which must end in .yml or .yaml, as PyPI reads
// it (warehouse/oidc/models/gitlab.py); "" when there is none. The file
// may sit in a folder ("ci/release.yml").
func GitLabFile(refURI string) string {
	at := strings.LastIndexByte(refURI, '@')
	if at < 0 {
		return ""
	}
	_, file, ok := strings.Cut(refURI[:at], "//")
	if !ok || file == "" || strings.HasPrefix(file, "/") || (!strings.HasSuffix(file, ".yml") && !strings.HasSuffix(file, ".yaml")) {
		return ""
	}
	return file
}
