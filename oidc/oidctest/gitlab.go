package oidctest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// GitLabIssuer is gitlab.com's OIDC issuer.
const GitLabIssuer = "https://gitlab.com"

// GitLabClaims returns the claims of a GitLab CI/CD ID token (times, aud
// and jti are added per token): a pipeline of octo-group/octo-project on a
// tag, whose top-level pipeline file is .gitlab-ci.yml, in the job
// environment "pypi". The shape follows GitLab's documentation and
// Warehouse's sample token.
func GitLabClaims() map[string]any {
	return map[string]any{
		"iss":                   GitLabIssuer,
		"sub":                   "project_path:octo-group/octo-project:ref_type:tag:ref:v1.0.0",
		"namespace_id":          "4242",
		"namespace_path":        "octo-group",
		"project_id":            "777",
		"project_path":          "octo-group/octo-project",
		"user_id":               "42",
		"user_login":            "octocat",
		"pipeline_id":           "1001",
		"pipeline_source":       "push",
		"job_id":                "5005",
		"ref":                   "v1.0.0",
		"ref_type":              "tag",
		"ref_path":              "refs/tags/v1.0.0",
		"ref_protected":         "true",
		"environment":           "pypi",
		"environment_protected": "true",
		"runner_id":             123,
		"runner_environment":    "gitlab-hosted",
		"sha":                   "e2b4f1a2c3d4e5f60718293a4b5c6d7e8f901234",
		"ci_config_ref_uri":     "gitlab.com/octo-group/octo-project//.gitlab-ci.yml@refs/tags/v1.0.0",
		"ci_config_sha":         "e2b4f1a2c3d4e5f60718293a4b5c6d7e8f901234",
		"project_visibility":    "public",
	}
}

// GitLabToken returns a GitLab ID token for audience, as GitLab puts it in
// a job's id_tokens variable: [GitLabClaims] with overrides (a nil value
// removes a claim; aud, iat, nbf, exp and jti can be overridden too), signed with [Key], valid for lifetime (5 minutes when
// zero) from now, with a unique jti.
func GitLabToken(audience string, overrides map[string]any, lifetime time.Duration) (string, error) {
	c := GitLabClaims()
	if lifetime == 0 {
		lifetime = 5 * time.Minute
	}
	now := time.Now()
	c["aud"] = audience
	c["iat"] = now.Unix()
	c["nbf"] = now.Unix()
	c["exp"] = now.Add(lifetime).Unix()
	c["jti"] = randomHex(16)
	maps.Copy(c, overrides)
	for k, v := range c {
		if v == nil {
			delete(c, k)
		}
	}
	return Sign(Key(), c)
}

// GitLabPublisher is a GitLab trusted publisher on the fake index, as on
// PyPI's "GitLab" form.
type GitLabPublisher struct {
	Namespace        string // compared ignoring case
	Project          string // compared ignoring case
	WorkflowFilepath string // the top-level pipeline file, compared exactly
	Environment      string // optional; compared exactly
	// IssuerURL is the GitLab instance; "" means https://gitlab.com.
	IssuerURL string
}

// WithGitLabPublishers adds GitLab trusted publishers. The default is none.
func WithGitLabPublishers(p ...GitLabPublisher) IndexOption {
	return func(i *Index) { i.gitlab = append(i.gitlab, p...) }
}

// GooglePublisher is a Google trusted publisher on the fake index.
type GooglePublisher struct {
	Email   string // compared exactly
	Subject string // optional; compared exactly
}

// WithGooglePublishers adds Google trusted publishers. The default is none.
func WithGooglePublishers(p ...GooglePublisher) IndexOption {
	return func(i *Index) { i.google = append(i.google, p...) }
}

