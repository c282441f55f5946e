package test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// This file runs ../shared/tools/warehouse-oracle, PyPI's own upload view
// run offline (its README says how): `serve` as a local index for the
// binary, `judge` for saved requests.

// needOracle returns the oracle's path, or skips the test with the reason
// (fails instead with CI=true, where the tool must be present).
func needOracle(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("differential tests against Warehouse are skipped under -short")
	}
	return testtool.WarehouseOracle(t)
}

// startOracle starts `warehouse-oracle serve` on a free loopback port for
// the test and returns its base URL and state directory (verdicts.jsonl).
func startOracle(t *testing.T, args ...string) (baseURL, dir string) {
	t.Helper()
	bin := needOracle(t)
	dir = t.TempDir()
	cmd := exec.Command(bin, append([]string{"serve", "--port", "0", "--dir", dir, "--quiet"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "PORT="); ok {
			go func() { // drain
				for sc.Scan() {
				}
			}()
			return "http://127.0.0.1:" + p, dir
		}
	}
	t.Fatal("warehouse-oracle serve did not start")
	return "", ""
}

// verdict is one line of verdicts.jsonl or of judge's output.
type verdict struct {
	Capture  string `json:"capture"`
	Request  string `json:"request"`
	Filename string `json:"filename"`
	Status   int    `json:"status"`
	Message  string `json:"message"`
	Verdict  string `json:"verdict"`
}

// refused reports whether the index refused the upload. A 500 (verdict
// "oracle-error": Warehouse's view raised) counts as refused; the
// differential test lists where that happens.
func (v verdict) refused() bool { return v.Status >= 400 }

// readVerdicts reads dir/verdicts.jsonl.
func readVerdicts(t *testing.T, dir string) []verdict {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "verdicts.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return parseVerdicts(t, b)
}

func parseVerdicts(t *testing.T, b []byte) []verdict {
	t.Helper()
	var out []verdict
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var v verdict
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("oracle output %q: %v", line, err)
		}
		out = append(out, v)
	}
	return out
}

// judgeCaptures runs `warehouse-oracle judge` once on every capture folder
// (each a fresh index, requests in name order).
func judgeCaptures(t *testing.T, dirs []string) []verdict {
	t.Helper()
	bin := needOracle(t)
	cmd := exec.Command(bin, append([]string{"judge"}, dirs...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warehouse-oracle judge: %v\n%s", err, stderr.String())
	}
	return parseVerdicts(t, out)
}
