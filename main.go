// Command pypi-publish publishes Python distributions to PyPI, TestPyPI or
// any index that speaks PyPI's upload API. It is a GitHub Action (a
// drop-in replacement for pypa/gh-action-pypi-publish) and a command of
// its own for GitLab CI/CD, Google Cloud and a plain shell; what it does in
// each situation is catalogued in docs/situations.md, and
// docs/ARCHITECTURE.md shows how the packages fit together.
//
// Usage:
//
//	pypi-publish [--input-name=value ...]   publish (inputs from flags and INPUT_* variables)
//	pypi-publish demo                       publish bundled samples to an in-process index
//	pypi-publish version                    print the version
//	pypi-publish help                       print the usage text (also --help, -h)
//
// Exit status: 0 success, 1 failure, 2 a wrong command line.
//
// main is a thin shell: it decodes the command line and the environment
// once (internal/config), picks the console (GitHub's workflow commands
// when GITHUB_ACTIONS is "true", plain text otherwise; internal/console),
// runs internal/action and turns its error into the exit status.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/escape"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/publish"
)

// version is set with -ldflags "-X main.version=...".
var version = ""

// Version returns the build's version: the ldflag, else the module version
// from the build info, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// userAgent names this action on every request; PyPI shows it as
// "Uploaded via".
func userAgent() string {
	return "pypi-publish/" + Version() + " (+https://github.com/pypi-publish/pypi-publish)"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := realMain(ctx, os.Stdout, os.Stderr, os.Environ(), os.Args[1:])
	stop()
	os.Exit(code)
}

// realMain runs the command line args in the environment environ and
// returns the exit status (config.ExitOK, ExitFailure, ExitUsage). An
// internal panic becomes one error too: users get one line, and the stack
// (through the console, like every other line) only with DEBUG set.
func realMain(ctx context.Context, stdout, stderr io.Writer, environ []string, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "demo":
			return demoMain(ctx, stdout, stderr, args[1:])
		case "version", "--version", "-version":
			fmt.Fprintf(stdout, "pypi-publish %s\n", Version())
			return config.ExitOK
		case "help":
			fmt.Fprint(stdout, config.Usage(Version()))
			return config.ExitOK
		}
	}
	env := config.LoadRunner(environ)
	cli, err := config.ParseArgs(args)
	var platform oidc.Platform
	if err == nil {
		if platform, err = oidc.ParsePlatform(cli.IDTokenSource); err != nil {
			err = &config.UsageError{Err: fmt.Errorf("--id-token-source: %w", err)}
		}
	}
	out := newOutput(stdout, environ, env, cli)
	switch {
	case err != nil:
		return usageError(out.console, stderr, env, err)
	case cli.Help:
		fmt.Fprint(stdout, config.Usage(Version()))
		return config.ExitOK
	}
	if err := safeRun(ctx, out, environ, cli, platform); err != nil {
		action.ReportError(out.console, err, out.errorPlace)
		return config.ExitFailure
	}
	return config.ExitOK
}

// output is where a run's lines, outputs and summary go.
type output struct {
	console console.Console
	// summaryPlace and errorPlace name where the summary is, for
	// messages during the run and for the final error.
	summaryPlace, errorPlace string
}

// newOutput picks the console: workflow commands on GitHub Actions
// (GITHUB_ACTIONS is "true"), plain text anywhere else; with --json, the
// outputs also go to that file.
func newOutput(stdout io.Writer, environ []string, env config.Runner, cli config.CLI) output {
	if env.Actions {
		a := githubactions.New(githubactions.WithWriter(stdout), githubactions.WithGetenv(config.Getenv(environ)))
		// Safe outermost: every line, annotation, output (the --json file
		// too) and the summary scrubbed of secrets and inert
		// (internal/console's package doc).
		o := output{console: console.Safe(console.WithJSON(console.NewGitHub(a, env.OutputFile, env.SummaryFile), cli.JSON))}
		if env.SummaryFile != "" {
			o.summaryPlace, o.errorPlace = "the step summary", "the step summary"
		}
		return o
	}
	t := console.NewTerminal(stdout, console.TerminalOptions{Debug: cli.Debug})
	return output{console: console.Safe(console.WithJSON(t, cli.JSON)), summaryPlace: "the summary at the end", errorPlace: "the summary above"}
}

