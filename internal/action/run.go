package action

import (
	"context"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
)

// Run publishes the distributions cfg names and returns the error to
// report (an *Error), or nil. Whatever happens it hands the outputs and the
// step summary to d.Console. It never exits and never panics on bad input;
// cancelling ctx stops any wait or transfer and fails the run.
func Run(ctx context.Context, cfg config.Config, env config.Runner, d Deps) (err error) {
	c := console.Safe(d.Console) // the one way out, whatever main built
	d.Console = c
	cfg = maskSecrets(c, cfg, env)
	res := &results{repositoryURL: config.RedactURL(cfg.RepositoryURL)}
	defer func() { err = finish(ctx, c, res, err) }() // report, whatever happened

	// start → find → read
	tg, err := start(c, cfg, d.Hooks)
	if err != nil {
		return err
	}
	res.target = &tg
	found, workdir, err := find(c, cfg, env)
	res.workdir = workdir
	if err != nil {
		return err
	}
	dists, read := read(found.Files)
	res.read, res.auth = read, authMode(cfg)
	if err := unreadable(cfg, read); err != nil {
		return err
	}
	// check: authentication policy, attestation gate, distributions
	c.Debugf("authentication: %s for %s (%s)", res.auth, tg.UploadURL, tg.Kind)
	src, err := checkAuth(d, cfg, tg, env, dists)
	if err != nil {
		return err
	}
	attestOn, status := gate(c, cfg, tg, found, workdir, src)
	res.attest = status
	if res.checks, err = checkDists(ctx, d, cfg, tg, dists, readFailures(read), workdir); err != nil {
		return err
	}
	if res.auth == authToken && tg.Kind.IsPyPI() {
		res.sections = append(res.sections, nudge(d, cfg, tg, env, dists))
	}
	if cfg.DryRun.Value {
		res.dryRun = true
		c.Noticef("", "Dry run: all %d distributions passed the checks; nothing was uploaded.", len(dists))
		return nil
	}

	// authenticate → attest → upload → verify
	creds, err := authenticate(ctx, d, cfg, tg, src, dists, attestOn)
	res.sections = append(res.sections, creds.sections...)
	if err != nil {
		return err
	}
	res.trusted, res.burn = creds.trusted, creds.burn
	if creds.noAttestations != "" {
		attestOn, res.attest = false, creds.noAttestations
	}
	id := identity(env, creds.platform, creds.claims)
	if attestOn {
		if res.attested, err = attestAll(ctx, d, src, id, dists, res.workdir); err != nil {
			return err
		}
		res.attest = res.attested.status
	}
	res.outcomes, tg, err = upload(ctx, d, cfg, tg, creds.creds, dists, res.attested.byFile)
	if err != nil {
		return err
	}
	// verify: read every uploaded file back from the index's own views
	res.verified, err = verify(ctx, d, cfg, tg, id, creds.creds, res.outcomes, res.attested.byFile)
	return err
}

// finish ends every run: it hands the outputs and the summary to the
// console, then, last, revokes the minted tokens (res.burn, bounded and
// ended by SIGINT/SIGTERM), and returns the run's error as an *Error.
func finish(ctx context.Context, c console.Console, res *results, err error) error {
	if err != nil {
		err = fail("pypi-publish failed", err)
	}
	rep := summarize(res, err)
	c.SetOutputs(rep.Outputs())
	c.AddSummary(rep.Markdown())
	if res.burn != nil {
		res.burn(ctx)
	}
	return err
}
