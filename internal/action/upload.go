package action

import (
	"cmp"
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
	dists []*dist.Distribution, attestations map[string][]byte) ([]publish.Outcome, target.Target, error) {
	c := d.Console
	if tg.InsecureCredentials() {
		c.Warningf("Credentials over plain HTTP",
			"repository-url %s uses plain http to a host that is not this machine: credentials cross the network unencrypted. Use https.", tg.UploadURL)
	}
	client, index, err := uploadClients(d, tg, creds)
	if err != nil {
		return nil, tg, err
	}
	log := newEventLog(c, cfg, tg, dists)
	outcomes, err := publish.Publish(ctx, client, dists, publish.PublishOptions{
		Index:        index,
		SkipExisting: cfg.SkipExisting.Value,
		Concurrency:  cfg.Concurrency,
		Attestations: attestations,
		OnEvent:      log.onEvent,
	})
	if index != nil && !index.Usable() {
		// A simple API derived from the upload URL that did not answer its
		// probe is not one: the verify step must not wait on it either.
		tg.SimpleURL, tg.SimpleFrom, tg.LookupCredentials = "", "", false
	}
	if err != nil {
		return outcomes, tg, uploadError(err, outcomes, cfg, tg)
	}
	if line := finalLine(outcomes); line != "" {
		c.Noticef("", "%s", line) // UP-02, UP-03, DS-05
	}
	return outcomes, tg, nil
}

// finalLine says what the batch did when something was skipped: how many
// files went up, how many were on the index byte for byte, how many have
// other contents there; "" when every file was uploaded.
func finalLine(outcomes []publish.Outcome) string {
	var uploaded, identical, existing []string
	for _, o := range outcomes {
		switch o.Status {
		case publish.StatusUploaded:
			uploaded = append(uploaded, o.Dist.Filename)
		case publish.StatusSkippedIdentical:
			identical = append(identical, o.Dist.Filename)
		case publish.StatusSkippedExisting:
			existing = append(existing, o.Dist.Filename)
		}
	}
	if len(identical)+len(existing) == 0 {
		return ""
	}
	switch {
	case len(identical) == 1 && len(outcomes) == 1:
		return fmt.Sprintf("Nothing was uploaded: %s is already on the index, byte for byte (same SHA-256).", identical[0])
	case len(identical) == len(outcomes):
		return fmt.Sprintf("Nothing was uploaded: all %s are already on the index, byte for byte (same SHA-256): %s.", countFiles(len(identical)), listSome(identical, 5))
	}
	var parts []string
	if len(identical) > 0 {
		parts = append(parts, fmt.Sprintf("%s already on the index, byte for byte (same SHA-256): %s", countFiles(len(identical)), listSome(identical, 5)))
	}
	if len(existing) > 0 {
		parts = append(parts, fmt.Sprintf("%s skipped because the index has a file of that name whose contents are other or unknown (skip-existing): %s", countFiles(len(existing)), listSome(existing, 5)))
	}
	head := fmt.Sprintf("Uploaded %s", countFiles(len(uploaded)))
	if len(uploaded) == 0 {
		head = "Nothing was uploaded"
	}
	return head + "; " + strings.Join(parts, "; ") + "."
}

