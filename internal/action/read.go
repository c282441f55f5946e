package action

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/dist"
)

// readResult is one file as read: the distribution, or why it could not
// be read.
type readResult struct {
	file dist.File
	dist *dist.Distribution
	err  error
}

// read reads every distribution, several at a time (reading is hashing
// and decompressing, so it uses the runner's cores), and reports every
// failure at once, in upload order (VA-10). It returns the distributions
// and each file's result, for the report.
func read(files []dist.File) ([]*dist.Distribution, []readResult, error) {
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
	var errs []string
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err.Error())
			continue
		}
		dists = append(dists, r.dist)
	}
	if len(errs) > 0 {
		return nil, results, &Error{ID: "VA-10", Title: "Unreadable distributions",
			Message: fmt.Sprintf("%d of %d distributions could not be read; nothing was uploaded:\n%s", len(errs), len(files), strings.Join(errs, "\n")),
			Hint:    "Rebuild them (python -m build) and check the artifact upload and download steps.",
			Details: "```\n" + strings.Join(errs, "\n") + "\n```"}
	}
	return dists, results, nil
}
