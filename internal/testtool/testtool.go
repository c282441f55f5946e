// Package testtool finds the outside tools that tests use as oracles
// (Debian's python3 modules, twine, the tools under ../shared/tools) and
// decides what happens when one is missing: the test is skipped with a
// message saying how to install it, except under CI=true, where a missing
// oracle fails the test, so that CI never passes by skipping. It is imported
// only by _test.go files.
package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
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
