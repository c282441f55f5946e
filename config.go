package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/sethvargo/go-envconfig"
)

// Default values of the inputs. action.yml declares the same values; a test
// reads action.yml so the two cannot drift (see ../shared/spec/action.md §2).
const (
	defaultUser          = "__token__"
	defaultRepositoryURL = "https://upload.pypi.org/legacy/"
	defaultPackagesDir   = "dist"
)

// Bool is a boolean input with the original action's truthiness: a value is
// false only when its trimmed, lower-cased form is exactly "false"; anything
// else is true (action.md §2.3). Odd records a value that was neither "true"
// nor "false" (IN-02).
type Bool struct {
	Value bool
	Raw   string
	Odd   bool
}

// EnvDecode implements envconfig.Decoder.
func (b *Bool) EnvDecode(val string) error {
	v := strings.ToLower(strings.TrimSpace(val))
	b.Raw = val
	b.Value = v != "false"
	b.Odd = v != "true" && v != "false"
	return nil
}

// Config holds every input of the action, decoded once in main (STYLE C2).
// Field tags name the input in upper snake case; inputLookuper maps them to
// the runner's INPUT_ names (hyphens kept) and to the deprecated aliases.
type Config struct {
	User           string `env:"USER, default=__token__"`
	Password       string `env:"PASSWORD"`
	RepositoryURL  string `env:"REPOSITORY_URL, default=https://upload.pypi.org/legacy/"`
	PackagesDir    string `env:"PACKAGES_DIR, default=dist"`
	VerifyMetadata Bool   `env:"VERIFY_METADATA, default=true"`
	SkipExisting   Bool   `env:"SKIP_EXISTING, default=false"`
	Verbose        Bool   `env:"VERBOSE, default=true"`
	PrintHash      Bool   `env:"PRINT_HASH, default=true"`
	Attestations   Bool   `env:"ATTESTATIONS, default=true"`
	// DryRun runs every check and uploads nothing (issue 4).
	DryRun Bool `env:"DRY_RUN, default=false"`
	// IndexURL is the simple API root of a third-party index, used to look
	// up existing files by hash (pypi-protocol.md §5.5).
	IndexURL string `env:"INDEX_URL"`
	// Concurrency is how many files are uploaded at once after the first.
	Concurrency int `env:"CONCURRENCY, default=1"`
}

// input describes one action input: its name in action.yml, its deprecated
// snake_case alias, its default and whether it is boolean.
type input struct {
	Name    string
	Alias   string
	Default string
	Bool    bool
	Usage   string
}

// inputs lists every input in action.yml order. The config tests compare
// this table with action.yml and with the Config tags.
var inputs = []input{
	{Name: "user", Default: defaultUser, Usage: "index username; __token__ for API tokens and trusted publishing"},
	{Name: "password", Usage: "API token or password; empty selects trusted publishing"},
	{Name: "repository-url", Alias: "repository_url", Default: defaultRepositoryURL, Usage: "legacy upload endpoint of the index"},
	{Name: "packages-dir", Alias: "packages_dir", Default: defaultPackagesDir, Usage: "directories or globs holding the distributions, one per line"},
	{Name: "verify-metadata", Alias: "verify_metadata", Default: "true", Bool: true, Usage: "check every distribution as PyPI would before uploading"},
	{Name: "skip-existing", Alias: "skip_existing", Default: "false", Bool: true, Usage: "skip files the index already has instead of failing"},
	{Name: "verbose", Default: "true", Bool: true, Usage: "more detail in the log, including hashes and response bodies"},
	{Name: "print-hash", Alias: "print_hash", Default: "true", Bool: true, Usage: "print SHA256, MD5 and BLAKE2-256 of each distribution"},
	{Name: "attestations", Default: "true", Bool: true, Usage: "sign and upload PEP 740 attestations (trusted publishing to PyPI/TestPyPI)"},
	{Name: "dry-run", Default: "false", Bool: true, Usage: "run every check and upload nothing"},
	{Name: "index-url", Usage: "simple API root of a third-party index, for the existing-file check"},
	{Name: "concurrency", Default: "1", Usage: "files uploaded at once after the first"},
}

// envKey turns an input name into the Config tag key: "repository-url" →
// "REPOSITORY_URL".
func envKey(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// inputLookuper returns the lookuper that decodes Config from the runner's
// environment (getenv) and from command-line flag values (which win). For a
// key such as REPOSITORY_URL it reads, in order: the flag, INPUT_REPOSITORY-URL,
// the alias INPUT_REPOSITORY_URL. Values are trimmed, except user and
// password (action.md §2.3); an empty value counts as unset so that the
// default applies.
func inputLookuper(getenv func(string) string, flags map[string]string) envconfig.Lookuper {
	byKey := make(map[string]input, len(inputs))
	for _, in := range inputs {
		byKey[envKey(in.Name)] = in
	}
	return envconfig.LookuperFunc(func(key string) (string, bool) {
		in, ok := byKey[key]
		if !ok {
			return "", false
		}
		raw := key == "USER" || key == "PASSWORD"
		norm := func(v string) string {
			if raw {
				return v
			}
			return strings.TrimSpace(v)
		}
		if v, ok := flags[in.Name]; ok && norm(v) != "" {
			return norm(v), true
		}
		names := []string{"INPUT_" + strings.ToUpper(in.Name)}
		if in.Alias != "" {
			names = append(names, "INPUT_"+strings.ToUpper(in.Alias))
		}
		for _, n := range names {
			if v := norm(getenv(n)); v != "" {
				return v, true
			}
		}
		return "", false
	})
}

// parseFlags parses command-line flags named like the inputs. It returns the
// values of the flags that were set.
func parseFlags(args []string, stderr io.Writer) (map[string]string, error) {
	fs := flag.NewFlagSet("pypi-publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := make(map[string]*string, len(inputs))
	for _, in := range inputs {
		def := in.Default
		vals[in.Name] = fs.String(in.Name, "", fmt.Sprintf("%s (default %q)", in.Usage, def))
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q; inputs are given as flags such as --packages-dir=dist", fs.Arg(0))
	}
	set := make(map[string]string)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = *vals[f.Name] })
	return set, nil
}

