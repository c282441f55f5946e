//go:build !nodemo

package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

//go:embed demo/*.whl demo/*.tar.gz
var demoFiles embed.FS

// demoClassifiers is the classifier list the fake PyPI serves: the one the
// checks have built in.
//
//go:embed dist/internal/trove/data/classifiers.txt
var demoClassifiers string

// demoToken is the API token the demo index accepts. It is not a secret:
// the demo index lives only inside this process.
const demoToken = "pypi-demo-token-for-the-in-process-index"

// The demo's workflow: the publisher the fake index trusts.
const (
	demoRepository  = "octo-org/octo-repo"
	demoWorkflowRef = "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0"
)

const demoUsage = `Usage: pypi-publish demo [--api-token] [--keep]
       pypi-publish demo --serve 127.0.0.1:8080

Publishes two bundled distributions to a fake PyPI started in this process,
as a GitHub Actions job would: trusted publishing with a fake GitHub token
service, attestations signed with a fake Sigstore, and the log, the step
summary and the outputs as the runner shows them.

  --api-token   publish with an API token instead of trusted publishing
  --keep        keep the temporary directory and say where it is
  --serve ADDR  only serve the fake index on a loopback address, until interrupted
`

// runDemo runs the demo subcommand: flags as described in demoUsage. A
// wrong flag is a *config.UsageError.
func runDemo(ctx context.Context, stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	serve := fs.String("serve", "", "")
	keep := fs.Bool("keep", false, "")
	token := fs.Bool("api-token", false, "")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, demoUsage)
		return nil
	case err != nil:
		return &config.UsageError{Err: err}
	case fs.NArg() > 0:
		return &config.UsageError{Err: fmt.Errorf("unexpected argument %q; see pypi-publish demo --help", fs.Arg(0))}
	}
	if *serve != "" {
		srv := publishtest.New(publishtest.WithStart(false))
		return serveDemo(ctx, console.NewTerminal(stdout, console.TerminalOptions{}), *serve, srv)
	}
	dir, err := os.MkdirTemp("", "pypi-publish-demo-")
	if err != nil {
		return fmt.Errorf("failed to create a temporary directory: %w", err)
	}
	if *keep {
		defer fmt.Fprintf(stdout, "\nKept the demo's files in %s: dist/ holds the distributions and their attestations, "+
			"trusted_root.json the fake Sigstore's trusted root.\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	return demoRun(ctx, stdout, dir, *token)
}

// demoFakes are the fakes a demo run publishes to.
type demoFakes struct {
	gh       *oidctest.GitHub
	srv      *publishtest.Server
	sigstore *attesttest.Sigstore
	rootPath string
}

// startDemoFakes starts, as in a workflow with `id-token: write`, a fake
// GitHub token service; a fake Sigstore (Fulcio and Rekor) that trusts
// its tokens, with its trusted root written into dir; and a fake PyPI
// with a trusted publisher for the demo's workflow that verifies the
// GitHub token, mints a short-lived API token (and also takes demoToken),
// checks uploaded attestations as PyPI does, and serves release pages.
func startDemoFakes(dir string) (*demoFakes, error) {
	f := &demoFakes{gh: oidctest.StartGitHub()}
	var err error
	f.sigstore, err = attesttest.StartSigstore(attesttest.FulcioOptions{VerifyToken: attesttest.VerifyRS256(&oidctest.Key().PublicKey, nil)},
		attesttest.RekorOptions{}, time.Now().Add(-time.Hour))
	if err == nil {
		f.rootPath = filepath.Join(dir, "trusted_root.json")
		err = os.WriteFile(f.rootPath, f.sigstore.RootJSON, 0o644)
	}
	if err != nil {
		f.close()
		return nil, fmt.Errorf("failed to set up the fake Sigstore: %w", err)
	}
	idx := oidctest.NewIndex(oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"}))
	var pages releasePages
	f.srv = publishtest.New(
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithHandler("/pypi", http.HandlerFunc(serveClassifiers)),
		publishtest.WithHandler("/project/", &pages),
		publishtest.WithAuth(func(user, password string) error {
			if password == demoToken {
				return nil
			}
			return idx.Validate(password)
		}),
		publishtest.WithAttestationVerifier(attesttest.Verifier(f.sigstore.Root, attest.Identity{Repository: demoRepository, Workflow: "release.yml"})),
	)
	pages.srv = f.srv
	return f, nil
}

func (f *demoFakes) close() {
	if f.srv != nil {
		f.srv.Close()
	}
	if f.sigstore != nil {
		f.sigstore.Close()
	}
	f.gh.Close()
}

// serveClassifiers serves the fake PyPI's classifier list, as PyPI's
// /pypi?:action=list_classifiers does.
func serveClassifiers(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get(":action") != "list_classifiers" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, demoClassifiers)
}

// releasePages serves /project/<name>/<version>/ on the fake index: the
// files of that release, so the demo's release links lead somewhere.
type releasePages struct {
	srv *publishtest.Server
}

func (p *releasePages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/project/"), "/"), "/")
	var files []string
	for _, f := range p.srv.Files() {
		if len(parts) == 2 && dist.NormalizeName(f.Project) == parts[0] && f.Version == parts[1] {
			files = append(files, f.Filename)
		}
	}
	if len(files) == 0 {
		http.NotFound(w, r)
		return
	}
	sort.Strings(files)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!DOCTYPE html><title>%s %s</title><h1>%s %s</h1><ul>", html.EscapeString(parts[0]), html.EscapeString(parts[1]),
		html.EscapeString(parts[0]), html.EscapeString(parts[1]))
	for _, f := range files {
		fmt.Fprintf(w, "<li>%s</li>", html.EscapeString(f))
	}
	io.WriteString(w, "</ul>")
}

