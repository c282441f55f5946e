// Package testtool finds the outside tools that tests use as oracles
// (Debian's python3 modules, twine, the tools under ../shared/tools) and
// decides what happens when one is missing: the test is skipped with a
// message saying how to install it, except under CI=true, where a missing
// oracle fails the test, so that CI never passes by skipping. It also holds
// what the test harnesses share (SyncBuffer). It is imported only by
// _test.go files.
package testtool

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// DebianPython is the interpreter whose modules come from Debian's
// python3-* packages (.ci/install.sh installs them).
const DebianPython = "/usr/bin/python3"

// InCI reports whether the tests run in CI (the environment variable CI is
// "true", as GitHub Actions and .ci/run set it).
func InCI() bool {
	return strings.EqualFold(os.Getenv("CI"), "true")
}

// Missing reports a missing oracle tool: it skips t with the message, or,
// under CI=true, fails t with it. It does not return.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("missing test tool (CI=true makes this fatal; see .ci/install.sh): %s", msg)
	}
	t.Skip(msg)
}

// Python returns DebianPython after checking that it can import every one
// of modules (e.g. "packaging.utils"); when it cannot, it calls Missing,
// naming the Debian packages to install.
func Python(t testing.TB, modules ...string) string {
	t.Helper()
	if len(modules) == 0 {
		return Exists(t, DebianPython, "apt-get install python3")
	}
	out, err := exec.CommandContext(t.Context(), DebianPython, "-c", "import "+strings.Join(modules, ", ")).CombinedOutput()
	if err != nil {
		Missing(t, "%s cannot import %s (apt-get install %s): %v\n%s", DebianPython, strings.Join(modules, ", "),
			debianPackages(modules), err, out)
	}
	return DebianPython
}

// RunJSON runs an oracle: cmd gets in, as JSON, on its standard input,
// and its standard output is decoded, as JSON, into out. A command that
// fails (its standard error is shown) or prints what does not decode
// fails t.
func RunJSON(t testing.TB, cmd *exec.Cmd, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	name := filepath.Base(cmd.Path)
	if len(cmd.Args) > 1 {
		name += " " + filepath.Base(cmd.Args[1])
	}
	if err != nil {
		t.Fatalf("%s failed: %v\n%s", name, err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("failed to decode the output of %s: %v", name, err)
	}
}

// LookPath returns the path of the executable file, or calls Missing with
// the hint (e.g. "apt-get install twine").
func LookPath(t testing.TB, file, hint string) string {
	t.Helper()
	p, err := exec.LookPath(file)
	if err != nil {
		Missing(t, "%s not found (%s): %v", file, hint, err)
	}
	return p
}

// Exists returns path when it exists, or calls Missing with the hint.
func Exists(t testing.TB, path, hint string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, "%s is missing (%s): %v", path, hint, err)
	}
	return path
}

// debianPackages names the Debian packages of Python modules:
// "packaging.utils" is in python3-packaging, "email_validator" in
// python3-email-validator.
func debianPackages(modules []string) string {
	seen := map[string]bool{}
	var out []string
	for _, m := range modules {
		top, _, _ := strings.Cut(m, ".")
		p := "python3-" + strings.ReplaceAll(top, "_", "-")
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// warehouse caches the search for warehouse-oracle and its self-test.
var warehouse struct {
	once             sync.Once
	path, why, fatal string
}

// WarehouseOracle returns the path of warehouse-oracle, PyPI's upload view
// run offline (../shared/tools/warehouse-oracle; $WAREHOUSE_ORACLE
// overrides), after its self-test (`check`, run once per test binary)
// passed. When it is absent or its Debian packages are missing, it calls
// Missing; when the self-test fails, it fails t.
func WarehouseOracle(t testing.TB) string {
	t.Helper()
	warehouse.once.Do(func() {
		warehouse.path = findShared(filepath.Join("tools", "warehouse-oracle", "warehouse-oracle"), "WAREHOUSE_ORACLE")
		if warehouse.path == "" {
			warehouse.why = "warehouse-oracle not found (../shared/tools/warehouse-oracle, or set WAREHOUSE_ORACLE)"
			return
		}
		out, err := exec.Command(warehouse.path, "check").CombinedOutput()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee) && ee.ExitCode() == 3:
			warehouse.why = "warehouse-oracle cannot run here (bash .ci/install.sh installs its Debian packages):\n" + string(out)
		case err != nil:
			warehouse.fatal = "warehouse-oracle check failed: " + err.Error() + "\n" + string(out)
		}
	})
	switch {
	case warehouse.fatal != "":
		t.Fatal(warehouse.fatal)
	case warehouse.why != "":
		Missing(t, "%s", warehouse.why)
	}
	return warehouse.path
}

// WarehouseUpstream returns the folder of the sources warehouse-oracle runs
// (warehouse/, packaging/, email-validator/, trove-classifiers/), for tests
// that call PyPI's code directly; it calls Missing when they are absent.
func WarehouseUpstream(t testing.TB) string {
	t.Helper()
	p := findShared(filepath.Join("tools", "warehouse-oracle", "warehouse-oracle"), "WAREHOUSE_ORACLE")
	if p == "" {
		Missing(t, "warehouse-oracle's sources not found (../shared/tools/warehouse-oracle, or set WAREHOUSE_ORACLE)")
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	return Exists(t, filepath.Join(filepath.Dir(p), "upstream"), "the upstream/ folder next to warehouse-oracle")
}

// findShared returns $env when set, else rel under shared/ next to the
// module root or next to one of its parents (../shared in CI; a worktree
// may sit deeper), or "".
func findShared(rel, env string) string {
	if p := os.Getenv(env); env != "" && p != "" {
		return p
	}
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Dir(filepath.Dir(filepath.Dir(here)))
	for i := 0; i < 4; i++ {
		dir = filepath.Dir(dir)
		p := filepath.Join(dir, "shared", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// IndexServers returns the folder of the index-servers tool (real
// pypiserver and devpi-server on loopback: ../shared/tools/index-servers;
// $INDEX_SERVERS overrides), or calls Missing.
func IndexServers(t testing.TB) string {
	t.Helper()
	p := findShared(filepath.Join("tools", "index-servers", "start-pypiserver"), "")
	if env := os.Getenv("INDEX_SERVERS"); env != "" {
		p = filepath.Join(env, "start-pypiserver")
	}
	if p == "" {
		Missing(t, "index-servers not found (../shared/tools/index-servers, or set INDEX_SERVERS)")
	}
	return filepath.Dir(Exists(t, p, "the index-servers tool"))
}

// SyncBuffer is a bytes.Buffer that may be read while other goroutines (a
// running process, the goroutines that print) write to it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
