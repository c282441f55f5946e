package test

import (
	"context"
	"flag"
	"fmt"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// binary is the path of the action built by TestMain.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		// The end-to-end tests build and run the binary; -short skips them.
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "pypi-publish-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "pypi-publish")
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	cmd := exec.Command("go", "build", "-o", binary, ".")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "failed to build the action:", err)
		os.Exit(1)
	}
	code := m.Run()
	stopIndexServers()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Run is one execution of the binary.
type Run struct {
	Code    int
	Stdout  string
	Stderr  string
	Outputs map[string]string
	// OutputsRaw is the GITHUB_OUTPUT file as written.
	OutputsRaw string
	Summary    string
	// Workspace is the GITHUB_WORKSPACE of the run.
	Workspace string
	// Took is how long the process ran (reported, never asserted).
	Took time.Duration
	// MaxRSS is the process's peak resident memory in bytes, from Linux's
	// /proc/<pid>/status (VmHWM, sampled while it runs; wait4's maxrss
	// would also count the test process the child was forked from); 0
	// where it cannot be read.
	MaxRSS int64
}

// Output is stdout and stderr together.
func (r *Run) Output() string { return r.Stdout + r.Stderr }

// Env is a runner-style environment. Inputs are given by their action.yml
// name: Env{"repository-url": ...} becomes INPUT_REPOSITORY-URL.
type Env struct {
	Inputs map[string]string
	// Vars are other environment variables (GITHUB_*, ACTIONS_*, PYPI_PUBLISH_*).
	Vars map[string]string
	// Files are copied into the workspace: destination (relative) → source.
	Files map[string]string
	// Secrets must not appear anywhere in the output, outputs or summary.
	Secrets []string
	Args    []string
	Timeout time.Duration
	// PublicPassword: the password input is a fixed test login (the index
	// servers' "password"), a word every summary contains; it is not
	// checked as a secret.
	PublicPassword bool
}

