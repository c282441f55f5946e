package action

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
)

// readResult is one file as read: the distribution, or why it could not
// be read.
type readResult struct {
	file dist.File
	dist *dist.Distribution
	err  error
}

// read reads every distribution, several at a time (reading is hashing
// and decompressing, so it uses the runner's cores). It returns the
// distributions it could read and each file's result, in upload order, for
// the checks and the report; it never stops at an unreadable file.
func read(files []dist.File) ([]*dist.Distribution, []readResult) {
	results := make([]readResult, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			d, err := dist.Read(f)
			results[i] = readResult{file: f, dist: d, err: err}
		}()
	}
	wg.Wait()
	var dists []*dist.Distribution
	for _, r := range results {
		if r.err == nil {
			dists = append(dists, r.dist)
		}
	}
	return dists, results
}

// readFailures returns the files read could not read, for the checks to
// report together with every other problem.
func readFailures(results []readResult) []dist.ReadFailure {
	var out []dist.ReadFailure
	for _, r := range results {
		if r.err != nil {
			out = append(out, dist.ReadFailure{File: r.file, Err: r.err})
		}
	}
	return out
}

// unreadable fails the run on files that could not be read when the checks
// are off (VA-10); with the checks on, checkDists reports them with every
// other problem instead.
func unreadable(cfg config.Config, results []readResult) error {
	var errs []string
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err.Error())
		}
	}
	if len(errs) == 0 || cfg.VerifyMetadata.Value {
		return nil
	}
	return &Error{ID: "VA-10", Title: "Unreadable distributions",
		Message: fmt.Sprintf("%d of %d distributions could not be read; nothing was uploaded:\n%s", len(errs), len(results), strings.Join(errs, "\n")),
		Hint:    "Rebuild them (python -m build) and check the artifact upload and download steps.",
		Details: "```\n" + strings.Join(errs, "\n") + "\n```"}
}
