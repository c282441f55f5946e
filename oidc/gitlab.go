package oidc

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/workflowref"
)

// GitLabSource reads ID tokens from the job's variables: GitLab puts each
// entry of the job's `id_tokens` into a variable of that name, and the
// convention PyPI, twine and uv share is <AUDIENCE>_ID_TOKEN
// (PYPI_ID_TOKEN, TESTPYPI_ID_TOKEN, SIGSTORE_ID_TOKEN). A job has one
// token per entry, and PyPI accepts each token once: the source is not
// [TokenSource.Fresh].
type GitLabSource struct {
	env GitLabEnv
}

var _ TokenSource = (*GitLabSource)(nil)

// NewGitLabSource returns the source over the job's ID token variables
// (every variable whose name ends in _ID_TOKEN, by name).
func NewGitLabSource(idTokens map[string]string) *GitLabSource {
	return &GitLabSource{env: GitLabEnv{CI: true, IDTokens: idTokens}}
}

// Platform returns GitLabCI.
func (s *GitLabSource) Platform() Platform { return GitLabCI }

// Fresh returns false: a job's ID tokens are fixed when it starts.
func (s *GitLabSource) Fresh() bool { return false }

// Origin names the variable for audience.
func (s *GitLabSource) Origin(audience string) string {
	return "the variable " + GitLabVariable(audience) + " (the job's id_tokens)"
}

// Has reports whether the job has a variable for audience.
func (s *GitLabSource) Has(audience string) bool {
	return strings.TrimSpace(s.env.IDTokens[GitLabVariable(audience)]) != ""
}

var gitlabVarRe = regexp.MustCompile(`[^A-Z0-9_]|^[^A-Z_]`)

// GitLabVariable is the variable that holds the ID token for audience:
// the audience upper-cased, every character that is not a letter, digit
// or underscore (and a leading digit) replaced by "_", then "_ID_TOKEN"
// ("pypi" → PYPI_ID_TOKEN), as the `id` library names it.
func GitLabVariable(audience string) string {
	return gitlabVarRe.ReplaceAllString(strings.ToUpper(audience), "_") + "_ID_TOKEN"
}

// IDToken returns the token in the audience's variable after checking that
// it is a JWT for that audience (PyPI and Sigstore require exactly one
// audience). Errors are TP-18 with the other ID token variables of the job
// and the audience each carries.
func (s *GitLabSource) IDToken(_ context.Context, audience string) (string, error) {
	name := GitLabVariable(audience)
	tok := strings.TrimSpace(s.env.IDTokens[name])
	if tok == "" {
		return "", s.missing(name, audience)
	}
	c, err := DecodeClaims(tok)
	if err != nil {
		return "", s.unusable(name, audience, "it does not hold a JWT ("+err.Error()+")", nil)
	}
	switch aud := c["aud"].(type) {
	case string:
		if aud != audience {
			return "", s.unusable(name, audience, fmt.Sprintf("its audience (aud) is %q, not %q", aud, audience), c)
		}
	case nil:
		return "", s.unusable(name, audience, "it has no audience (aud)", c)
	default:
		return "", s.unusable(name, audience, fmt.Sprintf("its audience (aud) is a list, %s; PyPI and Sigstore accept exactly one", c.String("aud")), c)
	}
	return tok, nil
}

// yamlFor is the id_tokens entry for audience.
func yamlFor(audience string) string {
	return fmt.Sprintf("```yaml\npublish:\n  id_tokens:\n    %s:\n      aud: %s\n```\n", GitLabVariable(audience), audience)
}

func (s *GitLabSource) missing(name, audience string) *Error {
	others := otherIDTokens(s.env.IDTokens, name)
	what := fmt.Sprintf("The job has no variable %s, so there is no GitLab ID token for the audience %s.", mdCode(name), mdCode(audience))
	if len(others) > 0 {
		what += " The job's ID token variables are: " + mdEscape(strings.Join(others, ", ")) + "."
	}
	msg := fmt.Sprintf("GitLab CI/CD: the variable %s is not set, so the job has no ID token for the audience %q.", name, audience)
	if len(others) > 0 {
		msg += " It has: " + strings.Join(others, ", ") + "."
	}
	return &Error{
		ID:      IDGitLabToken,
		Message: msg,
		Hint:    fmt.Sprintf("Add `id_tokens: %s: aud: %s` to the publishing job (each index has its own audience: pypi for PyPI, testpypi for TestPyPI).", name, audience),
		Details: section(IDGitLabToken, "GitLab ID token missing", what+
			"\n\nGitLab makes ID tokens only for the entries of the job's `id_tokens`, each in a variable of the entry's name. "+
			"The name must be the audience upper-cased followed by `_ID_TOKEN`; a `PYPI_ID_TOKEN` with `aud: testpypi` "+
			"(as PyPI's example suggests for TestPyPI) is not found.",
			"Add to the job:\n\n"+yamlFor(audience)+"\nSee docs/other-ci.md and "+DocsURL),
	}
}