// captured is a console that keeps the outputs and the summary instead of
// handing them on, so the demo can show them after the log.
type captured struct {
	console.Console
	mu      sync.Mutex
	outputs map[string]string
	summary strings.Builder
}

func (c *captured) SetOutputs(o map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.outputs = o
}

func (c *captured) AddSummary(md string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.summary.WriteString(md + "\n")
}

// demoRun runs the action in dir against the fakes and prints the log as
// the runner shows it, then the summary, the outputs and what the index
// received.
func demoRun(ctx context.Context, stdout io.Writer, dir string, withToken bool) error {
	n, err := writeSamples(filepath.Join(dir, "dist"))
	if err != nil {
		return err
	}
	f, err := startDemoFakes(dir)
	if err != nil {
		return err
	}
	defer f.close()
	env := demoEnv(dir, f, withToken)
	c := &captured{Console: console.NewTerminal(stdout, console.TerminalOptions{RunnerView: true})}
	mode := "trusted publishing and attestations"
	if withToken {
		mode = "an API token"
	}
	c.Infof("pypi-publish %s demo: publishing %d bundled distributions with %s to a fake PyPI at %s,", Version(), n, mode, f.srv.URL())
	c.Infof("as the workflow %s of %s would. The log below is what GitHub shows for the step.\n", "release.yml", demoRepository)
	runErr := run(ctx, c, config.Environ(env), nil, "", &http.Client{Timeout: time.Minute}, "the step summary")
	if runErr != nil {
		action.ReportError(c, runErr, "the step summary")
	}
	showResults(c, f)
	if runErr != nil {
		return fmt.Errorf("the demo run failed: %w", runErr)
	}
	c.Infof("\nIn a workflow the same run is `uses: pypi-publish/pypi-publish@<sha>`; see README.md.")
	return nil
}

// showResults prints the step summary as GitHub renders it (as text), the
// outputs, and what the fake index received.
func showResults(c *captured, f *demoFakes) {
	c.mu.Lock()
	sum, outputs := c.summary.String(), c.outputs
	c.mu.Unlock()
	c.Infof("\n----- step summary -----\n%s", strings.TrimRight(console.PlainText(sum), "\n"))
	names := slices.Sorted(maps.Keys(outputs))
	c.Infof("\n----- outputs -----")
	for _, k := range names {
		c.Infof("%s=%s", k, outputs[k])
	}
	c.Infof("\n----- the index received -----")
	for _, u := range f.srv.Uploads() {
		att := "no attestation"
		if u.Attestations != "" {
			att = "an attestation PyPI's checks accept"
		}
		c.Infof("POST %d %s (%d bytes, sha256 %.12s…), %d form fields, user %s, %s", u.Status, u.Filename, u.Size, u.SHA256, len(u.Fields), u.User, att)
	}
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

// demoEnv is the environment of the demo's workflow run.
func demoEnv(dir string, f *demoFakes, withToken bool) map[string]string {
	env := map[string]string{
		"GITHUB_ACTIONS":          "true",
		"GITHUB_WORKSPACE":        dir,
		"GITHUB_REPOSITORY":       demoRepository,
		"GITHUB_REPOSITORY_OWNER": "octo-org",
		"GITHUB_WORKFLOW_REF":     demoWorkflowRef,
		"GITHUB_EVENT_NAME":       "push",
		"GITHUB_SERVER_URL":       "https://github.com",
		"INPUT_REPOSITORY-URL":    f.srv.UploadURL(),
		"INPUT_INDEX-URL":         f.srv.SimpleURL(),
		"INPUT_PACKAGES-DIR":      "dist",
		// The fake index plays PyPI (its rules), with its own site for
		// release links and its own classifier list.
		"PYPI_PUBLISH_INDEX_KIND":      "pypi",
		"PYPI_PUBLISH_WEB_BASE":        f.srv.URL(),
		"PYPI_PUBLISH_CLASSIFIERS_URL": f.srv.URL() + "/pypi?%3Aaction=list_classifiers",
		// Sigstore is the fake one, whose root is given: no TUF update.
		"PYPI_PUBLISH_FULCIO_URL":   f.sigstore.Fulcio.URL,
		"PYPI_PUBLISH_REKOR_URL":    f.sigstore.Rekor.URL,
		"PYPI_PUBLISH_TRUSTED_ROOT": f.rootPath,
		// verify-upload reads the files back from its JSON API too.
		"PYPI_PUBLISH_API_URL": f.srv.URL() + "/",
	}
	if withToken {
		env["INPUT_PASSWORD"] = demoToken
	} else {
		env["ACTIONS_ID_TOKEN_REQUEST_URL"] = f.gh.URL()
		env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = f.gh.RequestToken()
	}
	return env
}

// serveDemo serves the fake index on addr until ctx ends.
func serveDemo(ctx context.Context, c console.Console, addr string, srv *publishtest.Server) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !target.IsLoopback(host) {
		return &config.UsageError{Err: fmt.Errorf("--serve needs a loopback address such as 127.0.0.1:8080, got %q", addr)}
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