// loadConfig decodes the inputs.
func loadConfig(ctx context.Context, getenv func(string) string, flags map[string]string) (Config, error) {
	var cfg Config
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{
		Target:   &cfg,
		Lookuper: inputLookuper(getenv, flags),
	}); err != nil {
		return cfg, fmt.Errorf("failed to read inputs: %w", err)
	}
	return cfg, nil
}

// String prints the configuration without secrets (STYLE C4).
func (c Config) String() string {
	pw := "<empty>"
	if c.Password != "" {
		pw = "<set>"
	}
	return fmt.Sprintf("user=%q password=%s repository-url=%q packages-dir=%q verify-metadata=%t skip-existing=%t verbose=%t print-hash=%t attestations=%t dry-run=%t index-url=%q concurrency=%d",
		c.User, pw, c.RepositoryURL, c.PackagesDir, c.VerifyMetadata.Value, c.SkipExisting.Value,
		c.Verbose.Value, c.PrintHash.Value, c.Attestations.Value, c.DryRun.Value, c.IndexURL, c.Concurrency)
}

// oddBools returns the inputs whose boolean value was neither true nor false
// (IN-02), as "name=value" pairs.
func (c Config) oddBools() []string {
	var out []string
	for _, b := range []struct {
		name string
		v    Bool
	}{
		{"verify-metadata", c.VerifyMetadata}, {"skip-existing", c.SkipExisting},
		{"verbose", c.Verbose}, {"print-hash", c.PrintHash},
		{"attestations", c.Attestations}, {"dry-run", c.DryRun},
	} {
		if b.v.Odd {
			out = append(out, fmt.Sprintf("%s=%q", b.name, b.v.Raw))
		}
	}
	return out
}

// IndexKind classifies an index by the host of its upload URL
// (action.md §5.1).
type IndexKind int

const (
	// IndexOther is any third-party index.
	IndexOther IndexKind = iota
	// IndexPyPI is pypi.org.
	IndexPyPI
	// IndexTestPyPI is test.pypi.org.
	IndexTestPyPI
)

// isPyPI reports whether the index is PyPI or TestPyPI.
func (k IndexKind) isPyPI() bool { return k == IndexPyPI || k == IndexTestPyPI }

// base returns the web base URL of PyPI or TestPyPI, or "".
func (k IndexKind) base() string {
	switch k {
	case IndexPyPI:
		return "https://pypi.org"
	case IndexTestPyPI:
		return "https://test.pypi.org"
	}
	return ""
}

// String names the index kind.
func (k IndexKind) String() string {
	switch k {
	case IndexPyPI:
		return "PyPI"
	case IndexTestPyPI:
		return "TestPyPI"
	}
	return "third-party index"
}

// classify returns the kind of index behind u.
func classify(u *url.URL) IndexKind {
	switch strings.ToLower(u.Hostname()) {
	case "upload.pypi.org", "pypi.org":
		return IndexPyPI
	case "test.pypi.org":
		return IndexTestPyPI
	}
	return IndexOther
}

// isLoopback reports whether host names the local machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Validate checks the configuration and returns every problem at once
// (STYLE C2). It returns the parsed repository URL.
func (c Config) Validate() (*url.URL, error) {
	var errs []error
	u, err := url.Parse(c.RepositoryURL)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("repository-url %q is not a URL (%v); use e.g. https://upload.pypi.org/legacy/ or https://test.pypi.org/legacy/", c.RepositoryURL, err))
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		errs = append(errs, fmt.Errorf("repository-url %q must be an http(s) URL with a host, e.g. https://upload.pypi.org/legacy/ or https://test.pypi.org/legacy/", c.RepositoryURL))
	}
	if c.IndexURL != "" {
		iu, err := url.Parse(c.IndexURL)
		if err != nil || (iu.Scheme != "https" && iu.Scheme != "http") || iu.Host == "" {
			errs = append(errs, fmt.Errorf("index-url %q must be an http(s) URL of the index's simple API, e.g. https://devpi.example/root/pypi/+simple/", c.IndexURL))
		}
	}
	if c.Concurrency < 1 || c.Concurrency > 32 {
		errs = append(errs, fmt.Errorf("concurrency must be between 1 and 32, got %d", c.Concurrency))
	}
	if strings.TrimSpace(c.PackagesDir) == "" {
		errs = append(errs, errors.New("packages-dir is empty"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return u, nil
}

// packagesEntries splits packages-dir into its lines, dropping blank ones.
func (c Config) packagesEntries() []string {
	var out []string
	for _, line := range strings.Split(c.PackagesDir, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}
