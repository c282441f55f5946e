package config

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// Runner is what a run needs from the CI system's environment, decoded
// once by [LoadRunner]: GitHub's runner variables, and the variables that
// say where OIDC ID tokens come from on GitHub Actions, GitLab CI/CD and
// Google Cloud. Values are as set; "" when unset. It holds secrets (the
// token-request token and GitLab's ID tokens): never print it.
type Runner struct {
	// Actions is true when GITHUB_ACTIONS is exactly "true": the run is a
	// GitHub Actions step (the console then speaks workflow commands).
	Actions bool
	// Workspace is GITHUB_WORKSPACE, the directory relative packages-dir
	// entries start from (the working directory when unset or missing).
	Workspace string
	// Repository is GITHUB_REPOSITORY ("owner/name").
	Repository string
	// RepositoryOwner is GITHUB_REPOSITORY_OWNER.
	RepositoryOwner string
	// WorkflowRef is GITHUB_WORKFLOW_REF
	// ("owner/name/.github/workflows/release.yml@refs/tags/v1").
	WorkflowRef string
	// EventName is GITHUB_EVENT_NAME; EventPath is GITHUB_EVENT_PATH, the
	// file holding the event's JSON payload.
	EventName, EventPath string
	// ServerURL is GITHUB_SERVER_URL; "" means https://github.com.
	ServerURL string
	// IDTokenURL and IDTokenToken are ACTIONS_ID_TOKEN_REQUEST_URL and
	// ACTIONS_ID_TOKEN_REQUEST_TOKEN, set when the job has `id-token:
	// write`. The token is a secret.
	IDTokenURL, IDTokenToken string
	// OutputFile is GITHUB_OUTPUT and SummaryFile GITHUB_STEP_SUMMARY, the
	// files the console appends outputs and the step summary to.
	OutputFile, SummaryFile string
	// GitLab is GitLab CI/CD's environment.
	GitLab GitLab
	// Google is Google Cloud's.
	Google Google
}

// GitLab is what a GitLab CI/CD job's variables say.
type GitLab struct {
	// CI is true when GITLAB_CI is exactly "true".
	CI bool
	// IDTokens are the variables whose name ends in _ID_TOKEN (the job's
	// id_tokens: PYPI_ID_TOKEN, TESTPYPI_ID_TOKEN, SIGSTORE_ID_TOKEN, …),
	// by name, values trimmed; empty ones are left out. Secrets.
	IDTokens map[string]string
	// ProjectPath is CI_PROJECT_PATH, ConfigPath CI_CONFIG_PATH, ServerURL
	// CI_SERVER_URL and Environment CI_ENVIRONMENT_NAME, shown in
	// diagnostics when the job has no ID token to read them from.
	ProjectPath, ConfigPath, ServerURL, Environment string
}

// Google is what Google Cloud's variables say.
type Google struct {
	// ServiceAccount is GOOGLE_SERVICE_ACCOUNT_NAME: the service account
	// to make ID tokens for through IAM Credentials (impersonation), as
	// twine and uv read it.
	ServiceAccount string
	// MetadataHost is GCE_METADATA_HOST, the metadata server's host[:port]
	// as Google's client libraries take it; "" means
	// metadata.google.internal. Tests point it at a fake on loopback.
	MetadataHost string
}

// LoadRunner decodes the runner's environment from environ, the
// "KEY=VALUE" entries os.Environ returns (a later entry wins, as in
// os.Getenv).
func LoadRunner(environ []string) Runner {
	getenv := Getenv(environ)
	return Runner{
		Actions:         getenv("GITHUB_ACTIONS") == "true",
		Workspace:       getenv("GITHUB_WORKSPACE"),
		Repository:      getenv("GITHUB_REPOSITORY"),
		RepositoryOwner: getenv("GITHUB_REPOSITORY_OWNER"),
		WorkflowRef:     getenv("GITHUB_WORKFLOW_REF"),
		EventName:       getenv("GITHUB_EVENT_NAME"),
		EventPath:       getenv("GITHUB_EVENT_PATH"),
		ServerURL:       getenv("GITHUB_SERVER_URL"),
		IDTokenURL:      getenv("ACTIONS_ID_TOKEN_REQUEST_URL"),
		IDTokenToken:    getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
		OutputFile:      getenv("GITHUB_OUTPUT"),
		SummaryFile:     getenv("GITHUB_STEP_SUMMARY"),
		GitLab: GitLab{
			CI:          getenv("GITLAB_CI") == "true",
			IDTokens:    idTokens(environ),
			ProjectPath: getenv("CI_PROJECT_PATH"),
			ConfigPath:  getenv("CI_CONFIG_PATH"),
			ServerURL:   getenv("CI_SERVER_URL"),
			Environment: getenv("CI_ENVIRONMENT_NAME"),
		},
		Google: Google{
			ServiceAccount: strings.TrimSpace(getenv("GOOGLE_SERVICE_ACCOUNT_NAME")),
			MetadataHost:   strings.TrimSpace(getenv("GCE_METADATA_HOST")),
		},
	}
}

// String describes the runner without secrets: which platform variables
// are set.
func (r Runner) String() string {
	names := slices.Sorted(maps.Keys(r.GitLab.IDTokens))
	set := func(s string) string {
		if s == "" {
			return "<unset>"
		}
		return "<set>"
	}
	return "github-actions=" + boolText(r.Actions) + " id-token-request=" + set(r.IDTokenURL) + "/" + set(r.IDTokenToken) +
		" gitlab-ci=" + boolText(r.GitLab.CI) + " id-token-variables=[" + strings.Join(names, " ") + "]" +
		" google-service-account=" + r.Google.ServiceAccount
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Getenv returns a lookup function over environ ("KEY=VALUE" entries; the
// last entry of a key wins, as in os.Getenv).
func Getenv(environ []string) func(string) string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}

// Environ turns a map into "KEY=VALUE" entries, for tests and the demo.
func Environ(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// idTokens collects the non-empty variables whose name ends in _ID_TOKEN.
func idTokens(environ []string) map[string]string {
	out := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasSuffix(k, "_ID_TOKEN") || len(k) == len("_ID_TOKEN") {
			continue
		}
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	return out
}
