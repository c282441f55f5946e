// Command sink is a loopback package index for the benchmarks in bench/. It
// accepts the legacy upload API's multipart POST (see
// https://docs.pypi.org/api/upload/), streams the "content" part to
// a counter (or to disk with -save), and answers 200 with an empty body, as
// PyPI does on success. It is strict where PyPI is strict: a request
// without "__token__" Basic auth and a "pypi-" token gets 403, a form without
// ":action=file_upload", "protocol_version=1", "name", "version", "filetype"
// or a "content" file part with a Content-Type that is not image/* gets 400.
//
// Any other POST (for example `curl --data-binary @file`) is read and counted,
// so the raw throughput of the loopback path can be measured with the same
// server.
//
// Control endpoints: GET /_sink/stats (JSON, see sink.Stats) and POST
// /_sink/reset. The handler is in ../internal/sink. Usage:
//
//	sink [-addr 127.0.0.1:0] [-latency 0s] [-save DIR] [-verify] [-port-file FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/pypi-publish/pypi-publish/bench/internal/sink"
)

func main() {
	if err := realMain(); err != nil {
		fmt.Fprintf(os.Stderr, "sink: %v\n", err)
		os.Exit(1)
	}
}

func realMain() error {
	fs := flag.NewFlagSet("sink", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	latency := fs.Duration("latency", 0, "extra delay before each upload answer, after the body was read (PyPI-like processing time)")
	save := fs.String("save", "", "directory to write uploaded files into (default: discard and count)")
	verify := fs.Bool("verify", false, "hash the content part and reject a sha256_digest/blake2_256_digest/md5_digest that does not match (costs CPU)")
	portFile := fs.String("port-file", "", "write the chosen port to this file once listening")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("failed to parse -addr: %w", err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr must be a loopback IP address, got %q", host)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("failed to listen: %w", err)
	}
	s := &sink.Sink{Latency: *latency, SaveDir: *save, Verify: *verify}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	port := ln.Addr().(*net.TCPAddr).Port
	if *portFile != "" {
		if err := os.WriteFile(*portFile, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
			return fmt.Errorf("failed to write port file: %w", err)
		}
	}
	fmt.Printf("sink: listening on http://%s/legacy/ (latency %v, save %q, verify %t)\n", ln.Addr(), *latency, *save, *verify)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("failed to shut down: %w", err)
	}
	return nil
}
