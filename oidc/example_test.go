package oidc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
)

// ExampleExchanger_Mint exchanges a GitHub OIDC token from the fake token
// service for an API token on the fake index. In the action,
// internal/action passes its token source (oidc.Detect: GitHub, GitLab or
// Google) and the console's AddMask instead.
func ExampleExchanger_Mint() {
	gh := oidctest.StartGitHub()
	defer gh.Close()
	idx := oidctest.NewIndex(oidctest.WithPublishers(oidctest.Publisher{
		Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi",
	}))
	srv := httptest.NewServer(idx)
	defer srv.Close()

	ex, err := oidc.New(srv.URL+"/legacy/",
		oidc.WithPlainHTTP(true), // the fake index is on loopback
		oidc.WithIDToken(gh.IDToken),
		oidc.WithHTTPClient(&http.Client{}),
		oidc.WithMask(func(secret string) { /* main prints ::add-mask:: here */ }),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := ex.Mint(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(tok.Value, "pypi-"), tok.Claims.String("job_workflow_ref"))
	// Output: true octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0
}
