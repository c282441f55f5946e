package action

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/internal/workflowref"
	"github.com/pypi-publish/pypi-publish/publish"
)

// verifyRequestTimeout bounds each request of the verify step; the step as
// a whole waits at most the verify wait (60 s) plus one round.
const verifyRequestTimeout = 10 * time.Second

// verified is what the verify step found, by file name.
type verified struct {
	// text says per file what was verified and how, for the summary's
	// Verified column; files not read back have none.
	text map[string]string
	// ok names the files the index serves exactly as uploaded.
	ok map[string]bool
}

// verify reads every uploaded file back from the index's own views (VE-01,
// docs/situations.md#ve-01): on PyPI and TestPyPI the JSON API and the
// simple API, and the provenance through the Integrity API for files sent
// with attestations; elsewhere the simple API, when known. Other contents,
// a missing or foreign provenance (VE-03, VE-04, VE-05) fail the run; a
// file not visible when the wait ends (VE-02) or a view that cannot be read
// (VE-06) is a warning. It returns per file what was verified.
func verify(ctx context.Context, d Deps, cfg config.Config, tg target.Target, id attest.Identity,
	creds publish.Credentials, outcomes []publish.Outcome, attestations map[string][]byte) (verified, error) {
	c := d.Console
	out := verified{text: map[string]string{}, ok: map[string]bool{}}
	var files []publish.Uploaded
	for _, o := range outcomes {
		if o.Status == publish.StatusUploaded {
			files = append(files, publish.UploadedOf(o.Dist, attestations[o.Dist.Filename]))
		}
	}
	switch {
	case len(files) == 0:
		return out, nil
	case !cfg.VerifyUpload.Value:
		c.Debugf("verify-upload is off: the uploaded files are not read back")
		return out, nil
	}
	v, err := newVerifier(d, tg, creds)
	if err != nil {
		c.Infof("The uploaded files are not read back: %v.", err) // VE-07
		for _, f := range files {
			out.text[f.Filename] = "not checked: no simple API known (set index-url)"
		}
		return out, nil
	}
	wait := d.Hooks.VerifyWait
	if wait == 0 {
		wait = publish.DefaultVerifyWait
	}
	c.Group("Verifying what %s serves", tg.Kind)
	results := v.Verify(ctx, files, publish.VerifyOptions{
		Wait: wait, Backoff: verifyBackoff(d.Hooks), Publisher: publisherOf(id, attestations),
		OnRound: func(round, pending int, w time.Duration) {
			c.Infof("round %d: %d of %d files not confirmed yet; asking again in %s", round, pending, len(files), w.Round(time.Millisecond))
		},
	})
	for _, r := range results {
		out.text[r.Filename] = verifiedText(r, wait)
		out.ok[r.Filename] = r.State == publish.Verified
		c.Infof("%s: %s", r.Filename, out.text[r.Filename])
	}
	c.EndGroup()
	if ctx.Err() != nil {
		return out, &Error{Title: "Cancelled", Message: "The job was cancelled while the uploaded files were being read back; every file is on the index.", Err: ctx.Err()}
	}
	return out, verifyOutcome(c, results, wait)
}

// newVerifier returns the reader of the target's views: the simple API
// (index-url, PyPI's or TestPyPI's, or one found for a known server), and
// on PyPI and TestPyPI the JSON and Integrity APIs (the
// PYPI_PUBLISH_API_URL hook points them at a test index). Credentials go
// only to a simple API on the upload host of a third-party index; PyPI's
// views are public.
func newVerifier(d Deps, tg target.Target, creds publish.Credentials) (*publish.Verifier, error) {
	apiURL := ""
	if tg.Kind.IsPyPI() {
		apiURL = tg.APIURL
		if d.Hooks.APIURL != "" {
			apiURL = d.Hooks.APIURL
		}
	}
	if tg.SimpleURL == "" && apiURL == "" {
		return nil, errors.New("where this index serves its simple API is not known; set index-url to let the action compare them with what it sent")
	}
	opts := []publish.Option{publish.WithHTTPClient(d.HTTPClient), publish.WithUserAgent(d.UserAgent),
		publish.WithLogf(d.Console.Debugf), publish.WithRequestTimeout(verifyRequestTimeout)}
	if tg.LookupCredentials && creds != nil {
		opts = append(opts, publish.WithCredentials(creds))
	}
	return publish.NewVerifier(tg.SimpleURL, apiURL, opts...)
}

// verifyBackoff spaces the rounds: publish.DefaultVerifyBackoff (1 s
// doubling to 8 s), or, with the PYPI_PUBLISH_BACKOFF hook, its wait first,
// doubling up to 8 times it but to at least 100 ms (a test's short wait
// then takes a dozen rounds, not hundreds).
func verifyBackoff(h config.Hooks) retry.Backoff {
	b := publish.DefaultVerifyBackoff
	if h.Backoff > 0 {
		b.Min, b.Max = h.Backoff, max(8*h.Backoff, 100*time.Millisecond)
	}
	return b
}

