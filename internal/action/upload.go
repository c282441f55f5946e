package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/publish"
)

// upload publishes every distribution, with its attestations (by file
// name), and returns each file's outcome. Files the index already has with
// the same SHA-256 are skipped; anything else the index already has fails
// the file, unless skip-existing is set. The first hard failure stops the
// batch; the error then names what is on the index and what is not.
func upload(ctx context.Context, d Deps, cfg config.Config, tg target.Target, creds publish.Credentials,
	dists []*dist.Distribution, attestations map[string][]byte) ([]publish.Outcome, error) {
	c := d.Console
	if tg.InsecureCredentials() {
		c.Warningf("Credentials over plain HTTP",
			"repository-url %s uses plain http to a host that is not this machine: credentials cross the network unencrypted. Use https.", tg.UploadURL)
	}
	client, index, err := uploadClients(d, tg, creds)
	if err != nil {
		return nil, err
	}
	log := newEventLog(c, cfg, tg, dists)
	outcomes, err := publish.Publish(ctx, client, dists, publish.PublishOptions{
		Index:        index,
		SkipExisting: cfg.SkipExisting.Value,
		Concurrency:  cfg.Concurrency,
		Attestations: attestations,
		OnEvent:      log.onEvent,
	})
	uploaded := 0
	for _, o := range outcomes {
		switch o.Status {
		case publish.StatusSkippedIdentical:
			c.Noticef("", "%s is already on the index with the same SHA-256; not uploaded again.", o.Dist.Filename)
		case publish.StatusUploaded:
			uploaded++
		}
	}
	if err != nil {
		return outcomes, uploadError(err, outcomes)
	}
	if uploaded == 0 {
		c.Noticef("", "Nothing was uploaded: every distribution is already on the index.") // DS-05
	}
	return outcomes, nil
}

// uploadClients returns the upload client and, when the target has a
// simple API, the index client for the existing-file check.
func uploadClients(d Deps, tg target.Target, creds publish.Credentials) (*publish.Client, *publish.Index, error) {
	backoff := retryPolicy(d.Hooks)
	idle := d.Hooks.IdleTimeout
	if idle == 0 {
		idle = publish.DefaultIdleTimeout
	}
	client, err := publish.New(tg.UploadURL,
		publish.WithHTTPClient(d.HTTPClient),
		publish.WithUserAgent(d.UserAgent),
		publish.WithCredentials(creds),
		publish.WithLogf(d.Console.Debugf),
		publish.WithRetry(backoff),
		publish.WithIdleTimeout(idle),
		publish.WithPyPIRules(tg.Kind.IsPyPI()),
	)
	if err != nil {
		return nil, nil, &Error{ID: "IN-03", Title: "Invalid repository URL", Message: err.Error(), Err: err}
	}
	if tg.SimpleURL == "" {
		return client, nil, nil
	}
	index, err := publish.NewIndex(tg.SimpleURL, publish.WithHTTPClient(d.HTTPClient), publish.WithRetry(backoff),
		publish.WithUserAgent(d.UserAgent))
	if err != nil {
		return nil, nil, &Error{Title: "Invalid index URL", Message: err.Error(), Err: err}
	}
	return client, index, nil
}

// uploadError turns a failed batch into the run's error, naming what went
// up and what did not, and how to finish an incomplete release.
func uploadError(err error, outcomes []publish.Outcome) error {
	var up, not []string
	for _, o := range outcomes {
		switch o.Status {
		case publish.StatusUploaded, publish.StatusSkippedIdentical, publish.StatusSkippedExisting:
			up = append(up, o.Dist.Filename)
		default:
			not = append(not, o.Dist.Filename)
		}
	}
	title := "Upload failed"
	if errors.Is(err, context.Canceled) {
		title = "Cancelled"
	}
	e := *fail(title, err)
	if len(up) > 0 {
		e.Message += "\nOn the index: " + strings.Join(up, ", ") + "."
	}
	if len(not) > 0 {
		e.Message += "\nNot uploaded: " + strings.Join(not, ", ") + "."
	}
	if len(up) > 0 && len(not) > 0 {
		e.Hint = strings.TrimSpace(e.Hint + " The release is incomplete: once the cause is fixed, re-run this job. Files already on the index are recognised by their SHA-256 and skipped (on a third-party index set index-url, or skip-existing: true).")
	}
	return &e
}

