// Command pypi-publish is a GitHub Action that publishes Python
// distributions to PyPI, TestPyPI or any index that speaks PyPI's upload API.
// It is a drop-in replacement for pypa/gh-action-pypi-publish; what it does
// in each situation is catalogued in docs/situations.md, and
// docs/ARCHITECTURE.md shows how the packages fit together.
//
// Usage:
//
//	pypi-publish [--input-name=value ...]   run the action (inputs from INPUT_* and flags)
//	pypi-publish demo                       publish bundled samples to an in-process index
//	pypi-publish version                    print the version
//
// main is a thin shell: it decodes flags and the environment once
// (internal/config), builds the console for GitHub's runner
// (internal/console), runs internal/action and turns its error into the
// exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
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
// "Uploaded via" (STYLE C7).
func userAgent() string {
	return "pypi-publish/" + Version() + " (+https://github.com/pypi-publish/pypi-publish)"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a := githubactions.New()
	env := config.LoadRunner(os.Getenv)
	c := console.NewGitHub(a, env.OutputFile, env.SummaryFile)
	if err := realMain(ctx, c, a.GetIDToken, os.Args[1:]); err != nil {
		action.ReportError(c, err)
		stop()
		os.Exit(1)
	}
}

// realMain dispatches the subcommands and returns the error to report. An
// internal panic becomes an error too: users get one line, and the stack
// (through the console, like every other line) only when DEBUG is set.
func realMain(ctx context.Context, c console.Console, idToken func(context.Context, string) (string, error), args []string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if os.Getenv("DEBUG") != "" {
				c.Infof("panic: %v\n%s", p, debug.Stack())
			}
			err = fmt.Errorf("internal error: %v; please report it at https://github.com/pypi-publish/pypi-publish/issues", p)
		}
	}()
	if len(args) > 0 {
		switch args[0] {
		case "demo":
			return runDemo(ctx, os.Stdout, args[1:])
		case "version", "--version":
			c.Infof("pypi-publish %s", Version())
			return nil
		}
	}
	flags, err := config.ParseFlags(args, os.Stderr)
	if err != nil {
		return &action.Error{Title: "Invalid arguments", Message: err.Error(), Err: err}
	}
	return run(ctx, c, os.Getenv, flags, nil, idToken)
}

// run decodes the inputs, the runner's environment, the TLS settings and
// the test hooks from getenv (and the flags), once, and runs the action.
// A nil client is the one built from the TLS settings.
func run(ctx context.Context, c console.Console, getenv func(string) string, flags map[string]string,
	client *http.Client, idToken func(context.Context, string) (string, error)) error {
	cfg, err := config.Load(ctx, getenv, flags)
	if err != nil {
		return &action.Error{ID: "IN-03", Title: "Invalid inputs", Message: err.Error(), Err: err}
	}
	if client == nil {
		if client, err = httpClient(c, config.LoadTLS(getenv)); err != nil {
			return err
		}
	}
	return action.Run(ctx, cfg, config.LoadRunner(getenv), action.Deps{
		Console:    c,
		HTTPClient: client,
		IDToken:    idToken,
		UserAgent:  userAgent(),
		Hooks:      config.LoadHooks(getenv),
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
			Hint: "Point it at a PEM file in the workspace (e.g. ${{ github.workspace }}/ca.pem): REQUESTS_CA_BUNDLE and TWINE_CERT hold CA certificates, TWINE_CLIENT_CERT a client certificate with its private key."}
	}
	if t.CABundle != "" {
		c.Infof("Trusting the CA certificates of %s (from %s) instead of the system's.", t.CABundle, t.CABundleFrom)
	}
	if t.ClientCert != "" {
		c.Infof("Offering the client certificate of %s (from TWINE_CLIENT_CERT) to servers that ask for one.", t.ClientCert)
	}
	return client, nil
}
