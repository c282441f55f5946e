package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/pep440"
)

// Status is what happened to one distribution.
type Status string

// The statuses of an Outcome.
const (
	// StatusUploaded: the index accepted the file (an identical re-upload
	// to PyPI also answers 200 and is reported so).
	StatusUploaded Status = "uploaded"
	// StatusSkippedIdentical: the index already has this file, byte for
	// byte (same name, same SHA-256); not sent. A success (UP-02).
	StatusSkippedIdentical Status = "skipped-identical"
	// StatusSkippedExisting: the index has a file of this name with other
	// bytes (or the release already has an sdist) and skip-existing is set;
	// not sent (UP-03, UP-06, UP-21).
	StatusSkippedExisting Status = "skipped-existing"
	// StatusFailed: the file was refused or could not be sent.
	StatusFailed Status = "failed"
	// StatusNotAttempted: not sent because the batch stopped earlier.
	StatusNotAttempted Status = "not-attempted"
)

// Event kinds.
const (
	EventStart   = "start"   // a file's upload begins
	EventRetry   = "retry"   // an attempt failed and will be retried
	EventDone    = "done"    // a file was uploaded (or confirmed present)
	EventSkip    = "skip"    // a file is skipped (identical or existing)
	EventWarning = "warning" // something the user should read (UP-03, UP-06, an unusable index)
	EventInfo    = "info"    // a plain log line (e.g. no simple API found where the upload URL's form implied one)
	// EventProbable: an attempt's answer was lost, the retry was answered
	// "already exists", and no simple API confirmed the bytes (UP-29).
	EventProbable = "probable"
)

// Event reports progress of Publish, for the log.
type Event struct {
	// Kind is one of EventStart, EventRetry, EventDone, EventSkip,
	// EventWarning, EventInfo.
	Kind string
	// File is the distribution's file name ("" for batch-wide warnings).
	File string
	// Attempt and Attempts number a retry: the attempt about to start, of
	// at most Attempts.
	Attempt, Attempts int
	// Err is the failure a retry or warning is about, if any.
	Err error
	// Message is a sentence for the log.
	Message string
	// Result is the upload's result, with EventDone.
	Result *Result
}

// PublishOptions configure Publish.
type PublishOptions struct {
	// Index, when not nil, is asked what it already holds before anything
	// is uploaded and again to settle "already exists" and outcome-unknown
	// answers. nil: no pre-check; answers are
	// classified from the server's status and text.
	Index *Index
	// SkipExisting skips files whose name the index already holds with
	// other bytes (with a warning) instead of failing. Identical files are
	// skipped either way.
	SkipExisting bool
	// Concurrency is the number of uploads in flight; default (0) and 1
	// upload one at a time. With more, the first file and every file
	// whose acceptance is uncertain (dist.Uncertain) are uploaded alone,
	// one after the other (on PyPI the first creates the release), then
	// the rest in parallel.
	Concurrency int
	// Attestations holds the "attestations" field (JSON array text) by
	// distribution file name.
	Attestations map[string][]byte
	// OnEvent receives progress events; nil discards them. Calls are
	// serialized, never concurrent.
	OnEvent func(Event)
}

// Outcome is the result for one distribution.
type Outcome struct {
	Dist   *dist.Distribution
	Status Status
	// Err is why the file failed; nil otherwise.
	Err error
	// Result is set for StatusUploaded.
	Result *Result
	// RemoteSHA256 is the index's SHA-256 for a skipped file, when known.
	RemoteSHA256 string
	// Note explains a skip or an unusual success in a sentence.
	Note string
}