// eventLog prints upload progress: one group per file with its size, time,
// throughput and the index's answer (UP-01, UP-20). publish serializes
// the calls.
type eventLog struct {
	c       console.Console
	verbose bool
	many    bool // several files at once: say when each starts
	tg      target.Target
	dists   map[string]*dist.Distribution
	started map[string]time.Time
}

func newEventLog(c console.Console, cfg config.Config, tg target.Target, dists []*dist.Distribution) *eventLog {
	l := &eventLog{c: c, verbose: cfg.Verbose.Value, many: cfg.Concurrency > 1, tg: tg,
		dists: map[string]*dist.Distribution{}, started: map[string]time.Time{}}
	for _, d := range dists {
		l.dists[d.Filename] = d
	}
	return l
}

func (l *eventLog) onEvent(ev publish.Event) {
	switch ev.Kind {
	case publish.EventStart:
		l.started[ev.File] = time.Now()
		if l.many {
			l.c.Infof("%s", ev.Message)
		}
	case publish.EventRetry:
		l.c.Warningf("Retrying "+ev.File, "Attempt %d of %d for %s failed: %v. Retrying.", ev.Attempt-1, ev.Attempts, ev.File, ev.Err)
	case publish.EventWarning:
		l.c.Warningf("Check "+ev.File, "%s", ev.Message)
	case publish.EventSkip:
		l.c.Noticef("", "%s", ev.Message)
	case publish.EventDone:
		l.done(ev)
	default:
		if ev.Message != "" {
			l.c.Infof("%s", ev.Message)
		}
	}
}

// done prints the group of a file that is on the index.
func (l *eventLog) done(ev publish.Event) {
	d := l.dists[ev.File]
	l.c.Group("Uploaded %s", ev.File)
	defer l.c.EndGroup()
	if d != nil {
		elapsed := time.Since(l.started[ev.File])
		l.c.Infof("size %s, %s", report.HumanSize(d.Size), timing(d.Size, elapsed))
	}
	l.c.Infof("index answer: %s", answer(ev, l.verbose))
	if d != nil {
		if u := l.tg.ReleaseURL(dist.NormalizeName(d.Name()), d.Version()); u != "" {
			l.c.Infof("release: %s", u)
		}
	}
}

// answer describes the index's answer to a finished upload.
func answer(ev publish.Event, verbose bool) string {
	a := ev.Message
	res := ev.Result
	if res == nil {
		return a
	}
	switch {
	case res.Confirmed:
		a = "the answer was lost, but the index lists the file with the local SHA-256 (" + ev.Message + ")"
	case res.StatusCode != 0:
		a = fmt.Sprintf("%d %s", res.StatusCode, http.StatusText(res.StatusCode))
		if res.Message != "" && verbose {
			a += ": " + res.Message
		}
	}
	if res.Attempts > 1 {
		a += fmt.Sprintf(" after %d attempts", res.Attempts)
	}
	return a
}

// Below these, an upload's speed says more about the round trip than
// about the network, and is not printed.
const (
	speedMinSize = 1 << 20
	speedMinTime = 200 * time.Millisecond
)

// timing formats how long an upload took, and its speed when the file and
// the time are large enough for it to mean something: "2.1s, 12.3 MiB/s",
// or "uploaded in 3ms" for a small file.
func timing(n int64, d time.Duration) string {
	if n < speedMinSize || d < speedMinTime {
		return "uploaded in " + roundDuration(d).String()
	}
	return roundDuration(d).String() + ", " + report.HumanSize(int64(float64(n)/d.Seconds())) + "/s"
}

// roundDuration rounds to milliseconds, and to 0.1 s from a second on.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