// usageError reports a command line that cannot run (IN-08) and returns
// ExitUsage: an annotation on GitHub Actions, a line on stderr elsewhere.
func usageError(c console.Console, stderr io.Writer, env config.Runner, err error) int {
	if env.Actions {
		c.Errorf("Invalid arguments (IN-08)", "%v. Run pypi-publish --help for the flags.", err)
	} else {
		// The error quotes the command line: shown inert (internal/escape).
		fmt.Fprintf(stderr, "pypi-publish: %s\nRun 'pypi-publish --help' for the flags and the environment variables.\n", inert(err))
	}
	return config.ExitUsage
}

// safeRun is run with a panic turned into an error.
func safeRun(ctx context.Context, out output, environ []string, cli config.CLI, platform oidc.Platform) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if config.Getenv(environ)("DEBUG") != "" {
				out.console.Infof("panic: %v", p)
				for _, line := range strings.Split(string(debug.Stack()), "\n") {
					out.console.Infof("%s", line)
				}
			}
			err = fmt.Errorf("internal error: %v; please report it at https://github.com/pypi-publish/pypi-publish/issues", p)
		}
	}()
	return run(ctx, out.console, environ, cli.Inputs, platform, nil, out.summaryPlace)
}

// run decodes the inputs (flags win over INPUT_* variables), the runner's
// environment, the TLS settings and the test hooks from environ, once, and
// runs the action. A nil client is the one built from the TLS settings.
func run(ctx context.Context, c console.Console, environ []string, flags map[string]string, platform oidc.Platform,
	client *http.Client, summaryPlace string) error {
	getenv := config.Getenv(environ)
	// Mask before anything can quote an input, decoding errors included.
	for _, s := range config.RawSecrets(getenv, flags) {
		c.AddMask(s)
	}
	cfg, err := config.Load(ctx, getenv, flags)
	if err != nil {
		return &action.Error{ID: "IN-03", Title: "Invalid inputs", Message: err.Error(), Err: err}
	}
	if client == nil {
		if client, err = httpClient(c, config.LoadTLS(getenv)); err != nil {
			return err
		}
	}
	return action.Run(ctx, cfg, config.LoadRunner(environ), action.Deps{
		Console:      c,
		HTTPClient:   client,
		Platform:     platform,
		UserAgent:    userAgent(),
		Hooks:        config.LoadHooks(getenv),
		SummaryPlace: summaryPlace,
	})
}

// httpClient builds the one HTTP client of a run with the step's TLS
// settings (IN-07 when a file is unusable).
func httpClient(c console.Console, t config.TLS) (*http.Client, error) {
	client, err := publish.NewHTTPClient(publish.TLS{CABundle: t.CABundle, ClientCert: t.ClientCert})
	if err != nil {
		from := t.CABundleFrom
		if te := (*publish.TLSError)(nil); errors.As(err, &te) && te.ClientCert {
			from = "TWINE_CLIENT_CERT"
		}
		return nil, &action.Error{ID: "IN-07", Title: "Invalid TLS settings", Message: fmt.Sprintf("%s: %v", from, err), Err: err,
			Hint: "Point it at a readable PEM file (in a GitHub Docker action, one in the workspace, e.g. ${{ github.workspace }}/ca.pem): REQUESTS_CA_BUNDLE and TWINE_CERT hold CA certificates, TWINE_CLIENT_CERT a client certificate with its private key."}
	}
	if t.CABundle != "" {
		c.Infof("Trusting the CA certificates of %s (from %s) instead of the system's.", t.CABundle, t.CABundleFrom)
	}
	if t.ClientCert != "" {
		c.Infof("Offering the client certificate of %s (from TWINE_CLIENT_CERT) to servers that ask for one.", t.ClientCert)
	}
	return client, nil
}

// demoMain runs the demo subcommand and returns the exit status.
func demoMain(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	err := runDemo(ctx, stdout, args)
	var ue *config.UsageError
	switch {
	case err == nil:
		return config.ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "pypi-publish demo: %s\n", inert(err))
		return config.ExitUsage
	}
	fmt.Fprintf(stderr, "pypi-publish demo: %s\n", inert(err))
	return config.ExitFailure
}

// inert is an error's text as one line that cannot act as a workflow
// command (internal/escape): errors printed outside the console quote the
// command line.
func inert(err error) string {
	return escape.Line(escape.Controls(err.Error(), false))
}