// Publish uploads dists in upload order (dist.UploadOrder: files whose
// acceptance is uncertain first, then wheels, then sdists, otherwise as
// given) and returns one Outcome per distribution, in the order of dists,
// whatever happens. An uncertain file (a Metadata-Version newer than any
// PyPI is known to accept, unknown fields) goes alone, before anything
// else: if the index refuses it, nothing else of the release is sent.
//
// With o.Index set it first lists what the index holds for each project and
// decides per file: identical → skipped-identical;
// same name, other bytes, or a second sdist for the release → with
// o.SkipExisting skipped-existing plus a warning event, without it an
// *ExistsError before any upload (those files failed, the rest
// not-attempted). It stops starting files at the first hard failure (the
// rest are not-attempted) and returns every failure joined. Cancelling ctx
// stops at once: files in flight fail with the context's error, the rest are
// not-attempted. It never panics on empty input. A non-nil error is a
// *BatchError, which knows its situation ([Classify]).
func Publish(ctx context.Context, c *Client, dists []*dist.Distribution, o PublishOptions) (_ []Outcome, err error) {
	defer func() { err = batchError(err) }()
	p := &batch{c: c, o: o, out: make([]Outcome, len(dists)), keep: localNames(dists)}
	for i, d := range dists {
		p.out[i] = Outcome{Dist: d, Status: StatusNotAttempted}
	}
	if c == nil {
		return p.out, errors.New("failed to publish: no client")
	}
	for i, d := range dists {
		if d == nil {
			p.out[i].Status = StatusFailed
			p.out[i].Err = fmt.Errorf("failed to publish: distribution %d is nil", i)
			return p.out, p.out[i].Err
		}
	}
	todo, err := p.precheck(ctx)
	if err != nil {
		return p.out, err
	}
	todo, alone := p.order(todo)
	p.run(ctx, todo, alone)
	var errs []error
	for _, oc := range p.out {
		if oc.Status == StatusFailed {
			errs = append(errs, oc.Err)
		}
	}
	if len(errs) == 0 && ctx.Err() != nil && len(todo) > 0 {
		for _, i := range todo {
			if p.out[i].Status == StatusNotAttempted {
				errs = append(errs, fmt.Errorf("failed to publish: %w", ctx.Err()))
				break
			}
		}
	}
	return p.out, errors.Join(errs...)
}

type batch struct {
	c *Client
	o PublishOptions
	// keep selects the index entries the batch can use (localNames).
	keep func(string) bool
	mu   sync.Mutex // guards out and event calls
	// out is written by index; each index by one goroutine at a time.
	out []Outcome
}

func (p *batch) event(e Event) {
	if p.o.OnEvent == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.o.OnEvent(e)
}

func projectOf(d *dist.Distribution) string {
	if d.Metadata != nil {
		if n := d.Name(); n != "" {
			return dist.NormalizeName(n)
		}
	}
	name, _, _ := strings.Cut(d.Filename, "-")
	return dist.NormalizeName(name)
}

// verdict is the pre-check decision for one file.
type verdict int

const (
	absent    verdict = iota // not on the index: upload
	identical                // same name, same SHA-256
	conflict                 // same name other bytes, or a second sdist
)

// decide compares d with what the index lists.
func decide(d *dist.Distribution, remote []RemoteFile) (verdict, *ExistsError) {
	for _, r := range remote {
		if r.Filename != d.Filename {
			continue
		}
		if r.SHA256 == "" {
			// No hash to compare: let the server decide.
			return absent, nil
		}
		if strings.EqualFold(r.SHA256, d.Digests.SHA256) {
			return identical, nil
		}
		return conflict, &ExistsError{Filename: d.Filename, LocalSHA256: d.Digests.SHA256, RemoteSHA256: r.SHA256}
	}
	if d.Kind == dist.Sdist && d.Metadata != nil {
		want := pep440.Canonical(d.Version())
		for _, r := range remote {
			if _, v, err := dist.ParseSdistFilename(r.Filename); err == nil && pep440.Canonical(v) == want {
				return conflict, &ExistsError{Filename: d.Filename, LocalSHA256: d.Digests.SHA256, RemoteSHA256: r.SHA256, Remote: r.Filename}
			}
		}
	}
	return absent, nil
}

