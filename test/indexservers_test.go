package test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// This file runs real package indexes for the end-to-end tests:
// pypiserver and devpi-server from ../shared/tools/index-servers, on
// loopback. Each server starts once per test binary, when a test first asks
// for it, and stops after the last test (TestMain calls stopIndexServers);
// tests share it by using projects of their own.

// indexServer is one running server.
type indexServer struct {
	// Kind is "pypiserver", "pypiserver-auth-read" or "devpi".
	Kind string
	// URL is the upload URL, Simple the simple API root.
	URL, Simple    string
	User, Password string
	// Port is the port it listens on (127.0.0.1).
	Port int
	// Started is how long the start script took.
	Started time.Duration
	dir     string
	tool    string
}

var serverStarts struct {
	mu      sync.Mutex
	started map[string]*serverStart
}

// serverStart is the start of one kind, done once.
type serverStart struct {
	once    sync.Once
	srv     *indexServer
	missing string // the tool or its packages are absent
	err     error
}

// startIndexServer returns the running server of kind, starting it on first
// use. A missing tool or Debian package skips the test (fails it under
// CI=true, see testtool.Missing); a server that does not come up fails it.
func startIndexServer(t *testing.T, kind string) *indexServer {
	t.Helper()
	tool := indexServersTool(t)
	serverStarts.mu.Lock()
	if serverStarts.started == nil {
		serverStarts.started = map[string]*serverStart{}
	}
	st := serverStarts.started[kind]
	if st == nil {
		st = &serverStart{}
		serverStarts.started[kind] = st
	}
	serverStarts.mu.Unlock()
	st.once.Do(func() {
		st.srv, st.missing, st.err = launch(tool, kind)
		if st.srv != nil {
			serverStarts.mu.Lock()
			running = append(running, st.srv)
			serverStarts.mu.Unlock()
		}
	})
	checkLaunch(t, kind, st.missing, st.err)
	return st.srv
}

// ownIndexServer starts a server of kind for t alone, stopped when t ends:
// for a test that changes the server's login.
func ownIndexServer(t *testing.T, kind string) *indexServer {
	t.Helper()
	srv, missing, err := launch(indexServersTool(t), kind)
	checkLaunch(t, kind, missing, err)
	t.Cleanup(srv.stop)
	return srv
}

// indexServersTool returns the index-servers folder, or skips the test
// under -short.
func indexServersTool(t *testing.T) string {
	t.Helper()
	if binary == "" {
		t.Skip("end-to-end tests are skipped under -short")
	}
	return testtool.IndexServers(t)
}

// checkLaunch skips t (see testtool.Missing) when the tool cannot run a
// server of kind here, and fails it when the server did not come up.
func checkLaunch(t *testing.T, kind, missing string, err error) {
	t.Helper()
	switch {
	case missing != "":
		testtool.Missing(t, "%s cannot run here (bash .ci/install.sh installs its Debian packages): %s", kind, missing)
	case err != nil:
		t.Fatalf("failed to start %s: %v", kind, err)
	}
}

// launch runs the start script of kind on a free port, up to three times
// (another process may take the port between the check and the start).
func launch(tool, kind string) (*indexServer, string, error) {
	var lastErr error
	for range 3 {
		port, err := freeLoopbackPort()
		if err != nil {
			return nil, "", err
		}
		dir, err := os.MkdirTemp("", "pypi-publish-"+kind+"-")
		if err != nil {
			return nil, "", err
		}
		script, args := "start-pypiserver", []string{fmt.Sprint(port), dir}
		switch kind {
		case "pypiserver-auth-read":
			args = append(args, "--auth-read")
		case "devpi":
			script = "start-devpi"
		}
		srv := &indexServer{Kind: kind, Port: port, dir: dir, tool: tool}
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, filepath.Join(tool, script), args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		cancel()
		srv.Started = time.Since(t0)
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 {
			os.RemoveAll(dir)
			return nil, strings.TrimSpace(stderr.String()), nil
		}
		if err != nil {
			srv.stop()
			lastErr = fmt.Errorf("%s %s: %v\n%s%s", script, strings.Join(args, " "), err, stdout.String(), stderr.String())
			continue
		}
		vals := keyValues(stdout.String())
		srv.URL, srv.Simple, srv.User, srv.Password = vals["URL"], vals["SIMPLE"], vals["USERNAME"], vals["PASSWORD"]
		fmt.Fprintf(os.Stderr, "index-servers: %s started in %v on port %d\n", kind, srv.Started.Round(10*time.Millisecond), port)
		return srv, "", nil
	}
	return nil, "", lastErr
}

// running are the servers stopIndexServers stops.
var running []*indexServer

// stopIndexServers stops every server this binary started and removes its
// directory. TestMain calls it after the tests.
func stopIndexServers() {
	serverStarts.mu.Lock()
	defer serverStarts.mu.Unlock()
	for _, s := range running {
		s.stop()
	}
	running = nil
}

func (s *indexServer) stop() {
	out, err := exec.Command(filepath.Join(s.tool, "stop"), s.dir).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "index-servers: stop %s: %v\n%s", s.dir, err, out)
	}
	os.RemoveAll(s.dir)
}

// freeLoopbackPort returns a port nothing listens on right now.
func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// keyValues reads KEY=VALUE lines.
func keyValues(s string) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	return out
}

// base is the server's root URL, e.g. "http://127.0.0.1:18301".
func (s *indexServer) base() string { return fmt.Sprintf("http://127.0.0.1:%d", s.Port) }