// publisherOf is the trusted publisher the provenance must name: the one
// the attestations were made for (id: a GitHub workflow, a GitLab
// project's pipeline, a Google service account), when attestations were
// sent; nobody otherwise.
func publisherOf(id attest.Identity, attestations map[string][]byte) publish.Publisher {
	if len(attestations) == 0 {
		return publish.Publisher{}
	}
	switch id.Platform {
	case attest.PlatformGitLab:
		if id.Repository == "" {
			return publish.Publisher{}
		}
		return publish.Publisher{Kind: "GitLab", Repository: id.Repository, Workflow: workflowref.GitLabFile(id.WorkflowRef)}
	case attest.PlatformGoogle:
		if id.Email == "" {
			return publish.Publisher{}
		}
		return publish.Publisher{Kind: "Google", Email: id.Email}
	}
	if id.Repository == "" {
		return publish.Publisher{}
	}
	return publish.Publisher{Kind: "GitHub", Repository: id.Repository, Workflow: workflowref.File(id.WorkflowRef)}
}

// verifyOutcome prints one warning per situation for the files not
// verified (VE-02, VE-06, VE-08) and returns the error for files the index serves
// wrongly (VE-03, VE-04, VE-05), naming each.
func verifyOutcome(c console.Console, results []publish.Verification, wait time.Duration) error {
	byID := map[string][]*publish.VerifyError{}
	var failed []*publish.VerifyError
	for _, r := range results {
		var ve *publish.VerifyError
		if !errors.As(r.Err, &ve) {
			continue
		}
		if r.State.Failed() {
			failed = append(failed, ve)
			continue
		}
		byID[ve.ID] = append(byID[ve.ID], ve)
	}
	if vs := byID["VE-02"]; len(vs) > 0 {
		c.Warningf("Not visible yet (VE-02)", "%d uploaded file(s) not confirmed after waiting %s: %s. %s",
			len(vs), roundWait(wait), listSome(messages(vs), 3), vs[0].Hint)
	}
	if vs := byID["VE-08"]; len(vs) > 0 {
		c.Warningf("Yanked on the index (VE-08)", "%d uploaded file(s) are served as uploaded but yanked: %s. %s",
			len(vs), listSome(messages(vs), 3), vs[0].Hint)
	}
	if vs := byID["VE-06"]; len(vs) > 0 {
		c.Warningf("Not verified (VE-06)", "%d uploaded file(s) could not be checked: %s. %s",
			len(vs), listSome(messages(vs), 3), vs[0].Hint)
	}
	if len(failed) == 0 {
		return nil
	}
	first := failed[0]
	return &Error{ID: first.ID, Title: "Verification failed (" + first.ID + ")",
		Message: "The index does not serve what was uploaded.\n" + strings.Join(messages(failed), "\n"),
		Hint:    first.Hint, Err: first}
}

func messages(vs []*publish.VerifyError) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Message)
	}
	return out
}

// verifiedText says what was verified and how, for the summary, e.g.
// "JSON API + simple API: sha256, size; provenance ✓".
func verifiedText(r publish.Verification, wait time.Duration) string {
	var parts []string
	groups := map[string][]string{} // compared fields → views that matched
	var order []string
	yanked := false
	u := r.Uploaded
	for _, v := range r.Views {
		switch {
		case v.Intact(u):
			yanked = yanked || v.Yanked
			fields := "sha256"
			if v.Size >= 0 {
				fields += ", size"
			}
			if groups[fields] == nil {
				order = append(order, fields)
			}
			groups[fields] = append(groups[fields], v.View)
		case v.Differs(u):
			parts = append(parts, v.View+": ✗ other contents")
		case v.Err != nil:
			parts = append(parts, v.View+": could not be read")
		case !v.Listed:
			parts = append(parts, fmt.Sprintf("%s: not listed after %s", v.View, roundWait(wait)))
		default:
			parts = append(parts, v.View+": no sha256 listed")
		}
	}
	var ok []string
	for _, fields := range order {
		ok = append(ok, strings.Join(groups[fields], " + ")+": "+fields)
	}
	parts = append(ok, parts...)
	if yanked {
		parts = append(parts, "yanked on the index")
	}
	if p := provenanceText(r, wait); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// provenanceText says what the Integrity API showed; "" when it was not
// asked about a file without attestations.
func provenanceText(r publish.Verification, wait time.Duration) string {
	p := r.Provenance
	switch {
	case p == nil && len(r.Uploaded.Attestations) > 0 && len(r.Views) > 0 && r.Views[0].View == publish.ViewJSON:
		return "provenance: not checked (file not visible)"
	case p == nil:
		return ""
	case p.OK():
		return "provenance ✓"
	case p.Missing:
		return "provenance ✗ missing"
	case p.Served && !p.Contains:
		return "provenance ✗ not the uploaded attestation"
	case p.Served:
		return "provenance ✗ another publisher"
	case p.Disabled:
		return "provenance: not checked (attestations off on the index)"
	case p.Err != nil:
		return "provenance: could not be read"
	}
	return fmt.Sprintf("provenance: not known after %s", roundWait(wait))
}

// roundWait formats a wait for messages: whole seconds, or milliseconds
// below one second (test hooks).
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