// precheck applies the index's listing; it returns the indexes still to
// upload, or the conflicts that stop the batch.
func (p *batch) precheck(ctx context.Context) ([]int, error) {
	all := make([]int, len(p.out))
	for i := range all {
		all[i] = i
	}
	if p.o.Index == nil {
		return all, nil
	}
	listed := map[string][]RemoteFile{}
	for _, oc := range p.out {
		proj := projectOf(oc.Dist)
		if _, done := listed[proj]; done {
			continue
		}
		files, err := p.o.Index.Files(ctx, proj, p.keep)
		if ctx.Err() != nil {
			for i := range p.out {
				p.out[i].Status = StatusNotAttempted
			}
			return nil, fmt.Errorf("failed to publish: %w", ctx.Err())
		}
		switch {
		case errors.Is(err, ErrIndexUnavailable):
			// Found from the upload URL's form, not configured: say it in
			// the log, no warning (UP-28).
			p.event(Event{Kind: EventInfo, Err: err, Message: fmt.Sprintf("Existing-file check: %v; the index's answers are recognised instead (docs/indexes.md). Set index-url to the index's simple API to compare files by SHA-256.", err)})
			files = nil
		case err != nil:
			p.event(Event{Kind: EventWarning, Err: err, Message: fmt.Sprintf("could not list the files of %s on %s; uploading without the existing-file check: %v", proj, p.o.Index.URL(), err)})
			files = nil
		}
		listed[proj] = files
	}
	var todo []int
	var conflicts []error
	for i := range p.out {
		d := p.out[i].Dist
		v, ee := decide(d, listed[projectOf(d)])
		switch v {
		case absent:
			todo = append(todo, i)
		case identical:
			p.skipIdentical(i, "the index already has this file, byte for byte")
		case conflict:
			if p.o.SkipExisting {
				p.skipExisting(i, ee)
			} else {
				p.out[i].Status = StatusFailed
				p.out[i].Err = ee
				p.out[i].RemoteSHA256 = ee.RemoteSHA256
				conflicts = append(conflicts, ee)
			}
		}
	}
	if len(conflicts) > 0 {
		return nil, errors.Join(conflicts...)
	}
	return todo, nil
}

func (p *batch) skipIdentical(i int, note string) {
	d := p.out[i].Dist
	p.out[i].Status = StatusSkippedIdentical
	p.out[i].RemoteSHA256 = d.Digests.SHA256
	p.out[i].Note = note
	p.event(Event{Kind: EventSkip, File: d.Filename, Message: fmt.Sprintf("%s: skipped: %s (sha256 %s)", d.Filename, note, d.Digests.SHA256)})
}

// skipExisting records a skip under skip-existing with its warning
// (UP-03, UP-06). ee may carry only the server's answer.
func (p *batch) skipExisting(i int, ee *ExistsError) {
	d := p.out[i].Dist
	p.out[i].Status = StatusSkippedExisting
	p.out[i].RemoteSHA256 = ee.RemoteSHA256
	var msg string
	switch {
	case ee.Remote != "" && ee.Remote != d.Filename:
		msg = fmt.Sprintf("%s: skipped: the release already has the source distribution %s, and an index keeps one sdist per release", d.Filename, ee.Remote)
	case ee.RemoteSHA256 != "":
		msg = fmt.Sprintf("%s: skipped: the index already has a file with this name but different contents (index sha256 %s, local sha256 %s). The index keeps its file; publish a new version to change it", d.Filename, ee.RemoteSHA256, ee.LocalSHA256)
	case answerOf(ee.Server) != nil && answerOf(ee.Server).meaning == meansConflict:
		msg = fmt.Sprintf("%s: skipped: the index says it has a file with this name but other contents (%v). The index keeps its file; publish a new version to change it", d.Filename, ee.Server)
	default:
		msg = fmt.Sprintf("%s: skipped: the index says the file already exists (%v). Whether its bytes are the local ones is unknown: the index's file list was not available to compare SHA-256 digests. Publish a new version to change them", d.Filename, ee.Server)
	}
	p.out[i].Note = msg
	p.event(Event{Kind: EventWarning, File: d.Filename, Err: ee, Message: msg})
}

// order sorts the indexes todo into upload order (dist.UploadOrder) and
// returns how many of them go alone: the uncertain ones, at least one.
func (p *batch) order(todo []int) ([]int, int) {
	byDist := map[*dist.Distribution][]int{}
	ds := make([]*dist.Distribution, len(todo))
	for k, i := range todo {
		ds[k] = p.out[i].Dist
		byDist[ds[k]] = append(byDist[ds[k]], i)
	}
	out := make([]int, 0, len(todo))
	alone := 1
	for _, d := range dist.UploadOrder(ds) {
		out = append(out, byDist[d][0])
		byDist[d] = byDist[d][1:]
		if dist.Uncertain(d) != "" && len(out) > alone {
			alone = len(out)
		}
	}
	return out, alone
}

