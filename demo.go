//go:build !nodemo

package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

//go:embed demo/*.whl demo/*.tar.gz
var demoFiles embed.FS

// demoToken is the API token the demo index accepts. It is not a secret:
// the demo index lives only inside this process.
const demoToken = "pypi-demo-token-for-the-in-process-index"

// runDemo publishes the bundled sample distributions to a fake index started
// in-process on loopback, and prints what a workflow log would show,
// summary and outputs included. With --serve ADDR it only serves the fake
// index on ADDR until interrupted (for the container check).
func runDemo(ctx context.Context, stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	serve := fs.String("serve", "", "only serve the fake index on this loopback address, e.g. 127.0.0.1:8080")
	keep := fs.Bool("keep", false, "keep the temporary directory")
	token := fs.Bool("api-token", false, "publish with an API token instead of trusted publishing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serve != "" {
		srv := publishtest.New(publishtest.WithStart(false))
		return serveDemo(ctx, stdout, *serve, srv)
	}
	// Trusted publishing, as in a workflow with `id-token: write`: a fake
	// GitHub token service, and a fake PyPI with a trusted publisher for
	// the workflow below that verifies the GitHub token and mints a
	// short-lived API token.
	gh := oidctest.StartGitHub()
	defer gh.Close()
	idx := oidctest.NewIndex(oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"}))
	srv := publishtest.New(
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithAuth(func(user, password string) error {
			if password == demoToken {
				return nil
			}
			return idx.Validate(password)
		}),
	)
	defer srv.Close()

	dir, err := os.MkdirTemp("", "pypi-publish-demo-")
	if err != nil {
		return fmt.Errorf("failed to create a temporary directory: %w", err)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	distDir := filepath.Join(dir, "dist")
	if err := os.MkdirAll(distDir, 0o755); err != nil {
		return fmt.Errorf("failed to create %s: %w", distDir, err)
	}
	entries, err := demoFiles.ReadDir("demo")
	if err != nil {
		return fmt.Errorf("failed to list the bundled samples: %w", err)
	}
	for _, e := range entries {
		b, err := demoFiles.ReadFile("demo/" + e.Name())
		if err != nil {
			return fmt.Errorf("failed to read the bundled sample %s: %w", e.Name(), err)
		}
		if err := os.WriteFile(filepath.Join(distDir, e.Name()), b, 0o644); err != nil {
			return fmt.Errorf("failed to write the sample: %w", err)
		}
	}
	outFile := filepath.Join(dir, "github_output")
	sumFile := filepath.Join(dir, "step_summary.md")
	for _, f := range []string{outFile, sumFile} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			return fmt.Errorf("failed to create %s: %w", f, err)
		}
	}
	env := map[string]string{
		"GITHUB_ACTIONS":          "true",
		"GITHUB_WORKSPACE":        dir,
		"GITHUB_OUTPUT":           outFile,
		"GITHUB_STEP_SUMMARY":     sumFile,
		"GITHUB_REPOSITORY":       "octo-org/octo-repo",
		"GITHUB_REPOSITORY_OWNER": "octo-org",
		"GITHUB_WORKFLOW_REF":     "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
		"GITHUB_EVENT_NAME":       "push",
		"GITHUB_SERVER_URL":       "https://github.com",
		"INPUT_REPOSITORY-URL":    srv.UploadURL(),
		"INPUT_INDEX-URL":         srv.SimpleURL(),
		"INPUT_PACKAGES-DIR":      "dist",
		// Attestations need Sigstore (Fulcio and Rekor), which the demo
		// does not fake; the tests cover them with fakes of both.
		"INPUT_ATTESTATIONS": "false",
		// The fake index plays PyPI: release links and PyPI's rules.
		"PYPI_PUBLISH_INDEX_KIND": "pypi",
	}
	mode := "trusted publishing"
	if *token {
		env["INPUT_PASSWORD"] = demoToken
		mode = "an API token"
	} else {
		env["ACTIONS_ID_TOKEN_REQUEST_URL"] = gh.URL()
		env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = gh.RequestToken()
	}
	getenv := func(k string) string { return env[k] }
	fmt.Fprintf(stdout, "pypi-publish %s demo: publishing %d bundled distributions with %s to a fake PyPI at %s\n", Version(), len(entries), mode, srv.UploadURL())
	fmt.Fprintf(stdout, "(workflow octo-org/octo-repo release.yml; every line below is what the workflow log would show)\n\n")
	action := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(stdout))
	runErr := run(ctx, action, nil, deps{getenv: getenv, client: &http.Client{Timeout: time.Minute}, idToken: action.GetIDToken})
	if runErr != nil {
		reportError(action, runErr)
	}
	sum, _ := os.ReadFile(sumFile)
	out, _ := os.ReadFile(outFile)
	fmt.Fprintf(stdout, "\n----- step summary ($GITHUB_STEP_SUMMARY) -----\n%s\n----- outputs ($GITHUB_OUTPUT) -----\n%s\n", sum, out)
	fmt.Fprintf(stdout, "----- the index received -----\n")
	for _, u := range srv.Uploads() {
		fmt.Fprintf(stdout, "POST %d %s  sha256=%s  %d form fields, user %s\n", u.Status, u.Filename, u.SHA256, len(u.Fields), u.User)
	}
	if runErr != nil {
		return fmt.Errorf("the demo run failed: %w", runErr)
	}
	fmt.Fprintf(stdout, "\nDone. In a workflow the same run is `uses: pypi-publish/pypi-publish@<sha>`.\n")
	return nil
}

// serveDemo serves the fake index on addr until ctx ends.
func serveDemo(ctx context.Context, stdout io.Writer, addr string, srv *publishtest.Server) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !isLoopback(host) {
		return fmt.Errorf("--serve needs a loopback address such as 127.0.0.1:8080, got %q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "fake index: upload URL http://%s/legacy/, token %s\n", ln.Addr(), demoToken)
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !strings.Contains(err.Error(), "closed") {
		return err
	}
	return nil
}
