package action_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

const (
	wheel     = "pypi_publish_demo-1.0.0-py3-none-any.whl"
	sdist     = "pypi_publish_demo-1.0.0.tar.gz"
	testToken = "pypi-in-process-test-token"
	wfRef     = "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0"
)

// repo is the repository root, for the fixtures.
const repo = "../.."

// demoFiles are the two bundled sample distributions, by workspace path.
func demoFiles() map[string]string {
	return map[string]string{
		"dist/" + wheel: filepath.Join(repo, "demo", wheel),
		"dist/" + sdist: filepath.Join(repo, "demo", sdist),
	}
}

// setup is one in-process run: inputs by action.yml name, other variables
// of the runner's environment, and files copied into the workspace.
type setup struct {
	inputs  map[string]string
	vars    map[string]string
	files   map[string]string
	client  *http.Client
	ctx     context.Context
	secrets []string
	// ws is the workspace; a new temporary directory when "".
	ws string
}

// result is what a run left: its error, the log (stdout), the outputs and
// the step summary.
type result struct {
	err     error
	log     string
	outputs map[string]string
	summary string
	ws      string
}

// runAction runs the action in-process as main does: inputs, runner
// environment and hooks decoded from one map, the console over
// go-githubactions with an injected getenv and writer, the error reported
// once. It checks that no secret leaked.
func runAction(t *testing.T, s setup) result {
	t.Helper()
	ws := s.ws
	if ws == "" {
		ws = t.TempDir()
	}
	for dst, src := range s.files {
		copyFile(t, src, filepath.Join(ws, dst))
	}
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "github_output"), filepath.Join(dir, "step_summary")
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": ws, "GITHUB_OUTPUT": out, "GITHUB_STEP_SUMMARY": sum,
		"PYPI_PUBLISH_BACKOFF": "1ms", "PYPI_PUBLISH_PRODUCT_NAME_FILE": "/nonexistent", "PYPI_PUBLISH_VERIFY_WAIT": "1s",
	}
	for k, v := range s.vars {
		env[k] = v
	}
	for k, v := range s.inputs {
		env["INPUT_"+strings.ToUpper(k)] = v
	}
	getenv := func(k string) string { return env[k] }
	var buf testtool.SyncBuffer
	a := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(&buf))
	c := console.Safe(console.NewGitHub(a, env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"]))
	ctx := s.ctx
	if ctx == nil {
		ctx = t.Context()
	}
	client := s.client
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	cfg, err := config.Load(ctx, getenv, nil)
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	err = action.Run(ctx, cfg, config.LoadRunner(config.Environ(env)), action.Deps{
		Console: c, HTTPClient: client, UserAgent: "pypi-publish/test", Hooks: config.LoadHooks(getenv),
		SummaryPlace: "the step summary",
	})
	if err != nil {
		action.ReportError(c, err, "the step summary")
	}
	r := result{err: err, log: buf.String(), outputs: readOutputs(t, out), summary: readFile(t, sum), ws: ws}
	checkSecrets(t, r, s.secrets)
	return r
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// readOutputs parses the GITHUB_OUTPUT file ("name<<DELIM", value lines,
// "DELIM").
func readOutputs(t *testing.T, p string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(readFile(t, p), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			continue
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

// checkSecrets fails when a secret appears outside its ::add-mask:: line,
// in the outputs or in the summary.
func checkSecrets(t *testing.T, r result, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, line := range strings.Split(r.log, "\n") {
			if strings.Contains(line, s) && !strings.HasPrefix(line, "::add-mask::") {
				t.Errorf("secret %.8s… leaked in %q", s, line)
			}
		}
		if strings.Contains(r.summary, s) || strings.Contains(strings.Join(mapValues(r.outputs), "\n"), s) {
			t.Errorf("secret %.8s… leaked in the summary or the outputs", s)
		}
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// statuses returns the status of each file in the files output.
func statuses(t *testing.T, r result) []string {
	t.Helper()
	var files []struct {
		Status string `json:"status"`
	}
	if s := r.outputs["files"]; s != "" {
		if err := json.Unmarshal([]byte(s), &files); err != nil {
			t.Fatalf("files output %q: %v", s, err)
		}
	}
	var out []string
	for _, f := range files {
		out = append(out, f.Status)
	}
	return out
}

// errorID returns the situation ID of the run's error, "" for none.
func errorID(err error) string {
	if e, ok := err.(*action.Error); ok {
		return e.ID
	}
	return ""
}

// tokenIndex returns a fake index (PyPI rules unless mode says otherwise).
func tokenIndex(t *testing.T, opts ...publishtest.Option) *publishtest.Server {
	t.Helper()
	srv := publishtest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// tpFakes is a fake GitHub token service and a fake index with trusted
// publishing for octo-org/octo-repo's release.yml.
type tpFakes struct {
	gh  *oidctest.GitHub
	idx *oidctest.Index
	srv *publishtest.Server
}

func newTPFakes(t *testing.T, ghOpts []oidctest.GitHubOption, idxOpts []oidctest.IndexOption, srvOpts ...publishtest.Option) tpFakes {
	t.Helper()
	gh := oidctest.NewGitHub(t, ghOpts...)
	if idxOpts == nil {
		idxOpts = []oidctest.IndexOption{oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"})}
	}
	idx := oidctest.NewIndex(idxOpts...)
	srv := publishtest.New(append([]publishtest.Option{
		publishtest.WithHandler("/_/oidc/", idx),
		publishtest.WithAuth(func(_, password string) error { return idx.Validate(password) }),
	}, srvOpts...)...)
	t.Cleanup(srv.Close)
	return tpFakes{gh: gh, idx: idx, srv: srv}
}

// vars is the environment of a GitHub Actions job with id-token: write
// for f, and the index kind hook.
func (f tpFakes) vars(kind string) map[string]string {
	return map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   f.gh.URL(),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": f.gh.RequestToken(),
		"GITHUB_REPOSITORY":              "octo-org/octo-repo",
		"GITHUB_REPOSITORY_OWNER":        "octo-org",
		"GITHUB_WORKFLOW_REF":            wfRef,
		"GITHUB_EVENT_NAME":              "push",
		"GITHUB_SERVER_URL":              "https://github.com",
		"PYPI_PUBLISH_INDEX_KIND":        kind,
	}
}

// newSigstore is a fake Fulcio and Rekor trusting the oidctest tokens,
// with their trusted root written to a file.
func newSigstore(t *testing.T) *attesttest.Sigstore {
	t.Helper()
	return attesttest.NewSigstore(t, attesttest.VerifyRS256(&oidctest.Key().PublicKey, nil))
}

// sigstoreVars points the attest step of m at s.
func sigstoreVars(s *attesttest.Sigstore, m map[string]string) map[string]string {
	m["PYPI_PUBLISH_FULCIO_URL"] = s.Fulcio.URL
	m["PYPI_PUBLISH_REKOR_URL"] = s.Rekor.URL
	m["PYPI_PUBLISH_TRUSTED_ROOT"] = s.RootPath
	return m
}

// rewrite sends every request to the server at base ("http://host:port")
// whatever its host, so a run can believe it talks to another host.
type rewrite struct{ base string }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.Scheme, u.Host = "http", strings.TrimPrefix(r.base, "http://")
	out := req.Clone(req.Context())
	out.URL, out.Host = &u, ""
	return http.DefaultTransport.RoundTrip(out)
}

// outputList decodes a JSON list output.
func outputList(t *testing.T, r result, name string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(r.outputs[name]), &out); err != nil {
		t.Fatalf("output %s = %q: %v", name, r.outputs[name], err)
	}
	return out
}