// run uploads the files at indexes todo: the first alone ones one at a
// time, then up to Concurrency at a time, stopping new starts at the
// first failure.
func (p *batch) run(ctx context.Context, todo []int, alone int) {
	if len(todo) == 0 {
		return
	}
	n := p.o.Concurrency
	if n < 1 {
		n = 1
	}
	alone = min(max(alone, 1), len(todo))
	for _, i := range todo[:alone] {
		if !p.one(ctx, i) {
			return
		}
	}
	rest := todo[alone:]
	var (
		wg      sync.WaitGroup
		sem     = make(chan struct{}, n)
		stopped = make(chan struct{})
		once    sync.Once
	)
	stop := func() { once.Do(func() { close(stopped) }) }
loop:
	for _, i := range rest {
		select {
		case sem <- struct{}{}:
		case <-stopped:
			break loop
		case <-ctx.Done():
			break loop
		}
		select {
		case <-stopped:
			<-sem
			break loop
		default:
		}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if !p.one(ctx, i) {
				stop()
			}
		}()
	}
	wg.Wait()
}

// one uploads the file at index i and records its outcome; it reports
// whether the batch may go on.
func (p *batch) one(ctx context.Context, i int) bool {
	d := p.out[i].Dist
	if err := ctx.Err(); err != nil {
		return false
	}
	p.event(Event{Kind: EventStart, File: d.Filename, Message: fmt.Sprintf("uploading %s (%d bytes)", d.Filename, d.Size)})
	h := hooks{event: p.event}
	if p.o.Index != nil {
		h.recheck = func(ctx context.Context) (bool, error) {
			files, err := p.o.Index.Files(ctx, projectOf(d), p.keep)
			if err != nil {
				return false, nil // keep retrying; the server will tell
			}
			switch v, ee := decide(d, files); v {
			case identical:
				return true, nil
			case conflict:
				return false, ee
			}
			return false, nil
		}
	}
	res, err := p.c.upload(ctx, d, UploadOptions{Attestations: p.o.Attestations[d.Filename]}, h)
	oc := Outcome{Dist: d}
	switch {
	case err == nil && res.Identical:
		p.skipIdentical(i, fmt.Sprintf("the index answered %q: it already had this file, byte for byte, and kept it", fmt.Sprintf("%d %s", res.StatusCode, res.Message)))
		p.mu.Lock()
		p.out[i].Result = res
		p.mu.Unlock()
		return true
	case err == nil:
		oc.Status, oc.Result = StatusUploaded, res
		msg := fmt.Sprintf("%s: uploaded", d.Filename)
		if res.Confirmed {
			oc.Note = noteConfirmed
			msg = fmt.Sprintf("%s: uploaded (%s)", d.Filename, oc.Note)
		}
		p.set(i, oc)
		p.event(Event{Kind: EventDone, File: d.Filename, Message: msg, Result: res})
		return true
	case ctx.Err() != nil:
		oc.Status, oc.Err = StatusFailed, err
		p.set(i, oc)
		return false
	}
	return p.settle(ctx, i, err)
}

func (p *batch) set(i int, oc Outcome) {
	p.mu.Lock()
	p.out[i] = oc
	p.mu.Unlock()
}

// Notes of a file whose upload attempt's answer was lost (UP-29).
const (
	noteConfirmed = "probably uploaded by the previous attempt, whose answer was lost; confirmed by hash: the index lists the file with the local SHA-256, so it was not sent again"
	noteProbable  = "probably uploaded by the previous attempt, whose answer was lost: the retry was answered that the file exists. Not confirmed by hash"
)

