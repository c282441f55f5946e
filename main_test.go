package main

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/pypi-publish/pypi-publish/internal/action"
	"github.com/pypi-publish/pypi-publish/internal/console"
)

func testConsole() (console.Console, *bytes.Buffer) {
	var buf bytes.Buffer
	a := githubactions.New(githubactions.WithWriter(&buf), githubactions.WithGetenv(func(string) string { return "" }))
	return console.NewGitHub(a, "", ""), &buf
}

func TestRealMain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		args      []string
		wantTitle string // "" = success
		wantLog   string
	}{
		{name: "version", args: []string{"version"}, wantLog: "pypi-publish " + Version() + "\n"},
		{name: "unknown_flag", args: []string{"--nope=1"}, wantTitle: "Invalid arguments"},
		{name: "stray_argument", args: []string{"extra"}, wantTitle: "Invalid arguments"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, buf := testConsole()
			err := realMain(t.Context(), c, nil, tc.args)
			var e *action.Error
			switch {
			case tc.wantTitle == "" && err != nil:
				t.Fatalf("realMain(%q) = %v, want nil", tc.args, err)
			case tc.wantTitle != "" && (!errors.As(err, &e) || e.Title != tc.wantTitle):
				t.Fatalf("realMain(%q) = %v, want an error titled %q", tc.args, err, tc.wantTitle)
			}
			if tc.wantLog != "" && buf.String() != tc.wantLog {
				t.Errorf("realMain(%q) printed %q, want %q", tc.args, buf.String(), tc.wantLog)
			}
		})
	}
}

// An input that does not decode fails before anything is printed (IN-03).
func TestRun_undecodableInput(t *testing.T) {
	t.Parallel()
	c, buf := testConsole()
	env := map[string]string{"INPUT_CONCURRENCY": "many"}
	err := run(t.Context(), c, func(k string) string { return env[k] }, nil, &http.Client{}, nil)
	var e *action.Error
	if !errors.As(err, &e) || e.ID != "IN-03" {
		t.Fatalf("run() = %v, want IN-03", err)
	}
	if buf.Len() != 0 {
		t.Errorf("run() printed %q, want nothing", buf.String())
	}
}
