package attest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

const policySHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"

// Attestations signed with GitLab and Google tokens carry the certificate
// identities Fulcio's configuration gives them, and verify under PyPI's
// GitLab and Google publisher policies; near misses fail the identity
// check, as they do on PyPI.
func TestVerify_publisherPolicies(t *testing.T) {
	t.Parallel()
	gitlab := attest.Identity{Platform: attest.PlatformGitLab, Repository: attesttest.DefaultGitLabProject, Workflow: ".gitlab-ci.yml"}
	google := attest.Identity{Platform: attest.PlatformGoogle, Email: attesttest.DefaultServiceAccount}
	cases := []struct {
		name     string
		env      attesttest.EnvOptions
		id       func(env *attesttest.Env) attest.Identity
		upload   bool   // VerifyUpload (PyPI's policy, any ref) instead of Verify
		wantFail string // "" = verifies; else text of the identity failure
	}{
		{name: "gitlab_exact_run", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab}, id: func(e *attesttest.Env) attest.Identity { return e.Identity }},
		{name: "gitlab_publisher", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab}, upload: true, id: func(*attesttest.Env) attest.Identity { return gitlab }},
		{name: "gitlab_nested_group_and_folder", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab, Repository: "a/b/c", Workflow: "ci/release.yml"}, upload: true,
			id: func(*attesttest.Env) attest.Identity {
				return attest.Identity{Platform: attest.PlatformGitLab, Repository: "a/b/c", Workflow: "ci/release.yml"}
			}},
		{name: "gitlab_case_differs", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab}, upload: true,
			id: func(*attesttest.Env) attest.Identity {
				return attest.Identity{Platform: attest.PlatformGitLab, Repository: "Octo-Group/hello-pkg", Workflow: ".gitlab-ci.yml"}
			}, wantFail: "OIDCSourceRepositoryURI"},
		{name: "gitlab_other_pipeline_file", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab}, upload: true,
			id: func(*attesttest.Env) attest.Identity {
				return attest.Identity{Platform: attest.PlatformGitLab, Repository: attesttest.DefaultGitLabProject, Workflow: "release.yml"}
			}, wantFail: "Build Config URI"},
		{name: "gitlab_without_ref_extension", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab, OmitExtensions: []int{14}}, upload: true,
			id: func(*attesttest.Env) attest.Identity { return gitlab }, wantFail: "Source Repository Ref"},
		{name: "gitlab_other_run", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab},
			id: func(*attesttest.Env) attest.Identity {
				return attest.Identity{Platform: attest.PlatformGitLab, Repository: attesttest.DefaultGitLabProject,
					WorkflowRef: "gitlab.com/" + attesttest.DefaultGitLabProject + "//.gitlab-ci.yml@refs/tags/v2.0.0"}
			}, wantFail: "Build Config URI"},
		{name: "gitlab_cert_for_github_publisher", env: attesttest.EnvOptions{Platform: attest.PlatformGitLab}, upload: true,
			id: func(*attesttest.Env) attest.Identity {
				return attest.Identity{Repository: attesttest.DefaultGitLabProject, Workflow: ".gitlab-ci.yml"}
			}, wantFail: "OIDCIssuerV2"},
		{name: "google", env: attesttest.EnvOptions{Platform: attest.PlatformGoogle}, id: func(*attesttest.Env) attest.Identity { return google }},
		{name: "google_publisher", env: attesttest.EnvOptions{Platform: attest.PlatformGoogle}, upload: true, id: func(e *attesttest.Env) attest.Identity { return e.Identity }},
		{name: "google_other_account", env: attesttest.EnvOptions{Platform: attest.PlatformGoogle}, upload: true,
			id: func(*attesttest.Env) attest.Identity {
				return attest.Identity{Platform: attest.PlatformGoogle, Email: "other@octo-project.iam.gserviceaccount.com"}
			}, wantFail: "SANs do not match"},
		{name: "google_without_issuer_extension", env: attesttest.EnvOptions{Platform: attest.PlatformGoogle, OmitExtensions: []int{1}}, upload: true,
			id: func(*attesttest.Env) attest.Identity { return google }, wantFail: "OIDCIssuer"},
		{name: "github_cert_for_google_publisher", upload: true,
			id: func(*attesttest.Env) attest.Identity { return google }, wantFail: "OIDCIssuer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := attesttest.NewEnv(t, tc.env)
			att := signOne(t, env, "hello_pkg-1.0-py3-none-any.whl", policySHA)
			id := tc.id(env)
			var err error
			if tc.upload {
				err = attest.VerifyUpload([]byte("["+string(att)+"]"), "hello_pkg-1.0-py3-none-any.whl", policySHA, id, env.Root)
			} else {
				err = attest.Verify(att, "hello_pkg-1.0-py3-none-any.whl", policySHA, id, env.Root)
			}
			if tc.wantFail == "" {
				if err != nil {
					t.Fatalf("verify(%+v) = %v, want nil", id, err)
				}
				return
			}
			var ve *attest.VerifyError
			if !errors.As(err, &ve) || attest.CheckOf(err) != "identity" || !strings.Contains(err.Error(), tc.wantFail) {
				t.Fatalf("verify(%+v) = %v, want an identity failure about %q", id, err, tc.wantFail)
			}
		})
	}
}

// The certificates of the fake Fulcio have the identities Fulcio's
// configuration prescribes (config/identity/config.yaml).
func TestFakeFulcio_identities(t *testing.T) {
	t.Parallel()
	gl := attesttest.NewEnv(t, attesttest.EnvOptions{Platform: attest.PlatformGitLab})
	signOne(t, gl, "a-1.tar.gz", policySHA)
	leaf := gl.Fulcio.Issued()[0]
	if len(leaf.URIs) != 1 || leaf.URIs[0].String() != "https://gitlab.com/octo-group/hello-pkg//.gitlab-ci.yml@refs/tags/v1.0.0" {
		t.Errorf("GitLab SAN = %v, want https://<ci_config_ref_uri>", leaf.URIs)
	}
	g := attesttest.NewEnv(t, attesttest.EnvOptions{Platform: attest.PlatformGoogle})
	signOne(t, g, "a-1.tar.gz", policySHA)
	if leaf := g.Fulcio.Issued()[0]; len(leaf.EmailAddresses) != 1 || leaf.EmailAddresses[0] != attesttest.DefaultServiceAccount || len(leaf.URIs) != 0 {
		t.Errorf("Google SANs = %v %v, want the e-mail only", leaf.EmailAddresses, leaf.URIs)
	}
	// Fulcio refuses an unverified e-mail.
	bad := attesttest.NewEnv(t, attesttest.EnvOptions{Platform: attest.PlatformGoogle, Claims: map[string]any{"email_verified": false}})
	if _, err := bad.Signer(t).Sign(context.Background(), "a-1.tar.gz", policySHA); err == nil || !strings.Contains(err.Error(), "email_verified") {
		t.Errorf("Sign(unverified e-mail) = %v, want Fulcio's refusal", err)
	}
}