// matchGitLab finds a GitLab publisher for the claims as PyPI does
// (warehouse/oidc/models/gitlab.py) and returns "" or PyPI's reason;
// reuse reports a used jti.
func (i *Index) matchGitLab(c map[string]any) (reason string, reuse bool) {
	path := str(c, "project_path")
	ns, proj := "", path
	if k := strings.LastIndexByte(path, '/'); k >= 0 {
		ns, proj = path[:k], path[k+1:]
	}
	file := gitlabPipelineFile(str(c, "ci_config_ref_uri"))
	if file == "" {
		return "Could not extract workflow filename from OIDC claims", false
	}
	iss := str(c, "iss")
	i.mu.Lock()
	var candidates []GitLabPublisher
	for _, p := range i.gitlab {
		pi := p.IssuerURL
		if pi == "" {
			pi = GitLabIssuer
		}
		if strings.EqualFold(p.Namespace, ns) && strings.EqualFold(p.Project, proj) && p.WorkflowFilepath == file && pi == iss {
			candidates = append(candidates, p)
		}
	}
	i.mu.Unlock()
	pub := pickByEnvironment(candidates, str(c, "environment"))
	if pub == nil {
		return "Publisher with matching claims was not found", false
	}
	for _, k := range []string{"sub", "project_path", "ci_config_ref_uri", "jti", "ref_path", "sha"} {
		if _, ok := c[k]; !ok {
			return fmt.Sprintf("Missing claim '%s'", k), false
		}
	}
	sub := strings.SplitN(str(c, "sub"), ":", 3)
	if len(sub) < 2 || !strings.EqualFold(sub[0]+":"+sub[1], "project_path:"+pub.Namespace+"/"+pub.Project) {
		return "Check failed for required claim 'sub'", false
	}
	refURI, refPath, sha := str(c, "ci_config_ref_uri"), str(c, "ref_path"), str(c, "sha")
	if refPath == "" && sha == "" {
		return "The ref_path and sha claims are empty", false
	}
	host := strings.TrimPrefix(strings.TrimPrefix(iss, "https://"), "http://")
	base := host + "/" + pub.Namespace + "/" + pub.Project + "//" + pub.WorkflowFilepath + "@"
	var expected []string
	for _, r := range []string{refPath, sha} {
		if r != "" {
			expected = append(expected, base+r)
		}
	}
	if !slices.Contains(expected, refURI) {
		return fmt.Sprintf("The ci_config_ref_uri claim does not match, expecting one of %s, got '%s'", pyList(expected), refURI), false
	}
	i.mu.Lock()
	used := i.usedJTI[str(c, "jti")]
	i.mu.Unlock()
	if used {
		return "already used", true
	}
	if pub.Environment != "" && pub.Environment != str(c, "environment") {
		return "Check failed for optional claim 'environment'", false
	}
	return "", false
}

// pickByEnvironment prefers the publisher whose environment equals env,
// then one without an environment (Warehouse's lookup_by_claims).
func pickByEnvironment(ps []GitLabPublisher, env string) *GitLabPublisher {
	for k := range ps {
		if env != "" && ps[k].Environment == env {
			return &ps[k]
		}
	}
	for k := range ps {
		if ps[k].Environment == "" {
			return &ps[k]
		}
	}
	if len(ps) > 0 {
		return &ps[0] // fails the environment check below, with PyPI's reason
	}
	return nil
}

// gitlabPipelineFile is PyPI's extraction of the pipeline file from
// ci_config_ref_uri (its own copy: the fake does not share the product's
// parser).
func gitlabPipelineFile(uri string) string {
	at := strings.LastIndexByte(uri, '@')
	if at < 0 {
		return ""
	}
	_, file, ok := strings.Cut(uri[:at], "//")
	if !ok || !(strings.HasSuffix(file, ".yml") || strings.HasSuffix(file, ".yaml")) {
		return ""
	}
	return file
}

// matchGoogle finds a Google publisher for the claims as PyPI does
// (warehouse/oidc/models/google.py) and returns "" or PyPI's reason.
func (i *Index) matchGoogle(c map[string]any) string {
	email, sub := str(c, "email"), str(c, "sub")
	i.mu.Lock()
	var pub *GooglePublisher
	for k := range i.google {
		p := &i.google[k]
		if p.Email == email && (p.Subject == sub || (p.Subject == "" && pub == nil)) {
			pub = p
		}
	}
	i.mu.Unlock()
	if pub == nil {
		return "Publisher with matching claims was not found"
	}
	if _, ok := c["email"]; !ok {
		return "Missing claim 'email'"
	}
	if v, ok := c["email_verified"].(bool); !ok || !v {
		return "Check failed for required claim 'email_verified'"
	}
	return ""
}
