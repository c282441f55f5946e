package config

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runnerDefaults is what GitHub's runner sets when no `with:` is given:
// every declared input, with its action.yml default or "".
func runnerDefaults(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{}
	for name, in := range readActionInputs(t) {
		env["INPUT_"+strings.ToUpper(name)] = in.def
	}
	return env
}

type actionInput struct {
	def         string
	hasDefault  bool
	deprecation string
}

// readActionInputs parses the inputs of action.yml. The file's layout is
// fixed (two-space indentation), so a line reader is enough and the product
// needs no YAML dependency.
func readActionInputs(t *testing.T) map[string]actionInput {
	t.Helper()
	f, err := os.Open("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]actionInput{}
	var section, cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			section = strings.TrimSuffix(line, ":")
			continue
		}
		if section != "inputs" {
			continue
		}
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			cur = strings.TrimSuffix(strings.TrimSpace(line), ":")
			out[cur] = actionInput{}
			continue
		}
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"`)
		in := out[cur]
		switch key {
		case "default":
			in.def, in.hasDefault = val, true
		case "deprecationMessage":
			in.deprecation = val
		}
		out[cur] = in
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestActionYAML_matchesInputs keeps action.yml, the inputs table and the Go
// defaults in step.
func TestActionYAML_matchesInputs(t *testing.T) {
	t.Parallel()
	yml := readActionInputs(t)
	want := map[string]actionInput{}
	for _, in := range Inputs {
		if in.Alias != "" {
			// The default lives on the deprecated alias, as in the original action.
			want[in.Name] = actionInput{}
			want[in.Alias] = actionInput{def: in.Default, hasDefault: true, deprecation: "The input " + in.Alias + " is deprecated; rename it to " + in.Name + "."}
			continue
		}
		if in.GoDefault {
			// The description states the default; the runner passes
			// nothing unless the workflow sets the input.
			want[in.Name] = actionInput{}
			continue
		}
		want[in.Name] = actionInput{def: in.Default, hasDefault: in.Default != ""}
	}
	if diff := cmp.Diff(want, yml, cmp.AllowUnexported(actionInput{})); diff != "" {
		t.Errorf("action.yml inputs mismatch (-want +got):\n%s", diff)
	}
	// The Go defaults, decoded from an empty environment, agree too.
	cfg, err := Load(context.Background(), mapEnv(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	fromRunner, err := Load(context.Background(), mapEnv(runnerDefaults(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cfg, fromRunner, cmpopts.IgnoreFields(Config{}, "Given")); diff != "" {
		t.Errorf("built-in defaults differ from action.yml defaults (-builtin +runner):\n%s", diff)
	}
	// An input whose default lives only in Go is not given by a runner
	// that passes the action.yml defaults.
	for _, in := range Inputs {
		if in.GoDefault && fromRunner.IsGiven(in.Name) {
			t.Errorf("input %s counts as given with action.yml's defaults alone", in.Name)
		}
	}
}

// Config.Given records what the workflow or the flags set, so that the
// run can tell "attestations: true" from the default.
func TestLoad_given(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		env   map[string]string
		flags map[string]string
		want  map[string]bool
	}{
		{"nothing", nil, nil, map[string]bool{}},
		{"empty_is_not_given", map[string]string{"INPUT_ATTESTATIONS": ""}, nil, map[string]bool{}},
		{"input", map[string]string{"INPUT_ATTESTATIONS": "true"}, nil, map[string]bool{"attestations": true}},
		{"alias", map[string]string{"INPUT_SKIP_EXISTING": "true"}, nil, map[string]bool{"skip-existing": true}},
		{"flag", nil, map[string]string{"index-url": "https://x.example/simple/"}, map[string]bool{"index-url": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Load(context.Background(), mapEnv(tc.env), tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.Given); diff != "" {
				t.Errorf("Load().Given mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// REQUESTS_CA_BUNDLE wins over TWINE_CERT, as it does in twine.
func TestLoadTLS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want TLS
	}{
		{"none", nil, TLS{}},
		{"twine_cert", map[string]string{"TWINE_CERT": "/ca.pem"}, TLS{CABundle: "/ca.pem", CABundleFrom: "TWINE_CERT"}},
		{"requests_wins", map[string]string{"TWINE_CERT": "/a.pem", "REQUESTS_CA_BUNDLE": "/b.pem"}, TLS{CABundle: "/b.pem", CABundleFrom: "REQUESTS_CA_BUNDLE"}},
		{"empty_requests_ignored", map[string]string{"TWINE_CERT": "/a.pem", "REQUESTS_CA_BUNDLE": ""}, TLS{CABundle: "/a.pem", CABundleFrom: "TWINE_CERT"}},
		{"client_cert", map[string]string{"TWINE_CLIENT_CERT": "/me.pem"}, TLS{ClientCert: "/me.pem"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, LoadTLS(mapEnv(tc.env))); diff != "" {
				t.Errorf("LoadTLS mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	base := Config{
		User: "__token__", RepositoryURL: "https://upload.pypi.org/legacy/", PackagesDir: "dist",
		VerifyMetadata: Bool{Value: true, Raw: "true"}, SkipExisting: Bool{Raw: "false"},
		Verbose: Bool{Value: true, Raw: "true"}, PrintHash: Bool{Value: true, Raw: "true"},
		Attestations: Bool{Value: true, Raw: "true"}, DryRun: Bool{Raw: "false"}, Concurrency: 1,
		VerifyUpload: Bool{Value: true, Raw: "true"},
	}
	with := func(f func(*Config)) Config { c := base; f(&c); return c }
	cases := []struct {
		name  string
		env   map[string]string
		flags map[string]string
		want  Config
	}{
		{name: "defaults", want: base},
		{name: "kebab_repository_url", env: map[string]string{"INPUT_REPOSITORY-URL": "https://test.pypi.org/legacy/"},
			want: with(func(c *Config) { c.RepositoryURL = "https://test.pypi.org/legacy/" })},
		{name: "alias_repository_url", env: map[string]string{"INPUT_REPOSITORY_URL": "https://test.pypi.org/legacy/"},
			want: with(func(c *Config) { c.RepositoryURL = "https://test.pypi.org/legacy/" })},
		{name: "kebab_wins_over_alias", env: map[string]string{"INPUT_PACKAGES-DIR": "out", "INPUT_PACKAGES_DIR": "dist"},
			want: with(func(c *Config) { c.PackagesDir = "out" })},
		{name: "empty_kebab_falls_back_to_alias", env: map[string]string{"INPUT_PACKAGES-DIR": "", "INPUT_PACKAGES_DIR": "wheelhouse"},
			want: with(func(c *Config) { c.PackagesDir = "wheelhouse" })},
		{name: "whitespace_is_trimmed", env: map[string]string{"INPUT_PACKAGES-DIR": "  out/ \n"},
			want: with(func(c *Config) { c.PackagesDir = "out/" })},
		{name: "empty_verbose_is_default", env: map[string]string{"INPUT_VERBOSE": ""}, want: base},
		{name: "false_any_case", env: map[string]string{"INPUT_VERIFY-METADATA": "FALSE"},
			want: with(func(c *Config) { c.VerifyMetadata = Bool{Raw: "FALSE"} })},
		{name: "false_with_spaces", env: map[string]string{"INPUT_PRINT-HASH": " false "},
			want: with(func(c *Config) { c.PrintHash = Bool{Raw: "false"} })},
		{name: "no_means_true", env: map[string]string{"INPUT_SKIP-EXISTING": "no"},
			want: with(func(c *Config) { c.SkipExisting = Bool{Value: true, Raw: "no", Odd: true} })},
		{name: "zero_means_true", env: map[string]string{"INPUT_ATTESTATIONS": "0"},
			want: with(func(c *Config) { c.Attestations = Bool{Value: true, Raw: "0", Odd: true} })},
		{name: "skip_existing_alias", env: map[string]string{"INPUT_SKIP_EXISTING": "true"},
			want: with(func(c *Config) { c.SkipExisting = Bool{Value: true, Raw: "true"} })},
		{name: "verify_metadata_alias", env: map[string]string{"INPUT_VERIFY_METADATA": "false"},
			want: with(func(c *Config) { c.VerifyMetadata = Bool{Raw: "false"} })},
		{name: "print_hash_alias", env: map[string]string{"INPUT_PRINT_HASH": "false"},
			want: with(func(c *Config) { c.PrintHash = Bool{Raw: "false"} })},
		{name: "user_not_trimmed", env: map[string]string{"INPUT_USER": " me "},
			want: with(func(c *Config) { c.User = " me " })},
		{name: "password_kept_raw", env: map[string]string{"INPUT_PASSWORD": " pypi-x "},
			want: with(func(c *Config) { c.Password = " pypi-x " })},
		{name: "new_inputs", env: map[string]string{"INPUT_DRY-RUN": "true", "INPUT_INDEX-URL": "https://devpi.example/root/+simple/", "INPUT_CONCURRENCY": "4"},
			want: with(func(c *Config) {
				c.DryRun = Bool{Value: true, Raw: "true"}
				c.IndexURL = "https://devpi.example/root/+simple/"
				c.Concurrency = 4
			})},
		{name: "flags_win", env: map[string]string{"INPUT_PACKAGES-DIR": "out"}, flags: map[string]string{"packages-dir": "flagdir", "verbose": "false"},
			want: with(func(c *Config) { c.PackagesDir = "flagdir"; c.Verbose = Bool{Raw: "false"} })},
		{name: "empty_flag_is_unset", env: map[string]string{"INPUT_PACKAGES-DIR": "out"}, flags: map[string]string{"packages-dir": ""},
			want: with(func(c *Config) { c.PackagesDir = "out" })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Load(context.Background(), mapEnv(tc.env), tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Config{}, "Given")); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		want    CLI
		wantErr string // in the *UsageError
	}{
		{name: "none", want: CLI{Inputs: map[string]string{}, IDTokenSource: "auto"}},
		// The bug of issue 14: --dry-run=true was taken as --verbose's value.
		{name: "bool_then_bool_with_value", args: []string{"--verbose", "--dry-run=true"},
			want: CLI{Inputs: map[string]string{"verbose": "true", "dry-run": "true"}, IDTokenSource: "auto"}},
		{name: "bool_false", args: []string{"-print-hash=false", "--skip-existing=0", "--attestations=TRUE"},
			want: CLI{Inputs: map[string]string{"print-hash": "false", "skip-existing": "false", "attestations": "true"}, IDTokenSource: "auto"}},
		{name: "text_values", args: []string{"--repository-url=https://test.pypi.org/legacy/", "--packages-dir", "a b", "--concurrency=4"},
			want: CLI{Inputs: map[string]string{"repository-url": "https://test.pypi.org/legacy/", "packages-dir": "a b", "concurrency": "4"}, IDTokenSource: "auto"}},
		{name: "cli_options", args: []string{"--json", "out.json", "--debug", "--id-token-source=gitlab"},
			want: CLI{Inputs: map[string]string{}, JSON: "out.json", Debug: true, IDTokenSource: "gitlab"}},
		{name: "help_long", args: []string{"--help"}, want: CLI{Inputs: map[string]string{}, IDTokenSource: "auto", Help: true}},
		{name: "help_short", args: []string{"-h"}, want: CLI{Inputs: map[string]string{}, IDTokenSource: "auto", Help: true}},
		{name: "bool_with_separate_value", args: []string{"--dry-run", "true"}, wantErr: "boolean flags are --dry-run or --dry-run=false"},
		{name: "bool_bad_value", args: []string{"--dry-run=yes"}, wantErr: `"yes" is not a boolean`},
		{name: "unknown_flag", args: []string{"--nope=1"}, wantErr: "nope"},
		{name: "stray_argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
		{name: "missing_value", args: []string{"--packages-dir"}, wantErr: "packages-dir"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseArgs(tc.args)
			if tc.wantErr != "" {
				var ue *UsageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseArgs(%q) error = %v, want a *UsageError containing %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseArgs(%q) error = %v", tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseArgs(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

// The parsed flags decode like the inputs, and win over INPUT_ variables.
func TestParseArgs_decodes(t *testing.T) {
	t.Parallel()
	cli, err := ParseArgs([]string{"--verbose", "--dry-run=true", "--print-hash=false"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(context.Background(), mapEnv(map[string]string{"INPUT_DRY-RUN": "false", "INPUT_VERBOSE": "false"}), cli.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.DryRun.Value || !cfg.Verbose.Value || cfg.PrintHash.Value || cfg.DryRun.Odd {
		t.Errorf("Load(flags) = dry-run %+v verbose %+v print-hash %+v; want true, true, false", cfg.DryRun, cfg.Verbose, cfg.PrintHash)
	}
}

// The usage text names every flag with its default, the subcommands, the
// exit statuses and the environment variables.
func TestUsage(t *testing.T) {
	t.Parallel()
	u := Usage("v1.2.3")
	want := []string{"pypi-publish v1.2.3", "demo", "version", "help", "--json FILE", "--debug", "--id-token-source",
		"INPUT_", "GITHUB_ACTIONS", "GITLAB_CI", "PYPI_ID_TOKEN", "SIGSTORE_ID_TOKEN", "GOOGLE_SERVICE_ACCOUNT_NAME", "GCE_METADATA_HOST",
		"TWINE_PASSWORD", "TWINE_CERT", "TWINE_CLIENT_CERT", "REQUESTS_CA_BUNDLE", "Exit status: 0", "2 wrong command line"}
	for _, in := range Inputs {
		def := in.Default
		if def == "" {
			def = "empty"
		}
		want = append(want, "--"+in.Name, "(default "+def)
	}
	for _, w := range want {
		if !strings.Contains(u, w) {
			t.Errorf("Usage() lacks %q", w)
		}
	}
	for _, line := range strings.Split(u, "\n") {
		if len(line) > 100 {
			t.Errorf("Usage() line longer than 100 characters: %q", line)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := Config{RepositoryURL: "https://upload.pypi.org/legacy/", PackagesDir: "dist", Concurrency: 1}
	cases := []struct {
		name    string
		mod     func(*Config)
		wantErr []string // every substring must appear: all problems at once
	}{
		{name: "valid", mod: func(*Config) {}},
		{name: "loopback_http", mod: func(c *Config) { c.RepositoryURL = "http://127.0.0.1:8080/legacy/" }},
		{name: "service_container_http", mod: func(c *Config) { c.RepositoryURL = "http://devpi:3141/root/dev/" }},
		{name: "ftp_scheme", mod: func(c *Config) { c.RepositoryURL = "ftp://x/" }, wantErr: []string{"repository-url"}},
		{name: "no_host", mod: func(c *Config) { c.RepositoryURL = "https:///legacy/" }, wantErr: []string{"repository-url"}},
		{name: "all_at_once", mod: func(c *Config) {
			c.RepositoryURL = "pypi.org"
			c.Concurrency = 0
			c.IndexURL = "nope"
		}, wantErr: []string{"repository-url", "concurrency", "index-url"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := ok
			tc.mod(&c)
			err := c.Validate()
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to name %q", err, w)
				}
			}
		})
	}
}

func TestConfigString_hidesPassword(t *testing.T) {
	t.Parallel()
	c := Config{Password: "pypi-supersecret"}
	if s := c.String(); strings.Contains(s, "supersecret") || !strings.Contains(s, "password=<set>") {
		t.Errorf("Config.String() = %q, want the password hidden", s)
	}
}

func TestLoadHooks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		want Hooks
	}{
		{name: "none"},
		{name: "all", env: map[string]string{
			"PYPI_PUBLISH_INDEX_KIND": "pypi", "PYPI_PUBLISH_FULCIO_URL": "http://127.0.0.1:1", "PYPI_PUBLISH_REKOR_URL": "http://127.0.0.1:2",
			"PYPI_PUBLISH_TRUSTED_ROOT": "/tmp/root.json", "PYPI_PUBLISH_BACKOFF": "1ms", "PYPI_PUBLISH_IDLE_TIMEOUT": "2s",
			"PYPI_PUBLISH_TUF_URL": "http://127.0.0.1:3/", "PYPI_PUBLISH_TUF_ROOT": "/tmp/tuf-root.json",
			"PYPI_PUBLISH_API_URL": "http://127.0.0.1:4/", "PYPI_PUBLISH_VERIFY_WAIT": "300ms",
			"PYPI_PUBLISH_IAM_URL": "http://127.0.0.1:6", "PYPI_PUBLISH_PRODUCT_NAME_FILE": "/tmp/product", "PYPI_PUBLISH_WEB_BASE": "http://127.0.0.1:5",
		}, want: Hooks{IndexKind: "pypi", FulcioURL: "http://127.0.0.1:1", RekorURL: "http://127.0.0.1:2", TrustedRoot: "/tmp/root.json",
			TUFURL: "http://127.0.0.1:3/", TUFRoot: "/tmp/tuf-root.json",
			Backoff: time.Millisecond, IdleTimeout: 2 * time.Second,
			APIURL: "http://127.0.0.1:4/", VerifyWait: 300 * time.Millisecond,
			IAMURL: "http://127.0.0.1:6", ProductNameFile: "/tmp/product", WebBase: "http://127.0.0.1:5"}},
		{name: "bad_durations_ignored", env: map[string]string{"PYPI_PUBLISH_BACKOFF": "soon", "PYPI_PUBLISH_IDLE_TIMEOUT": "-1s", "PYPI_PUBLISH_VERIFY_WAIT": "0s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, LoadHooks(mapEnv(tc.env))); diff != "" {
				t.Errorf("LoadHooks mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadRunner(t *testing.T) {
	t.Parallel()
	env := []string{
		"GITHUB_ACTIONS=true", "GITHUB_WORKSPACE=/ws", "GITHUB_REPOSITORY=o/r", "GITHUB_REPOSITORY_OWNER=o",
		"GITHUB_WORKFLOW_REF=o/r/.github/workflows/release.yml@refs/tags/v1", "GITHUB_EVENT_NAME=push",
		"GITHUB_EVENT_PATH=/ev.json", "GITHUB_SERVER_URL=https://github.com", "ACTIONS_ID_TOKEN_REQUEST_URL=https://x",
		"GITHUB_OUTPUT=/out", "GITHUB_STEP_SUMMARY=/sum",
		"GITLAB_CI=true", "PYPI_ID_TOKEN= a.b.c\n", "SIGSTORE_ID_TOKEN=d.e.f", "EMPTY_ID_TOKEN=", "_ID_TOKEN=x", "ID_TOKEN=y",
		"CI_PROJECT_PATH=g/p", "CI_CONFIG_PATH=.gitlab-ci.yml", "CI_SERVER_URL=https://gitlab.com", "CI_ENVIRONMENT_NAME=pypi",
		"GOOGLE_SERVICE_ACCOUNT_NAME=sa@p.iam.gserviceaccount.com", "GCE_METADATA_HOST=127.0.0.1:8080",
	}
	want := Runner{Actions: true, Workspace: "/ws", Repository: "o/r", RepositoryOwner: "o",
		WorkflowRef: "o/r/.github/workflows/release.yml@refs/tags/v1", EventName: "push", EventPath: "/ev.json",
		ServerURL: "https://github.com", IDTokenURL: "https://x", OutputFile: "/out", SummaryFile: "/sum",
		GitLab: GitLab{CI: true, IDTokens: map[string]string{"PYPI_ID_TOKEN": "a.b.c", "SIGSTORE_ID_TOKEN": "d.e.f"},
			ProjectPath: "g/p", ConfigPath: ".gitlab-ci.yml", ServerURL: "https://gitlab.com", Environment: "pypi"},
		Google: Google{ServiceAccount: "sa@p.iam.gserviceaccount.com", MetadataHost: "127.0.0.1:8080"}}
	got := LoadRunner(env)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoadRunner mismatch (-want +got):\n%s", diff)
	}
	if s := got.String(); strings.Contains(s, "a.b.c") || !strings.Contains(s, "PYPI_ID_TOKEN") {
		t.Errorf("Runner.String() = %q, want variable names without values", s)
	}
	if got := LoadRunner([]string{"GITHUB_ACTIONS=1", "GITLAB_CI=yes"}); got.Actions || got.GitLab.CI {
		t.Errorf("LoadRunner(GITHUB_ACTIONS=1, GITLAB_CI=yes) = %v, %v; want false, false", got.Actions, got.GitLab.CI)
	}
}

func TestOddBoolsAndEntries(t *testing.T) {
	t.Parallel()
	cfg, err := Load(context.Background(), mapEnv(map[string]string{"INPUT_VERBOSE": "yes", "INPUT_DRY-RUN": "0", "INPUT_PACKAGES-DIR": "a/\n\n  b/*.whl \n"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{`verbose="yes"`, `dry-run="0"`}, cfg.OddBools()); diff != "" {
		t.Errorf("OddBools mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a/", "b/*.whl"}, cfg.PackagesEntries()); diff != "" {
		t.Errorf("PackagesEntries mismatch (-want +got):\n%s", diff)
	}
	if _, err := Load(context.Background(), mapEnv(map[string]string{"INPUT_CONCURRENCY": "many"}), nil); err == nil {
		t.Error("Load(concurrency=many) = nil error, want one")
	}
}

// The GitHub Marketplace refuses a description over 125 characters and a
// name another action already has (pypa/gh-action-pypi-publish is
// "pypi-publish"); branding gives the listing its icon.
func TestActionYAML_marketplace(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	top := map[string]string{}
	var key string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case !strings.HasPrefix(line, " "):
			k, v, _ := strings.Cut(line, ":")
			key, v = k, strings.TrimSpace(v)
			if v != ">-" {
				top[key] = strings.Trim(v, `"`)
			}
		case key == "description":
			top[key] = strings.TrimSpace(top[key] + " " + strings.TrimSpace(line))
		case key == "branding":
			k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
			top["branding."+k] = strings.TrimSpace(v)
		}
	}
	if n := len(top["name"]); n == 0 || strings.EqualFold(top["name"], "pypi-publish") {
		t.Errorf("action.yml name = %q, want one that is not the original action's (pypi-publish)", top["name"])
	}
	if n := len(top["description"]); n == 0 || n > 125 {
		t.Errorf("action.yml description is %d characters, want 1 to 125: %q", n, top["description"])
	}
	if top["branding.icon"] == "" || top["branding.color"] == "" {
		t.Errorf("action.yml branding = icon %q, color %q; want both", top["branding.icon"], top["branding.color"])
	}
}