func (s *GitLabSource) unusable(name, audience, why string, c Claims) *Error {
	what := fmt.Sprintf("The variable %s was found, but %s.", mdCode(name), mdEscape(why))
	if c != nil {
		what += "\n\nIts claims (the token itself is never printed):\n\n" + claimsTableFor(GitLabCI, c)
	}
	return &Error{
		ID:      IDGitLabToken,
		Message: fmt.Sprintf("GitLab CI/CD: the variable %s cannot be used for the audience %q: %s.", name, audience, why),
		Hint:    fmt.Sprintf("Declare it in the job as `id_tokens: %s: aud: %s` (one audience, not a list), and do not overwrite it with another variable.", name, audience),
		Details: section(IDGitLabToken, "GitLab ID token unusable", what, "Declare it exactly so:\n\n"+yamlFor(audience)),
	}
}

// gitlabNoTokens is TP-18 for a GitLab job without any ID token variable.
func gitlabNoTokens(env GitLabEnv) *Error {
	var facts []string
	for _, f := range [][2]string{{"CI_PROJECT_PATH", env.ProjectPath}, {"CI_CONFIG_PATH", env.ConfigPath}, {"CI_SERVER_URL", env.ServerURL}, {"CI_ENVIRONMENT_NAME", env.Environment}} {
		if f[1] != "" {
			facts = append(facts, fmt.Sprintf("* `%s`: %s", f[0], mdCode(f[1])))
		}
	}
	what := "No variable ending in `_ID_TOKEN` is set: the job declares no `id_tokens`, so GitLab gave it no OIDC ID token."
	if len(facts) > 0 {
		what += "\n\nThis job (for the publisher on PyPI):\n\n" + strings.Join(facts, "\n")
	}
	return &Error{
		ID:      IDGitLabToken,
		Message: "GitLab CI/CD: the job has no ID token (no variable ending in _ID_TOKEN), so trusted publishing cannot work.",
		Hint:    "Add `id_tokens: PYPI_ID_TOKEN: aud: pypi` to the publishing job (TESTPYPI_ID_TOKEN with aud testpypi for TestPyPI; SIGSTORE_ID_TOKEN with aud sigstore for attestations).",
		Details: section(IDGitLabToken, "GitLab job without ID tokens", what,
			"Add to the job:\n\n```yaml\npublish:\n  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi\n    SIGSTORE_ID_TOKEN:\n      aud: sigstore\n```\n\nSee docs/other-ci.md."),
	}
}

// GitLabPublisher holds the values of PyPI's "add a GitLab trusted
// publisher" form that would match a token with the given claims.
type GitLabPublisher struct {
	Namespace        string // project_path up to the last "/" (groups and subgroups)
	Project          string // project_path after the last "/"
	WorkflowFilepath string // the "top-level pipeline file path" in ci_config_ref_uri
	Environment      string // environment, "" for none
	IssuerURL        string // iss, the GitLab instance
}

// GitLabPublisherFor derives the form values from a GitLab token's claims.
// Missing claims give empty fields.
func GitLabPublisherFor(c Claims) GitLabPublisher {
	var p GitLabPublisher
	if c.has("project_path") {
		path := c.String("project_path")
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			p.Namespace, p.Project = path[:i], path[i+1:]
		} else {
			p.Project = path
		}
	}
	if c.has("ci_config_ref_uri") {
		p.WorkflowFilepath = GitLabPipelineFile(c.String("ci_config_ref_uri"))
	}
	if c.has("environment") {
		p.Environment = c.String("environment")
	}
	if c.has("iss") {
		p.IssuerURL = c.String("iss")
	}
	return p
}

// GitLabPipelineFile returns the top-level pipeline file in a
// ci_config_ref_uri ("gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main"
// → ".gitlab-ci.yml"): the text after the "//" that ends the project path
// and before "@", which must end in .yml or .yaml (PyPI's rule); "" when
// there is none.
func GitLabPipelineFile(refURI string) string { return workflowref.GitLabFile(refURI) }

// SettingsURL returns the project's trusted-publisher settings page on the
// index at base, with the GitLab form pre-filled from p; "" when base or
// project is "".
func (p GitLabPublisher) SettingsURL(base, project string) string {
	if base == "" || project == "" {
		return ""
	}
	issuer := p.IssuerURL
	if issuer == "" {
		issuer = GitLabIssuer
	}
	q := fmt.Sprintf("provider=gitlab&namespace=%s&project=%s&workflow_filepath=%s",
		url.QueryEscape(p.Namespace), url.QueryEscape(p.Project), url.QueryEscape(p.WorkflowFilepath))
	if p.Environment != "" {
		q += "&environment=" + url.QueryEscape(p.Environment)
	}
	q += "&issuer_url=" + url.QueryEscape(issuer)
	return fmt.Sprintf("%s/manage/project/%s/settings/publishing/?%s", base, url.PathEscape(project), q)
}
