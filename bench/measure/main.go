// Command measure runs one command under GNU time and prints one line of
// numbers with finer resolution than GNU time's 10 ms:
//
//	measure [-time /usr/bin/time] -- COMMAND [ARG...]
//
// prints, tab-separated,
//
//	wall_s user_s sys_s maxrss_kib rc gnu_time
//
// wall_s is measured here with the monotonic clock (ns); user_s and sys_s
// come from wait4's rusage of the GNU time process (µs; it includes the
// command and GNU time's own fraction of a millisecond); maxrss_kib is GNU
// time's %M (the peak resident set of the largest process); rc is the
// command's exit status; gnu_time is GNU time's own "%e %U %S %M" line with
// spaces replaced by commas. The command's stdout and stderr pass through.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := realMain(); err != nil {
		fmt.Fprintf(os.Stderr, "measure: %v\n", err)
		os.Exit(2)
	}
}

func realMain() error {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	gnuTime := fs.String("time", "/usr/bin/time", "GNU time")
	out := fs.String("o", "", "write the line to this file instead of stdout")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: measure [-time PATH] [-o FILE] -- COMMAND [ARG...]")
	}
	tf, err := os.CreateTemp("", "measure-*.time")
	if err != nil {
		return fmt.Errorf("failed to create a temporary file: %w", err)
	}
	tf.Close()
	defer os.Remove(tf.Name())

	args := append([]string{"-f", "%e %U %S %M", "-o", tf.Name(), "--"}, fs.Args()...)
	cmd := exec.Command(*gnuTime, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	t0 := time.Now()
	err = cmd.Start()
	if err != nil {
		return fmt.Errorf("failed to start %s: %w", *gnuTime, err)
	}
	err = cmd.Wait()
	wall := time.Since(t0)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return fmt.Errorf("failed to run %s: %w", fs.Arg(0), err)
	}
	rc := cmd.ProcessState.ExitCode()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no rusage")
	}
	b, err := os.ReadFile(tf.Name())
	if err != nil {
		return fmt.Errorf("failed to read GNU time's output: %w", err)
	}
	// GNU time writes "Command exited with non-zero status N" before the
	// numbers when the command fails: the numbers are on the last line.
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	last := lines[len(lines)-1]
	f := strings.Fields(last)
	if len(f) != 4 {
		return fmt.Errorf("unexpected GNU time output %q", string(b))
	}
	if _, err := strconv.Atoi(f[3]); err != nil {
		return fmt.Errorf("unexpected GNU time %%M %q", f[3])
	}
	line := fmt.Sprintf("%.6f\t%.6f\t%.6f\t%s\t%d\t%s\n", wall.Seconds(),
		time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds(),
		f[3], rc, strings.Join(f, ","))
	if *out == "" {
		_, err = os.Stdout.WriteString(line)
		return err
	}
	return os.WriteFile(*out, []byte(line), 0o644)
}
