package action

import (
	"context"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/publish"
)

// results is what the steps returned so far; Run fills it in as the run
// goes, and summarize reads it at the end, whatever happened.
type results struct {
	// repositoryURL is the input as given, for a run that fails before
	// the target is decided. (No other input is kept: the password must
	// not outlive the steps that need it.)
	repositoryURL string
	target        *target.Target // nil until decided
	workdir       string
	auth          string
	read          []readResult
	checks        string
	attest        string
	trusted       bool
	sections      []report.Section
	attested      attested
	outcomes      []publish.Outcome
	verified      verified
	dryRun        bool
	// burn revokes the minted tokens; Run's finish calls it last.
	burn func(context.Context)
}

// summarize builds the report from the results and the run's error.
func summarize(res *results, err error) report.Report {
	rep := report.Report{
		Index:             res.repositoryURL,
		IndexName:         target.Other.String(),
		Auth:              res.auth,
		Attestations:      res.attest,
		TrustedPublishing: res.trusted,
		DryRun:            res.dryRun,
		Checks:            res.checks,
		Sections:          res.sections,
	}
	var tg target.Target
	if res.target != nil {
		tg = *res.target
		rep.Index, rep.IndexName = tg.UploadURL, tg.Kind.String()
	}
	rep.Files = files(res, tg)
	if err != nil {
		e := fail("pypi-publish failed", err)
		rep.Failure = &report.Failure{Message: e.Message, Hint: e.Hint, Details: e.Details,
			Published: strings.HasPrefix(e.ID, "VE-")} // the verify step runs after every upload succeeded
	}
	return rep
}

// files returns the report's rows: every file found, as read, with its
// outcome, attestation files and what was verified.
func files(res *results, tg target.Target) []report.File {
	out := make([]report.File, 0, len(res.read))
	at := map[string]int{}
	for _, r := range res.read {
		f := report.File{Filename: r.file.Filename, Path: relPath(res.workdir, r.file.Path), Status: report.StatusNotAttempted}
		if r.err != nil {
			f.Status, f.Note = report.StatusFailed, r.err.Error()
		}
		if d := r.dist; d != nil {
			f.Size, f.SHA256, f.Version = d.Size, d.Digests.SHA256, d.Version()
		}
		at[f.Filename] = len(out)
		out = append(out, f)
	}
	for _, o := range res.outcomes {
		i, ok := at[o.Dist.Filename]
		if !ok {
			continue
		}
		out[i].Status = string(o.Status)
		if o.Note != "" {
			out[i].Note = o.Note
		}
		if o.Status == publish.StatusUploaded || strings.HasPrefix(string(o.Status), "skipped") {
			out[i].URL = tg.ReleaseURL(dist.NormalizeName(o.Dist.Name()), o.Dist.Version())
		}
		out[i].Verification = res.verified.text[o.Dist.Filename]
		out[i].Verified = res.verified.ok[o.Dist.Filename]
	}
	for _, p := range res.attested.prepared {
		if i, ok := at[p.Filename]; ok {
			out[i].Attestations = relPaths(res.workdir, p.Files)
			out[i].Reused = p.Reused
		}
	}
	return out
}
