package test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the README's first command, `pypi-publish demo`, with no
// set-up: trusted publishing and attestations against the in-process
// fakes, the log as GitHub's runner shows it (no workflow commands, no
// masks, no debug lines), honest sizes and times, release links on the
// demo index.
func TestDemo(t *testing.T) {
	t.Parallel()
	if binary == "" {
		t.Skip("end-to-end tests are skipped under -short")
	}
	cases := []struct {
		args []string
		want []string
	}{
		{args: []string{"demo"}, want: []string{"▾ Uploaded " + demoWheel, "Notice: Generated attestations for 2 distributions.",
			"an attestation PyPI's checks accept", "trusted-publishing=true", "All 2 distributions passed the checks."}},
		{args: []string{"demo", "--api-token"}, want: []string{"▾ Uploaded " + demoWheel, "Warning: Consider trusted publishing", "no attestation"}},
	}
	for _, tc := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		b, err := exec.CommandContext(ctx, binary, tc.args...).CombinedOutput()
		cancel()
		out := string(b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(tc.args, " "), err, out)
		}
		for _, w := range append(tc.want, "POST 200 "+demoSdist, "Release page: http://127.0.0.1:") {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q\n%s", strings.Join(tc.args, " "), w, out)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.Contains(line, "add-mask") {
				t.Errorf("%s: workflow command in the demo's log: %q", strings.Join(tc.args, " "), line)
			}
		}
		for _, bad := range []string{"pypi.org/project/", "debug", "field-left-out", "Classifiers are checked against the list built in"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: output contains %q", strings.Join(tc.args, " "), bad)
			}
		}
		// Files of a few KiB get a time, never a speed.
		if regexp.MustCompile(`size [0-9.]+ (B|KiB), .*/s`).MatchString(out) {
			t.Errorf("%s: a speed for a small file:\n%s", strings.Join(tc.args, " "), out)
		}
	}
}

// `demo --keep` says where it kept the files, and they are there.
func TestDemo_keep(t *testing.T) {
	t.Parallel()
	if binary == "" {
		t.Skip("end-to-end tests are skipped under -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := exec.CommandContext(ctx, binary, "demo", "--keep").CombinedOutput()
	if err != nil {
		t.Fatalf("demo --keep: %v\n%s", err, b)
	}
	m := regexp.MustCompile(`Kept the demo's files in (\S+):`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("demo --keep does not say where:\n%s", b)
	}
	dir := string(m[1])
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, f := range []string{demoWheel, demoWheel + ".publish.attestation", demoSdist + ".publish.attestation"} {
		if _, err := os.Stat(filepath.Join(dir, "dist", f)); err != nil {
			t.Errorf("kept directory lacks dist/%s: %v", f, err)
		}
	}
}
