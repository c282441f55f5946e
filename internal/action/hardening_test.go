package action_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/hostile"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
)

// recorder is a Console that records every call in order, as "kind: text".
type recorder struct {
	mu  sync.Mutex
	log []string
}

func (r *recorder) add(kind, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, kind+": "+fmt.Sprintf(format, args...))
}

func (r *recorder) Infof(f string, a ...any)           { r.add("info", f, a...) }
func (r *recorder) Debugf(f string, a ...any)          { r.add("debug", f, a...) }
func (r *recorder) Noticef(title, f string, a ...any)  { r.add("notice "+title, f, a...) }
func (r *recorder) Warningf(title, f string, a ...any) { r.add("warning "+title, f, a...) }
func (r *recorder) Errorf(title, f string, a ...any)   { r.add("error "+title, f, a...) }
func (r *recorder) Group(f string, a ...any)           { r.add("group", f, a...) }
func (r *recorder) EndGroup()                          { r.add("endgroup", "") }
func (r *recorder) AddMask(s string)                   { r.add("mask", "%s", s) }
func (r *recorder) SetOutputs(map[string]string)       { r.add("outputs", "") }
func (r *recorder) AddSummary(string)                  { r.add("summary", "") }
func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}
func (r *recorder) index(prefix string) (i int, ok bool) { return find(r.lines(), prefix) }
func find(ls []string, prefix string) (int, bool) {
	for i, l := range ls {
		if strings.HasPrefix(l, prefix) {
			return i, true
		}
	}
	return -1, false
}

// TestRun_hardening runs trusted publishing in-process against the hostile
// index: Run wraps the console it is given in console.Safe, masks the
// request token before anything else, scrubs what the index echoes, and
// revokes the token last, after the outputs and the summary, within the
// burn deadline.
func TestRun_hardening(t *testing.T) {
	t.Parallel()
	hs := hostile.New(t, hostile.Options{
		Index: []oidctest.IndexOption{oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"})},
		Modes: map[hostile.Endpoint]hostile.Mode{hostile.Burn: {Attack: hostile.Hang}, hostile.Upload: {Attack: hostile.Inject}},
	})
	ws := t.TempDir()
	for dst, src := range demoFiles() {
		copyFile(t, src, ws+"/"+dst)
	}
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": ws, "PYPI_PUBLISH_BACKOFF": "1ms", "PYPI_PUBLISH_INDEX_KIND": "pypi",
		"PYPI_PUBLISH_BURN_TIMEOUT":      "100ms",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   hs.TokenURL(),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": hs.GitHub.RequestToken(),
		"GITHUB_REPOSITORY":              "octo-org/octo-repo", "GITHUB_REPOSITORY_OWNER": "octo-org",
		"GITHUB_WORKFLOW_REF": wfRef, "GITHUB_EVENT_NAME": "push",
		"INPUT_REPOSITORY-URL": hs.UploadURL(), "INPUT_ATTESTATIONS": "false",
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := config.Load(t.Context(), getenv, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	start := time.Now()
	err = action.Run(t.Context(), cfg, config.LoadRunner(config.Environ(env)), action.Deps{
		Console: rec, HTTPClient: &http.Client{Timeout: time.Minute}, UserAgent: "pypi-publish/test", Hooks: config.LoadHooks(getenv),
	})
	t.Logf("Run took %v with a hanging burn-token and a 100ms burn deadline", time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	lines := rec.lines()
	if len(lines) == 0 || lines[0] != "mask: "+hs.GitHub.RequestToken() {
		t.Errorf("first call = %q, want the request token's mask", lines[:min(1, len(lines))])
	}
	sum, _ := rec.index("summary")
	burn, ok := rec.index("debug: could not revoke the trusted-publishing token")
	if !ok || burn < sum {
		t.Errorf("the burn ended at call %d, the summary was added at %d: want the burn last\n%s", burn, sum, strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "mask: ") {
			for _, s := range hs.Secrets() {
				if strings.Contains(l, s) {
					t.Errorf("secret %.6s… in %q", s, l)
				}
			}
		}
		if strings.HasPrefix(strings.TrimPrefix(l, "info: "), "::") {
			t.Errorf("a plain line starts a command: %q", l)
		}
	}
}