// settle classifies a failed upload: "already exists" and "one sdist"
// answers are checked against the index by hash when there is one. It
// reports whether the batch may go on.
func (p *batch) settle(ctx context.Context, i int, err error) bool {
	d := p.out[i].Dist
	fail := func(err error) bool {
		p.set(i, Outcome{Dist: d, Status: StatusFailed, Err: err})
		return false
	}
	var lost *lostAnswerError
	if errors.As(err, &lost) {
		return p.settleLost(ctx, i, err)
	}
	var ee *ExistsError
	if errors.As(err, &ee) {
		// From the recheck before a retry: someone else's bytes.
		if p.o.SkipExisting {
			p.skipExisting(i, ee)
			return true
		}
		return fail(ee)
	}
	exists := errors.Is(err, ErrFileExists)
	oneSdist := errors.Is(err, ErrOneSdist)
	if errors.Is(err, ErrFilenameReused) || (!exists && !oneSdist) {
		return fail(err)
	}
	if p.o.Index != nil {
		files, lerr := p.o.Index.Files(ctx, projectOf(d), p.keep)
		if lerr == nil {
			switch v, found := decide(d, files); v {
			case identical:
				p.skipIdentical(i, "the index answered that the file exists and lists it with the local SHA-256")
				return true
			case conflict:
				found.Server = err
				if p.o.SkipExisting {
					p.skipExisting(i, found)
					return true
				}
				return fail(found)
			}
		}
	}
	if p.o.SkipExisting {
		p.skipExisting(i, &ExistsError{Filename: d.Filename, LocalSHA256: d.Digests.SHA256, Server: err})
		return true
	}
	return fail(err)
}

// settleLost settles an "already exists" answer to a retry after an
// attempt whose answer was lost (UP-29): with a simple API the file is
// uploaded when the index lists the local SHA-256 (confirmed) and failed
// when it lists other bytes; without one, or when the listing does not
// show the file yet, it is reported uploaded, probably by the previous
// attempt, with a warning that it is not confirmed.
func (p *batch) settleLost(ctx context.Context, i int, err error) bool {
	d := p.out[i].Dist
	res := &Result{Filename: d.Filename, Probable: true}
	note := noteProbable
	if p.o.Index != nil {
		files, lerr := p.o.Index.Files(ctx, projectOf(d), p.keep)
		switch v, found := decide(d, files); {
		case lerr == nil && v == identical:
			res.Probable, res.Confirmed, note = false, true, noteConfirmed
		case lerr == nil && v == conflict:
			found.Server = err
			p.set(i, Outcome{Dist: d, Status: StatusFailed, Err: found, RemoteSHA256: found.RemoteSHA256})
			return false
		case lerr != nil:
			note += fmt.Sprintf(": the index's file list could not be read (%v)", lerr)
		default:
			note += ": the index's file list does not show it yet"
		}
	} else {
		note += ": this index has no simple API to compare with (set index-url)"
	}
	p.set(i, Outcome{Dist: d, Status: StatusUploaded, Result: res, Note: note})
	if res.Probable {
		p.event(Event{Kind: EventProbable, File: d.Filename, Err: err, Message: fmt.Sprintf("%s: %s.", d.Filename, note)})
	}
	p.event(Event{Kind: EventDone, File: d.Filename, Message: fmt.Sprintf("%s: uploaded (%s)", d.Filename, note), Result: res})
	return true
}

// localNames returns the filter of index entries a batch of dists can
// use: their own file names, and the sdists of their releases (an index
// keeps one sdist per release, see decide). Everything else on a project
// page is skipped while it is read.
func localNames(dists []*dist.Distribution) func(string) bool {
	names := map[string]bool{}
	versions := map[string]bool{}
	for _, d := range dists {
		if d == nil {
			continue
		}
		names[d.Filename] = true
		if d.Kind == dist.Sdist && d.Metadata != nil {
			versions[pep440.Canonical(d.Version())] = true
		}
	}
	return func(name string) bool {
		if names[name] {
			return true
		}
		if len(versions) == 0 || !(strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".zip")) {
			return false
		}
		_, v, err := dist.ParseSdistFilename(name)
		return err == nil && versions[pep440.Canonical(v)]
	}
}

// answerOf returns the known "already exists" answer err carries, or nil.
func answerOf(err error) *knownAnswer {
	var he *Error
	if errors.As(err, &he) {
		return he.answer()
	}
	return nil
}
