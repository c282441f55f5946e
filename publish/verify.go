package publish

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// The views an uploaded file is read back from (ViewResult.View).
const (
	// ViewJSON is Warehouse's JSON API, /pypi/<project>/<version>/json
	// (PyPI and TestPyPI).
	ViewJSON = "JSON API"
	// ViewSimple is the simple API's project page (PEP 503 HTML or PEP 691
	// JSON).
	ViewSimple = "simple API"
)

// DefaultVerifyWait is how long Verify waits, unless told otherwise, for
// the index's views to show what was uploaded: caches in front of an
// index (PyPI's CDN) may serve an older page for a while.
const DefaultVerifyWait = 60 * time.Second

// DefaultVerifyBackoff spaces the rounds of Verify when VerifyOptions
// gives none: the second round about 1 s after the first, then doubling
// up to 8 s (jittered down by up to half).
var DefaultVerifyBackoff = retry.Backoff{Min: time.Second, Max: 8 * time.Second}

// Bounds of the answers Verify reads.
const (
	maxJSONRelease = 32 << 20 // a release's JSON (its description included)
	maxProvenance  = 8 << 20  // a provenance object
	maxNotFound    = 64 << 10 // the body of a 404
	maxRounds      = 1 << 16  // Verify stops by time, long before this
)

// Uploaded is one file as it was sent, for Verify.
type Uploaded struct {
	Filename string
	// Project and Version are the metadata's Name and Version, as sent.
	Project, Version string
	Size             int64
	// SHA256 is the lower-case hex digest of what was sent.
	SHA256 string
	// Attestations is the attestations form field sent with the file (a
	// JSON array of PEP 740 attestation objects); nil when none was sent.
	Attestations []byte
}

// UploadedOf describes a distribution and the attestations field sent with
// it (nil for none).
func UploadedOf(d *dist.Distribution, attestations []byte) Uploaded {
	return Uploaded{Filename: d.Filename, Project: d.Name(), Version: d.Version(), Size: d.Size,
		SHA256: d.Digests.SHA256, Attestations: attestations}
}

// VerifyOptions adjust one Verify call.
type VerifyOptions struct {
	// Wait bounds the time spent waiting for the views to catch up; the
	// default (0) is DefaultVerifyWait. The last round starts when it
	// ends, so a whole call takes at most Wait plus one round.
	Wait time.Duration
	// Backoff spaces the rounds (its Attempts is ignored: Wait ends
	// them); the zero value means DefaultVerifyBackoff.
	Backoff retry.Backoff
	// Publisher is the trusted publisher the provenance must name (kind,
	// repository and workflow, compared ignoring case); the zero value
	// checks only that the provenance carries the uploaded attestations.
	Publisher Publisher
	// OnRound is called before each wait with the round that just ended,
	// the files still unsettled and the wait; the default does nothing.
	OnRound func(round, pending int, wait time.Duration)
}

// Verifier reads uploaded files back from an index's own views (the
// simple API; on PyPI and TestPyPI also the JSON API and PEP 740's
// Integrity API) and compares them with what was sent. It is safe for
// concurrent use.
type Verifier struct {
	simple *url.URL // nil: no simple API
	api    *url.URL // nil: no JSON or Integrity API
	o      *options
	hc     *http.Client
}

// NewVerifier returns a Verifier for a simple API root (such as
// "https://pypi.org/simple/"; "" for none) and Warehouse's root for the
// JSON and Integrity APIs (such as "https://pypi.org/"; "" for an index
// that is not Warehouse). At least one must be given. Options as for
// NewIndex: WithRequestTimeout bounds each request (default 30 s);
// credentials (WithCredentials) are sent only to the simple API root's
// host, never to the API root. Redirects are followed within a host only.
// It never panics.
func NewVerifier(simpleURL, apiURL string, opts ...Option) (*Verifier, error) {
	v := &Verifier{}
	for _, r := range []struct {
		s   string
		dst **url.URL
	}{{simpleURL, &v.simple}, {apiURL, &v.api}} {
		if r.s == "" {
			continue
		}
		u, err := parseRootURL(r.s)
		if err != nil {
			return nil, fmt.Errorf("failed to parse index URL: %w", err)
		}
		*r.dst = u
	}
	if v.simple == nil && v.api == nil {
		return nil, errors.New("failed to configure verification: no simple API and no JSON API to read")
	}
	o, err := makeOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("failed to configure verification: %w", err)
	}
	v.o, v.hc = o, withoutRedirects(o.httpClient)
	return v, nil
}

// errPending ends a round that left files unsettled.
var errPending = errors.New("some files are not settled yet")

