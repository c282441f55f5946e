package test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the README's first command, `pypi-publish demo`, with no
// set-up: trusted publishing against the in-process fake index.
func TestDemo(t *testing.T) {
	t.Parallel()
	if binary == "" {
		t.Skip("end-to-end tests are skipped under -short")
	}
	for _, args := range [][]string{{"demo"}, {"demo", "--api-token"}} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := exec.CommandContext(ctx, binary, args...).CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		for _, want := range []string{"::group::Uploaded " + demoWheel, "**Release page:** <https://pypi.org/project/pypi-publish-demo/1.0.0/>", `"status":"uploaded"`, "POST 200 " + demoSdist} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s: output lacks %q", strings.Join(args, " "), want)
			}
		}
	}
}
