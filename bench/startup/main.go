// Command startup measures the time from starting a command to the first
// request the loopback sink (../sink) receives from it: process start, Go
// runtime or Python interpreter start-up, input decoding, reading and checking
// the distributions, and the connection. It resets the sink's stats, notes the
// time, runs the command with the environment startup itself was given, and
// reads first_request_unix_ns from the sink once the command has exited.
//
//	startup -sink http://127.0.0.1:PORT [-n 5] -- COMMAND [ARG...]
//
// It prints one line per run and a last line "median_ms=<first request>
// median_exit_ms=<exit>"; it fails when a run exits non-zero or the sink saw
// no request.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() {
	if err := realMain(); err != nil {
		fmt.Fprintf(os.Stderr, "startup: %v\n", err)
		os.Exit(1)
	}
}

func realMain() error {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	sinkURL := fs.String("sink", "", "base URL of the sink, e.g. http://127.0.0.1:8080")
	n := fs.Int("n", 5, "number of runs")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return err
	}
	args := fs.Args()
	if *sinkURL == "" || len(args) == 0 || *n < 1 {
		return errors.New("usage: startup -sink URL [-n N] -- COMMAND [ARG...]")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var first, exit []float64
	for i := range *n {
		resp, err := client.Post(*sinkURL+"/_sink/reset", "text/plain", nil)
		if err != nil {
			return fmt.Errorf("failed to reset the sink: %w", err)
		}
		resp.Body.Close()

		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = nil, os.Stderr // stdout is the command's log: not needed
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("failed to run %s (run %d): %w", args[0], i+1, err)
		}
		done := time.Since(t0)

		resp, err = client.Get(*sinkURL + "/_sink/stats")
		if err != nil {
			return fmt.Errorf("failed to read the sink's stats: %w", err)
		}
		var st struct {
			First int64 `json:"first_request_unix_ns"`
		}
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("failed to decode the sink's stats: %w", err)
		}
		if st.First == 0 {
			return fmt.Errorf("run %d: the sink saw no request", i+1)
		}
		ms := float64(st.First-t0.UnixNano()) / 1e6
		first = append(first, ms)
		exit = append(exit, float64(done.Microseconds())/1e3)
		fmt.Printf("run %d: first request after %.2f ms, exit after %.2f ms\n", i+1, ms, exit[i])
	}
	fmt.Printf("median_ms=%.2f median_exit_ms=%.2f\n", median(first), median(exit))
	return nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
