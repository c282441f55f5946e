package action

import (
	"context"
	"os"
	"strings"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// defaultProductNameFile says whether the machine is a Google Compute
// Engine VM (as the id library and uv read it).
const defaultProductNameFile = "/sys/class/dmi/id/product_name"

// idTokens decides where trusted publishing gets its OIDC ID tokens: the
// source Deps gives, or the platform forced or detected from the runner's
// environment (oidc.Detect: TP-17, GitHub's TP-01 to TP-04, GitLab's
// TP-18). The source masks every token it returns. It does no network
// I/O; it reads the event payload for a pull request and the DMI product
// name.
func idTokens(d Deps, tg target.Target, env config.Runner) (oidc.TokenSource, error) {
	c := d.Console
	src := d.Tokens
	if src == nil {
		var err error
		src, err = oidc.Detect(ambient(d, tg, env), d.Platform,
			oidc.WithSourceHTTPClient(d.HTTPClient), oidc.WithSourceUserAgent(d.UserAgent), oidc.WithSourceMask(c.AddMask))
		if err != nil {
			return nil, err
		}
	}
	aud := "the index's audience"
	switch tg.Kind {
	case target.PyPI:
		aud = "pypi"
	case target.TestPyPI:
		aud = "testpypi"
	}
	c.Debugf("trusted publishing: ID tokens from %s, %s", src.Platform(), src.Origin(aud)) // TP-21
	return masked{TokenSource: src, mask: c.AddMask}, nil
}

// ambient is what oidc.Detect needs to know, from the runner's
// environment and the hooks.
func ambient(d Deps, tg target.Target, env config.Runner) oidc.Ambient {
	a := oidc.Ambient{
		GitHub:       oidcEnv(d.Console, tg, env),
		RequestURL:   env.IDTokenURL,
		RequestToken: env.IDTokenToken,
		GitLab: oidc.GitLabEnv{CI: env.GitLab.CI, IDTokens: env.GitLab.IDTokens, ProjectPath: env.GitLab.ProjectPath,
			ConfigPath: env.GitLab.ConfigPath, ServerURL: env.GitLab.ServerURL, Environment: env.GitLab.Environment},
		Google: oidc.GoogleEnv{ServiceAccount: env.Google.ServiceAccount, IAMURL: d.Hooks.IAMURL},
	}
	if h := env.Google.MetadataHost; h != "" {
		a.Google.MetadataURL = "http://" + strings.TrimPrefix(h, "http://")
	}
	path := d.Hooks.ProductNameFile
	if path == "" {
		path = defaultProductNameFile
	}
	if b, err := os.ReadFile(path); err == nil {
		switch strings.TrimSpace(string(b)) {
		case "Google", "Google Compute Engine":
			a.Google.OnGCE = true
		}
	}
	return a
}

// identity is the trusted publisher the attestations must match, as PyPI
// will check them: on GitHub the workflow of this run (GITHUB_REPOSITORY,
// GITHUB_WORKFLOW_REF); on GitLab and Google Cloud what the exchanged ID
// token says (project_path and ci_config_ref_uri, or the service
// account's e-mail).
func identity(env config.Runner, p oidc.Platform, claims oidc.Claims) attest.Identity {
	get := func(k string) string {
		if v := claims.String(k); v != oidc.Missing {
			return v
		}
		return ""
	}
	switch p {
	case oidc.GitLabCI:
		return attest.Identity{Platform: attest.PlatformGitLab, Repository: get("project_path"), WorkflowRef: get("ci_config_ref_uri")}
	case oidc.GoogleCloud:
		return attest.Identity{Platform: attest.PlatformGoogle, Email: get("email")}
	}
	return attest.Identity{Repository: env.Repository, WorkflowRef: env.WorkflowRef}
}

// attestationsBlocked says why attestations cannot be made with the ID
// tokens of src, or "": a GitLab job without a Sigstore ID token (AT-13),
// or on a GitLab instance other than gitlab.com, which PyPI's attestation
// policy does not accept (AT-14).
func attestationsBlocked(src oidc.TokenSource) string {
	m, ok := src.(masked)
	if !ok {
		return ""
	}
	gl, ok := m.TokenSource.(*oidc.GitLabSource)
	if !ok {
		return ""
	}
	if !gl.Has("sigstore") {
		return "the GitLab job has no Sigstore ID token: add `SIGSTORE_ID_TOKEN: aud: sigstore` to its id_tokens (AT-13)"
	}
	for _, aud := range []string{"pypi", "testpypi", "sigstore"} {
		if !gl.Has(aud) {
			continue
		}
		if tok, err := gl.IDToken(context.Background(), aud); err == nil { // no I/O: the job's variables
			if c, err := oidc.DecodeClaims(tok); err == nil && c.String("iss") != oidc.GitLabIssuer {
				return "PyPI verifies GitLab attestations only from gitlab.com, and this job runs on " + c.String("iss") + " (AT-14)"
			}
		}
	}
	return ""
}
