// Command pypi-publish is a GitHub Action that publishes Python
// distributions to PyPI, TestPyPI or any index that speaks PyPI's upload API.
// It is a drop-in replacement for pypa/gh-action-pypi-publish; the behaviour
// contract is ../shared/spec/action.md.
//
// Usage:
//
//	pypi-publish [--input-name=value ...]   run the action (inputs from INPUT_* and flags)
//	pypi-publish demo                       publish bundled samples to an in-process index
//	pypi-publish version                    print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/sethvargo/go-githubactions"
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	action := githubactions.New()
	if err := realMain(ctx, action, os.Args[1:]); err != nil {
		reportError(action, err)
		stop()
		os.Exit(1)
	}
}

// realMain dispatches the subcommands. It returns the error to report. An
// internal panic becomes an error too: users get one line and the summary,
// and the stack only when DEBUG is set (action.md §13).
func realMain(ctx context.Context, action *githubactions.Action, args []string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if os.Getenv("DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "panic: %v\n%s", p, debug.Stack())
			}
			err = fmt.Errorf("internal error: %v; please report it at https://github.com/pypi-publish/pypi-publish/issues", p)
		}
	}()
	if len(args) > 0 {
		switch args[0] {
		case "demo":
			return runDemo(ctx, os.Stdout, args[1:])
		case "version", "--version":
			fmt.Fprintln(os.Stdout, "pypi-publish", Version())
			return nil
		}
	}
	flags, err := parseFlags(args, os.Stderr)
	if err != nil {
		return &userError{Title: "Invalid arguments", Msg: err.Error()}
	}
	return run(ctx, action, flags, defaultDeps(action))
}

// reportError prints the one error annotation of a failed run (STYLE C1).
func reportError(action *githubactions.Action, err error) {
	var ue *userError
	if errors.As(err, &ue) {
		a := action
		if ue.Title != "" {
			a = action.WithFieldsMap(map[string]string{"title": ue.Title})
		}
		a.Errorf("%s", ue.annotation())
		return
	}
	action.WithFieldsMap(map[string]string{"title": "pypi-publish failed"}).Errorf("%s", err.Error())
}
