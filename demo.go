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

	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/target"
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
		return serveDemo(ctx, plainConsole(stdout), *serve, srv)
	}
	dir, err := os.MkdirTemp("", "pypi-publish-demo-")
	if err != nil {
		return fmt.Errorf("failed to create a temporary directory: %w", err)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	return demoRun(ctx, stdout, dir, *token)
}

// plainConsole is a console on w that has no outputs or summary file.
func plainConsole(w io.Writer) console.Console {
	return console.NewGitHub(githubactions.New(githubactions.WithWriter(w)), "", "")
}

// demoFakes are the fakes a demo run publishes to.
type demoFakes struct {
	gh  *oidctest.GitHub
	srv *publishtest.Server
}

// startDemoFakes starts, as in a workflow with `id-token: write`, a fake
// GitHub token service, and a fake PyPI with a trusted publisher for the
// demo's workflow that verifies the GitHub token and mints a short-lived
// API token (and also takes demoToken).
func startDemoFakes() demoFakes {
	gh := oidctest.StartGitHub()
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
	return demoFakes{gh: gh, srv: srv}
}

func (f demoFakes) close() {
	f.srv.Close()
	f.gh.Close()
}

// demoRun runs the action in dir against the fakes and prints the log,
// the summary, the outputs and what the index received.
func demoRun(ctx context.Context, stdout io.Writer, dir string, withToken bool) error {
	n, err := writeSamples(filepath.Join(dir, "dist"))
	if err != nil {
		return err
	}
	f := startDemoFakes()
	defer f.close()
	env, err := demoEnv(dir, f, withToken)
	if err != nil {
		return err
	}
	getenv := func(k string) string { return env[k] }
	a := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(stdout))
	c := console.NewGitHub(a, env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"])
	mode := "trusted publishing"
	if withToken {
		mode = "an API token"
	}
	c.Infof("pypi-publish %s demo: publishing %d bundled distributions with %s to a fake PyPI at %s", Version(), n, mode, f.srv.UploadURL())
	c.Infof("(workflow octo-org/octo-repo release.yml; every line below is what the workflow log would show)\n")
	runErr := run(ctx, c, getenv, nil, &http.Client{Timeout: time.Minute}, a.GetIDToken)
	if runErr != nil {
		action.ReportError(c, runErr)
	}
	sum, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	out, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	c.Infof("\n----- step summary ($GITHUB_STEP_SUMMARY) -----\n%s\n----- outputs ($GITHUB_OUTPUT) -----\n%s", sum, out)
	c.Infof("----- the index received -----")
	for _, u := range f.srv.Uploads() {
		c.Infof("POST %d %s  sha256=%s  %d form fields, user %s", u.Status, u.Filename, u.SHA256, len(u.Fields), u.User)
	}
	if runErr != nil {
		return fmt.Errorf("the demo run failed: %w", runErr)
	}
	c.Infof("\nDone. In a workflow the same run is `uses: pypi-publish/pypi-publish@<sha>`.")
	return nil
}

// writeSamples writes the bundled samples into distDir and returns how
// many there are.
func writeSamples(distDir string) (int, error) {
	if err := os.MkdirAll(distDir, 0o755); err != nil {
		return 0, fmt.Errorf("failed to create %s: %w", distDir, err)
	}
	entries, err := demoFiles.ReadDir("demo")
	if err != nil {
		return 0, fmt.Errorf("failed to list the bundled samples: %w", err)
	}
	for _, e := range entries {
		b, err := demoFiles.ReadFile("demo/" + e.Name())
		if err != nil {
			return 0, fmt.Errorf("failed to read the bundled sample %s: %w", e.Name(), err)
		}
		if err := os.WriteFile(filepath.Join(distDir, e.Name()), b, 0o644); err != nil {
			return 0, fmt.Errorf("failed to write the sample: %w", err)
		}
	}
	return len(entries), nil
}

// demoEnv is the runner environment of the demo's workflow run, with empty
// output and summary files in dir.
func demoEnv(dir string, f demoFakes, withToken bool) (map[string]string, error) {
	outFile := filepath.Join(dir, "github_output")
	sumFile := filepath.Join(dir, "step_summary.md")
	for _, p := range []string{outFile, sumFile} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			return nil, fmt.Errorf("failed to create %s: %w", p, err)
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
		"INPUT_REPOSITORY-URL":    f.srv.UploadURL(),
		"INPUT_INDEX-URL":         f.srv.SimpleURL(),
		"INPUT_PACKAGES-DIR":      "dist",
		// Attestations need Sigstore (Fulcio and Rekor), which the demo
		// does not fake; the tests cover them with fakes of both.
		"INPUT_ATTESTATIONS": "false",
		// The fake index plays PyPI: release links and PyPI's rules.
		"PYPI_PUBLISH_INDEX_KIND": "pypi",
		// verify-upload reads the files back from its JSON API too.
		"PYPI_PUBLISH_API_URL": f.srv.URL() + "/",
	}
	if withToken {
		env["INPUT_PASSWORD"] = demoToken
	} else {
		env["ACTIONS_ID_TOKEN_REQUEST_URL"] = f.gh.URL()
		env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = f.gh.RequestToken()
	}
	return env, nil
}

// serveDemo serves the fake index on addr until ctx ends.
func serveDemo(ctx context.Context, c console.Console, addr string, srv *publishtest.Server) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !target.IsLoopback(host) {
		return fmt.Errorf("--serve needs a loopback address such as 127.0.0.1:8080, got %q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	c.Infof("fake index: upload URL http://%s/legacy/, token %s", ln.Addr(), demoToken)
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !strings.Contains(err.Error(), "closed") {
		return err
	}
	return nil
}
