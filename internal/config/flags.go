package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CLI is what the command line says: the inputs given as flags, and the
// options only the command line has.
type CLI struct {
	// Inputs are the values of the input flags that were given, by input
	// name; booleans are "true" or "false". They win over INPUT_*
	// variables ([Lookuper]).
	Inputs map[string]string
	// JSON is --json FILE: the file to write the outputs to, as one JSON
	// object; "" for none.
	JSON string
	// Debug is --debug: show debug lines outside GitHub Actions.
	Debug bool
	// IDTokenSource is --id-token-source: "auto" (the default), "github",
	// "gitlab" or "google".
	IDTokenSource string
	// Help is --help or -h.
	Help bool
}

// UsageError is a command line that cannot be run: an unknown flag, a
// bad value, a stray argument. main prints it with a pointer to --help
// and exits 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// boolFlag is a boolean input flag: --name means true, --name=false false,
// like the flag package's booleans; the value is kept as text for the
// lookuper.
type boolFlag struct{ v *string }

func (b boolFlag) IsBoolFlag() bool { return true }
func (b boolFlag) String() string {
	if b.v == nil {
		return ""
	}
	return *b.v
}

func (b boolFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not a boolean (use true or false)", s)
	}
	*b.v = strconv.FormatBool(v)
	return nil
}

// textFlag is a text input flag.
type textFlag struct{ v *string }

func (t textFlag) String() string {
	if t.v == nil {
		return ""
	}
	return *t.v
}

func (t textFlag) Set(s string) error { *t.v = s; return nil }

// ParseArgs parses the command line (after the program name). Flags are
// the inputs by name (--packages-dir=dist; boolean inputs as --dry-run or
// --dry-run=false), plus --json, --debug, --id-token-source and --help.
// One or two dashes both work. Errors are *UsageError. ParseArgs never
// prints.
func ParseArgs(args []string) (CLI, error) {
	cli := CLI{Inputs: map[string]string{}, IDTokenSource: "auto"}
	fs := flag.NewFlagSet("pypi-publish", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	vals := make(map[string]*string, len(Inputs))
	for _, in := range Inputs {
		v := new(string)
		vals[in.Name] = v
		if in.Bool {
			fs.Var(boolFlag{v}, in.Name, in.Usage)
		} else {
			fs.Var(textFlag{v}, in.Name, in.Usage)
		}
	}
	fs.StringVar(&cli.JSON, "json", "", "")
	fs.BoolVar(&cli.Debug, "debug", false, "")
	fs.StringVar(&cli.IDTokenSource, "id-token-source", "auto", "")
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		cli.Help = true
		return cli, nil
	case err != nil:
		return cli, &UsageError{Err: err}
	case fs.NArg() > 0:
		return cli, &UsageError{Err: strayArgument(args, fs.Arg(0))}
	}
	fs.Visit(func(f *flag.Flag) {
		if v, ok := vals[f.Name]; ok {
			cli.Inputs[f.Name] = *v
		}
	})
	return cli, nil
}

// strayArgument explains an argument that is not a flag: most often the
// value of a boolean flag written as "--dry-run true".
func strayArgument(args []string, stray string) error {
	for i, a := range args {
		if a != stray || i == 0 {
			continue
		}
		prev := strings.TrimLeft(args[i-1], "-")
		for _, in := range Inputs {
			if in.Bool && prev == in.Name {
				return fmt.Errorf("unexpected argument %q after --%s: boolean flags are --%s or --%s=false", stray, in.Name, in.Name, in.Name)
			}
		}
		break
	}
	return fmt.Errorf("unexpected argument %q: inputs are flags such as --packages-dir=dist; see --help", stray)
}