// Verify reads every file back and returns one Verification per file, in
// the order given. It asks each view once per round (one simple page per
// project, one JSON page per release, one provenance per file with
// attestations) and repeats, spaced by o.Backoff, until every file is
// settled or o.Wait has passed: a view that does not list a file yet,
// lists other contents (a cache may still hold an older file of the same
// name) or has no provenance yet is asked again. On Warehouse (an API root
// given) other contents settle the file at once: PyPI never serves two
// files under one name, so waiting cannot change the answer. Transport errors, 429 and
// 5xx are asked again too; other failures settle that view as unreadable.
// Cancelling ctx stops at once; the files not settled then carry ctx's
// error.
func (v *Verifier) Verify(ctx context.Context, files []Uploaded, o VerifyOptions) []Verification {
	wait := cmp.Or(o.Wait, DefaultVerifyWait)
	b := o.Backoff
	if b == (retry.Backoff{}) {
		b = DefaultVerifyBackoff
	}
	b.Attempts = maxRounds
	deadline := time.Now().Add(wait)
	// The last round's requests end by their own timeout; this bounds it
	// as a whole.
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(cmp.Or(v.o.requestTimeout, DefaultRequestTimeout)))
	defer cancel()
	checks := make([]*fileCheck, len(files))
	for i, f := range files {
		checks[i] = newFileCheck(f, v)
	}
	remaining := func() time.Duration { return max(time.Until(deadline), 0) }
	_ = retry.Do(ctx, b, func(err error) bool { return errors.Is(err, errPending) && remaining() > 0 },
		func(ctx context.Context, _ int) error {
			v.round(ctx, checks, o.Publisher)
			if pending(checks) > 0 {
				return errPending
			}
			return nil
		},
		retry.OnRetry(func(r retry.Retry) {
			if o.OnRound != nil {
				o.OnRound(r.Attempt, pending(checks), min(r.Wait, remaining()))
			}
		}),
		retry.WithSleep(func(ctx context.Context, d time.Duration) error { return v.o.sleep(ctx, min(d, remaining())) }),
		retry.WithJitter(v.o.jitter))
	out := make([]Verification, len(checks))
	for i, fc := range checks {
		out[i] = fc.result()
	}
	return out
}

func pending(checks []*fileCheck) int {
	n := 0
	for _, fc := range checks {
		if !fc.settled() {
			n++
		}
	}
	return n
}

// round asks every view that still has an unsettled file once.
func (v *Verifier) round(ctx context.Context, checks []*fileCheck, want Publisher) {
	if v.simple != nil {
		for _, g := range groupChecks(checks, ViewSimple, func(fc *fileCheck) string { return fc.project }) {
			u, files, html, err := v.simpleListing(ctx, g.key, g.names())
			g.set(ViewSimple, u, files, html, err)
		}
	}
	if v.api != nil {
		for _, g := range groupChecks(checks, ViewJSON, func(fc *fileCheck) string { return fc.project + "/" + fc.u.Version }) {
			u, files, err := v.jsonListing(ctx, g.checks[0].project, g.checks[0].u.Version, g.names())
			g.set(ViewJSON, u, files, false, err)
		}
	}
	for _, fc := range checks {
		if fc.needsProvenance() && !fc.provenanceSettled() && fc.seenIntact() {
			fc.prov = v.provenance(ctx, fc.u, fc.project, want)
		}
		if !fc.done {
			fc.rounds++
		}
		fc.done = fc.settled()
	}
}

// group is the unsettled files one request answers for.
type group struct {
	key    string
	checks []*fileCheck
}

// groupChecks groups the files whose view is unsettled by key, in key
// order.
func groupChecks(checks []*fileCheck, view string, key func(*fileCheck) string) []group {
	byKey := map[string]*group{}
	var keys []string
	for _, fc := range checks {
		if fc.done || fc.viewSettled(view) {
			continue
		}
		k := key(fc)
		if byKey[k] == nil {
			byKey[k] = &group{key: k}
			keys = append(keys, k)
		}
		byKey[k].checks = append(byKey[k].checks, fc)
	}
	sort.Strings(keys)
	out := make([]group, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out
}

func (g group) names() map[string]bool {
	m := make(map[string]bool, len(g.checks))
	for _, fc := range g.checks {
		m[fc.u.Filename] = true
	}
	return m
}

// set records one view's answer for every file of the group.
func (g group) set(view, u string, files map[string]listed, html bool, err error) {
	for _, fc := range g.checks {
		r := fc.views[view]
		r.URL, r.HTML, r.Err = u, html, err
		l, ok := files[fc.u.Filename]
		r.Listed = ok && err == nil
		r.SHA256, r.Size, r.Yanked, r.YankedReason = "", -1, false, ""
		if r.Listed {
			r.SHA256, r.Size, r.Yanked, r.YankedReason = l.sha256, l.size, l.yanked, l.reason
		}
	}
}

// listed is one file as a view lists it.
type listed struct {
	sha256 string // lower-case; "" when none is listed
	size   int64  // -1 when none is listed
	yanked bool
	reason string // the yank reason; "" for none
}
