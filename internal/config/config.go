// Package config decodes everything a run takes from outside, once, in
// main: the action's inputs (from INPUT_* variables and command-line
// flags) into [Config], the runner's environment into [Runner], and the
// test hooks into [Hooks]. Nothing else in the action reads the environment;
// the in-process tests decode the same way from a map.
package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/sethvargo/go-envconfig"
)

// Default values of the inputs. action.yml declares the same values; a
// test reads action.yml so the two cannot drift.
const (
	defaultUser          = "__token__"
	defaultRepositoryURL = "https://upload.pypi.org/legacy/"
	defaultPackagesDir   = "dist"
)

// Bool is a boolean input with the original action's truthiness: a value is
// false only when its trimmed, lower-cased form is exactly "false"; anything
// else is true. Odd records a value that was neither "true" nor "false"
// (IN-02, docs/situations.md#in-02).
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

// Config holds every input of the action, decoded once by [Load]. Field tags name the input in upper snake case; the lookuper maps
// them to the runner's INPUT_ names (hyphens kept) and to the deprecated
// aliases. The defaults are action.yml's.
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
	// DryRun runs every check and uploads nothing.
	DryRun Bool `env:"DRY_RUN, default=false"`
	// IndexURL is the simple API root of a third-party index, used to look
	// up existing files by hash.
	IndexURL string `env:"INDEX_URL"`
	// Concurrency is how many files are uploaded at once after the first.
	Concurrency int `env:"CONCURRENCY, default=1"`
	// VerifyUpload reads each uploaded file back from the index's own
	// views after the upload and compares name, size, SHA-256 and, on
	// PyPI and TestPyPI, the provenance (docs/situations.md#ve-01).
	// Default true; dry runs never verify.
	VerifyUpload Bool `env:"VERIFY_UPLOAD, default=true"`

	// Given records the inputs that were given a value (by name, e.g.
	// "attestations"), by a flag or by the runner. The runner passes an
	// input only when the workflow sets it or action.yml declares a
	// default, so it is meaningful for the inputs without an action.yml
	// default (Input.GoDefault).
	Given map[string]bool
}

// IsGiven reports whether the input name was given a value (see Given).
func (c Config) IsGiven(name string) bool { return c.Given[name] }

// Load decodes the inputs from the runner's environment (getenv) and from
// command-line flag values (which win), as [Lookuper] describes. The only
// error is a value that does not decode (a non-number concurrency).
func Load(ctx context.Context, getenv func(string) string, flags map[string]string) (Config, error) {
	var cfg Config
	given := map[string]bool{}
	lookup := Lookuper(getenv, flags)
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{
		Target: &cfg,
		Lookuper: envconfig.LookuperFunc(func(key string) (string, bool) {
			v, ok := lookup.Lookup(key)
			if ok {
				given[inputName(key)] = true
			}
			return v, ok
		}),
	}); err != nil {
		return cfg, fmt.Errorf("failed to read inputs: %w", err)
	}
	cfg.Given = given
	return cfg, nil
}

// String prints the configuration without secrets: the
// password as <set> or <empty>, URLs without their user information, a user
// name that looks like a secret as <secret>.
func (c Config) String() string {
	pw := "<empty>"
	if c.Password != "" {
		pw = "<set>"
	}
	user := strconv.Quote(c.User)
	if SecretLike(c.User) {
		user = "<secret>"
	}
	return fmt.Sprintf("user=%s password=%s repository-url=%q packages-dir=%q verify-metadata=%t skip-existing=%t verbose=%t print-hash=%t attestations=%t dry-run=%t index-url=%q concurrency=%d verify-upload=%t",
		user, pw, RedactURL(c.RepositoryURL), c.PackagesDir, c.VerifyMetadata.Value, c.SkipExisting.Value,
		c.Verbose.Value, c.PrintHash.Value, c.Attestations.Value, c.DryRun.Value, RedactURL(c.IndexURL), c.Concurrency, c.VerifyUpload.Value)
}

// boolInput is a boolean input and its name.
type boolInput struct {
	name string
	v    Bool
}

// bools returns the boolean inputs in input order.
func (c Config) bools() []boolInput {
	return []boolInput{
		{"verify-metadata", c.VerifyMetadata}, {"skip-existing", c.SkipExisting},
		{"verbose", c.Verbose}, {"print-hash", c.PrintHash},
		{"attestations", c.Attestations}, {"dry-run", c.DryRun},
		{"verify-upload", c.VerifyUpload},
	}
}

// OddBools returns the inputs whose boolean value was neither true nor
// false (IN-02), as "name=value" pairs in input order. A value that looks
// like a secret ([SecretLike]: a bare boolean flag took the next argument,
// e.g. --dry-run --password=pypi-…) is not quoted.
func (c Config) OddBools() []string {
	var out []string
	for _, b := range c.bools() {
		switch {
		case !b.v.Odd:
		case SecretLike(b.v.Raw):
			out = append(out, b.name+" (value not shown: it looks like a secret, e.g. a flag that took the next argument as its value)")
		default:
			out = append(out, fmt.Sprintf("%s=%q", b.name, b.v.Raw))
		}
	}
	return out
}

// Validate checks the configuration and returns every problem at once,
// joined. Plain http is allowed here for any host: the target
// (internal/target) warns when credentials would cross the network. A URL
// input with a user name or password is refused ([ErrURLCredentials],
// IN-09); no message repeats them.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, checkURL("repository-url", c.RepositoryURL,
		"use e.g. https://upload.pypi.org/legacy/ or https://test.pypi.org/legacy/")...)
	if c.IndexURL != "" {
		errs = append(errs, checkURL("index-url", c.IndexURL,
			"give the index's simple API root, e.g. https://devpi.example/root/pypi/+simple/")...)
	}
	if c.Concurrency < 1 || c.Concurrency > 32 {
		errs = append(errs, fmt.Errorf("concurrency must be between 1 and 32, got %d", c.Concurrency))
	}
	if strings.TrimSpace(c.PackagesDir) == "" {
		errs = append(errs, errors.New("packages-dir is empty"))
	}
	return errors.Join(errs...)
}

// checkURL returns the problems of a URL input: not a URL, not http(s)
// with a host, credentials in it. Messages show the URL without its user
// information, and nothing of a value that does not parse.
func checkURL(name, raw, example string) []error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return []error{fmt.Errorf("%s is not a URL (%v); %s", name, err, example)}
	}
	var errs []error
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		errs = append(errs, fmt.Errorf("%s %q must be an http(s) URL with a host; %s", name, RedactURL(raw), example))
	}
	if u.User != nil {
		errs = append(errs, fmt.Errorf("%w: %s %q has a user name or password in it, which the action never uses from a URL; "+
			"remove them and set the user and password inputs (the password from a secret) (IN-09)", ErrURLCredentials, name, RedactURL(raw)))
	}
	return errs
}

// PackagesEntries splits packages-dir into its lines, dropping blank ones.
func (c Config) PackagesEntries() []string {
	var out []string
	for _, line := range strings.Split(c.PackagesDir, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}