// newWorkspace returns a workspace with a dist/ folder.
func newWorkspace(t *testing.T) string {
	t.Helper()
	ws := t.TempDir()
	if err := os.MkdirAll(filepath.Join(ws, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	return ws
}

// copyFile copies src to dst.
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

// runAction runs the binary in workspace ws with env, like GitHub's runner
// runs a Docker action, and checks that no secret leaked.
func runAction(t *testing.T, ws string, env Env) *Run {
	t.Helper()
	return startAction(t, ws, env).Wait()
}

// Started is a run of the binary that has not finished.
type Started struct {
	t       *testing.T
	cmd     *exec.Cmd
	cancel  context.CancelFunc
	env     Env
	ws      string
	outFile string
	sumFile string
	stdout  testtool.SyncBuffer
	stderr  testtool.SyncBuffer
	hwm     atomic.Int64
	sampled chan struct{}
	// Began is when the process started.
	Began time.Time
}

// startAction starts the binary in workspace ws with env (see runAction).
func startAction(t *testing.T, ws string, env Env) *Started {
	t.Helper()
	if binary == "" {
		t.Skip("end-to-end tests are skipped under -short")
	}
	for dst, src := range env.Files {
		copyFile(t, src, filepath.Join(ws, dst))
	}
	cmdDir := t.TempDir()
	s := &Started{t: t, env: env, ws: ws, outFile: filepath.Join(cmdDir, "github_output"), sumFile: filepath.Join(cmdDir, "step_summary")}
	for _, f := range []string{s.outFile, s.sumFile} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	timeout := env.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	var ctx context.Context
	ctx, s.cancel = context.WithTimeout(context.Background(), timeout)
	s.cmd = exec.CommandContext(ctx, binary, env.Args...)
	s.cmd.Dir = ws
	s.cmd.Env = environ(ws, s.outFile, s.sumFile, cmdDir, env)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	s.Began = time.Now()
	if err := s.cmd.Start(); err != nil {
		s.cancel()
		t.Fatalf("failed to start the action: %v", err)
	}
	s.sampled = make(chan struct{})
	go s.sampleHWM(ctx)
	return s
}

// environ is the explicit environment of a run.
func environ(ws, outFile, sumFile, home string, env Env) []string {
	vars := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_WORKSPACE":    ws,
		"GITHUB_OUTPUT":       outFile,
		"GITHUB_STEP_SUMMARY": sumFile,
		"HOME":                home,
		// Retries wait 1 ms instead of seconds.
		"PYPI_PUBLISH_BACKOFF": "1ms",
		// Whatever machine the tests run on, it is not a Google VM.
		"PYPI_PUBLISH_PRODUCT_NAME_FILE": "/nonexistent",
		// verify-upload gives up on a file not shown after 2 s, not 60 s.
		"PYPI_PUBLISH_VERIFY_WAIT": "2s",
	}
	for k, v := range env.Vars {
		vars[k] = v
	}
	// The runner always sets every declared input; unset ones get their
	// action.yml default or the empty string. Mimic the defaults of the
	// deprecated aliases, which is where action.yml declares them.
	inputs := map[string]string{
		"user": "__token__", "password": "", "repository-url": "", "repository_url": "https://upload.pypi.org/legacy/",
		"packages-dir": "", "packages_dir": "dist", "verify-metadata": "", "verify_metadata": "true",
		"skip-existing": "", "skip_existing": "false", "verbose": "true", "print-hash": "", "print_hash": "true",
		"attestations": "", "dry-run": "false", "index-url": "", "concurrency": "1",
		"verify-upload": "true",
	}
	for k, v := range env.Inputs {
		inputs[k] = v
	}
	var out []string
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	for k, v := range inputs {
		out = append(out, "INPUT_"+strings.ToUpper(k)+"="+v)
	}
	sort.Strings(out)
	return out
}

// sampleHWM records the process's peak resident memory (VmHWM, which
// only grows) every 5 ms until it exits or ctx ends.
func (s *Started) sampleHWM(ctx context.Context) {
	defer close(s.sampled)
	path := fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid)
	for {
		if b, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil && kb*1024 > s.hwm.Load() {
						s.hwm.Store(kb * 1024)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// OutputsWritten reports whether the run has written GITHUB_OUTPUT.
func (s *Started) OutputsWritten() bool {
	b, _ := os.ReadFile(s.outFile)
	return len(b) > 0
}

// Signal sends sig to the process.
func (s *Started) Signal(sig os.Signal) {
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Errorf("failed to signal the action: %v", err)
	}
}

// Wait waits for the run to end and checks that no secret leaked.
func (s *Started) Wait() *Run {
	t := s.t
	t.Helper()
	defer s.cancel()
	err := s.cmd.Wait()
	s.cancel()
	<-s.sampled
	r := &Run{Stdout: s.stdout.String(), Stderr: s.stderr.String(), Workspace: s.ws, Took: time.Since(s.Began)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("failed to run the action: %v", err)
		}
		r.Code = ee.ExitCode()
	}
	r.MaxRSS = s.hwm.Load()
	out, _ := os.ReadFile(s.outFile)
	r.Outputs, r.OutputsRaw = parseOutputs(t, string(out)), string(out)
	sum, _ := os.ReadFile(s.sumFile)
	r.Summary = string(sum)
	if strings.Contains(r.Output(), "panic:") || strings.Contains(r.Output(), "goroutine ") {
		t.Errorf("the action panicked:\n%s", r.Output())
	}
	checkSecrets(t, r, append(s.env.Secrets, secretsOf(s.env)...))
	if t.Failed() || testing.Verbose() {
		t.Logf("exit %d after %v\n--- stdout\n%s\n--- stderr\n%s\n--- summary\n%s", r.Code, r.Took.Round(time.Millisecond), r.Stdout, r.Stderr, r.Summary)
	}
	return r
}

// secretsOf lists the secrets an environment carries.
func secretsOf(env Env) []string {
	var s []string
	if p := env.Inputs["password"]; strings.TrimSpace(p) != "" && !env.PublicPassword {
		s = append(s, strings.TrimSpace(p))
	}
	if v := env.Vars["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]; v != "" {
		s = append(s, v)
	}
	return s
}

// checkSecrets fails when a secret appears anywhere other than in an
// ::add-mask:: command (the runner never shows those), or in the log
// before its first mask.
func checkSecrets(t *testing.T, r *Run, secrets []string) {
	t.Helper()
	outputs := ""
	for k, v := range r.Outputs {
		outputs += k + "=" + v + "\n"
	}
	for _, s := range secrets {
		if len(s) < 6 {
			continue
		}
		for name, text := range map[string]string{"stdout": r.Stdout, "stderr": r.Stderr, "summary": r.Summary, "outputs": outputs} {
			for _, line := range strings.Split(text, "\n") {
				if strings.Contains(line, s) && !strings.HasPrefix(line, "::add-mask::") {
					t.Errorf("secret %.4s… leaked in %s: %q", s, name, line)
				}
			}
		}
	}
	// A mask must come before any other mention.
	for _, s := range secrets {
		if len(s) < 6 {
			continue
		}
		masked := false
		for _, line := range strings.Split(r.Stdout, "\n") {
			if strings.HasPrefix(line, "::add-mask::") {
				masked = masked || strings.Contains(line, s)
				continue
			}
			if strings.Contains(line, s) && !masked {
				t.Errorf("secret %.4s… printed before its mask", s)
				break
			}
		}
	}
}

// parseOutputs reads a GITHUB_OUTPUT file ("name<<DELIM\nvalue\nDELIM").
func parseOutputs(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			out[name] = strings.Join(val, "\n")
			continue
		}
		if name, val, ok := strings.Cut(line, "="); ok {
			out[name] = val
		}
	}
	return out
}

// annotations returns the workflow commands of a kind ("error", "warning",
// "notice") in the output.
func annotations(r *Run, kind string) []string {
	var out []string
	for _, line := range strings.Split(r.Output(), "\n") {
		if strings.HasPrefix(line, "::"+kind+" ") || strings.HasPrefix(line, "::"+kind+"::") {
			out = append(out, line)
		}
	}
	return out
}

// repoRoot returns the module root.
func repoRoot() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(here))
}

// demoDist returns the path of a bundled demo distribution.
func demoDist(name string) string {
	return filepath.Join(repoRoot(), "demo", name)
}

const (
	demoWheel = "pypi_publish_demo-1.0.0-py3-none-any.whl"
	demoSdist = "pypi_publish_demo-1.0.0.tar.gz"
)
