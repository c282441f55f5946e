package config

import (
	"strings"

	"github.com/sethvargo/go-envconfig"
)

// Input describes one action input: its name in action.yml, its deprecated
// snake_case alias, its default, whether it is boolean, and the flag's
// usage text.
type Input struct {
	Name    string
	Alias   string
	Default string
	Bool    bool
	Usage   string
	// GoDefault: action.yml declares no default for the input (its
	// description states it), so that the runner passes it only when the
	// workflow sets it and Config.Given can tell.
	GoDefault bool
}

// Inputs lists every input in action.yml order. The config tests compare
// this table with action.yml and with the Config tags.
var Inputs = []Input{
	{Name: "user", Default: defaultUser, Usage: "index username; __token__ for API tokens and trusted publishing"},
	{Name: "password", Usage: "API token or password; empty selects trusted publishing"},
	{Name: "repository-url", Alias: "repository_url", Default: defaultRepositoryURL, Usage: "legacy upload endpoint of the index"},
	{Name: "packages-dir", Alias: "packages_dir", Default: defaultPackagesDir, Usage: "directories or globs holding the distributions, one per line"},
	{Name: "verify-metadata", Alias: "verify_metadata", Default: "true", Bool: true, Usage: "check every distribution as PyPI would before uploading"},
	{Name: "skip-existing", Alias: "skip_existing", Default: "false", Bool: true, Usage: "skip files the index already has instead of failing"},
	{Name: "verbose", Default: "true", Bool: true, Usage: "more detail in the log, including hashes and response bodies"},
	{Name: "print-hash", Alias: "print_hash", Default: "true", Bool: true, Usage: "print SHA256, MD5 and BLAKE2-256 of each distribution"},
	{Name: "attestations", Default: "true", Bool: true, GoDefault: true, Usage: "sign and upload PEP 740 attestations (trusted publishing to PyPI/TestPyPI)"},
	{Name: "dry-run", Default: "false", Bool: true, Usage: "run every check and upload nothing"},
	{Name: "index-url", Usage: "simple API root of a third-party index, for the existing-file check and verify-upload"},
	{Name: "concurrency", Default: "1", Usage: "files uploaded at once after the first"},
	{Name: "verify-upload", Default: "true", Bool: true, Usage: "after the upload, read each file back from the index and compare it (and its provenance)"},
}

// envKey turns an input name into the Config tag key: "repository-url" →
// "REPOSITORY_URL".
func envKey(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// inputName turns a Config tag key into the input's name: "REPOSITORY_URL"
// → "repository-url".
func inputName(key string) string {
	return strings.ToLower(strings.ReplaceAll(key, "_", "-"))
}

// Lookuper returns the lookuper that decodes Config from the runner's
// environment (getenv) and from command-line flag values (which win). For a
// key such as REPOSITORY_URL it reads, in order: the flag,
// INPUT_REPOSITORY-URL, the alias INPUT_REPOSITORY_URL. Values are trimmed,
// except user and password (whose whitespace the run reports, AU-05); an
// empty value counts as unset so that the default applies.
func Lookuper(getenv func(string) string, flags map[string]string) envconfig.Lookuper {
	byKey := make(map[string]Input, len(Inputs))
	for _, in := range Inputs {
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