// countFiles is "1 file" or "n files".
func countFiles(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
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
		publish.WithAnswerTimeout(cmp.Or(d.Hooks.AnswerTimeout, publish.DefaultAnswerTimeout)),
		publish.WithPyPIRules(tg.Kind.IsPyPI()),
		publish.WithServer(string(tg.Server)),
	)
	if err != nil {
		return nil, nil, &Error{ID: "IN-03", Title: "Invalid repository URL", Message: err.Error(), Err: err}
	}
	if tg.SimpleURL == "" {
		return client, nil, nil
	}
	opts := []publish.Option{publish.WithHTTPClient(d.HTTPClient), publish.WithRetry(backoff),
		publish.WithUserAgent(d.UserAgent), publish.WithLogf(d.Console.Debugf), publish.WithServer(string(tg.Server)),
		publish.WithDiscovery(tg.SimpleFrom == target.SimpleFromForm),
		publish.WithRequestTimeout(cmp.Or(d.Hooks.RequestTimeout, publish.DefaultRequestTimeout))}
	if tg.LookupCredentials {
		// Indexes that need a login to read (usual for private Artifactory,
		// Nexus, GitLab, CodeArtifact repositories) get the upload's; only
		// the repository's own scheme, host and port ever see them.
		opts = append(opts, publish.WithCredentials(creds))
	}
	index, err := publish.NewIndex(tg.SimpleURL, opts...)
	if err != nil {
		return nil, nil, &Error{ID: "IN-03", Title: "Invalid index URL", Message: err.Error(), Err: err}
	}
	switch tg.SimpleFrom {
	case target.SimpleFromForm:
		d.Console.Debugf("existing-file check: %s's simple API is probably %s (from the upload URL's form); probing it once", tg.Server, tg.SimpleURL)
	case target.SimpleFromInput:
		if !tg.LookupCredentials && !tg.Kind.IsPyPI() {
			d.Console.Debugf("existing-file check: %s is not on the repository's host, so its look-ups carry no credentials", tg.SimpleURL)
		}
	}
	return client, index, nil
}

// uploadError turns a failed batch into the run's error, naming what went
// up and what did not, and how to finish an incomplete release.
func uploadError(err error, outcomes []publish.Outcome, cfg config.Config, tg target.Target) error {
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
	e.Hint = targetHint(e.ID, e.Hint, cfg, tg)
	if len(up) > 0 {
		e.Message += "\nOn the index: " + strings.Join(up, ", ") + "."
	}
	if len(not) > 0 {
		e.Message += "\nNot uploaded: " + strings.Join(not, ", ") + "."
	}
	if len(up) > 0 && len(not) > 0 {
		how := "Files already on the index are recognised by their SHA-256 and skipped."
		if tg.SimpleURL == "" {
			how = "This index's simple API is not known, so set index-url to let the action recognise the files already there by their SHA-256 (or set skip-existing: true)."
		}
		if tg.Kind.IsPyPI() {
			how += " PyPI adds files to a release only in the 14 days after its first upload (UP-07); after that, publish the missing files under a new version."
		}
		e.Hint = strings.TrimSpace(e.Hint + " The release is incomplete: once the cause is fixed, re-run this job. " + how)
	}
	return &e
}

// targetHint adds what only the run knows to an upload error's hint: the
// user name of a refused login, and the upload URL when repository-url is
// a simple API or nothing takes uploads there.
func targetHint(id, hint string, cfg config.Config, tg target.Target) string {
	switch id {
	case "UP-23":
		if cfg.User == "__token__" && !tg.Kind.IsPyPI() && tg.Server != target.ServerAzure {
			hint = "user is __token__ (the default: PyPI's user name for API tokens); an index other than PyPI usually wants the account's user name. " + hint
		}
	case "UP-18", "UP-19", "UP-24":
		if tg.SimpleLike != "" {
			return fmt.Sprintf("repository-url %s looks like the index's simple API (what pip reads), which takes no uploads; the upload URL is probably %s. Upload URL forms: %s.",
				tg.UploadURL, tg.SimpleLike, strings.Join(target.UploadForms, "; "))
		}
		if id == "UP-24" {
			hint += " Upload URL forms: " + strings.Join(target.UploadForms, "; ") + "."
		}
	}
	return hint
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
		l.c.Warningf("Upload retried", "Attempt %d of %d for %s failed: %v. Retrying.", ev.Attempt-1, ev.Attempts, ev.File, ev.Err)
	case publish.EventWarning:
		if ev.File == "" {
			l.c.Warningf("Existing-file check unavailable", "%s", ev.Message) // UP-28
		} else {
			// The title is ours: the file name is in the message.
			l.c.Warningf("File skipped", "%s", ev.Message) // UP-03, UP-06
		}
	case publish.EventProbable:
		l.c.Warningf("Upload not confirmed (UP-29)", "%s", ev.Message)
	case publish.EventSkip:
		// One line per file; the final notice names them all (UP-02).
		l.c.Infof("%s", ev.Message)
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
	case res.Confirmed, res.Probable:
		a = ev.Message
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
