//go:build !nodemo

package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemoFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{args: []string{"demo", "--help"}, wantStdout: "--api-token"},
		{args: []string{"demo", "--nope"}, wantCode: 2, wantStderr: "nope"},
		{args: []string{"demo", "extra"}, wantCode: 2, wantStderr: `unexpected argument "extra"`},
		{args: []string{"demo", "--serve", "0.0.0.0:0"}, wantCode: 2, wantStderr: "loopback"},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		code := realMain(t.Context(), &stdout, &stderr, nil, tc.args)
		if code != tc.wantCode || !strings.Contains(stdout.String(), tc.wantStdout) || !strings.Contains(stderr.String(), tc.wantStderr) {
			t.Errorf("realMain(%q) = %d\nstdout: %s\nstderr: %s\nwant %d, %q, %q", tc.args, code, stdout.String(), stderr.String(), tc.wantCode, tc.wantStdout, tc.wantStderr)
		}
	}
}
