package action

import (
	"context"
	"fmt"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/report"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/publish"
)

// credentials is what the authenticate step produced.
type credentials struct {
	creds publish.Credentials
	// trusted reports that a token was minted (the trusted-publishing
	// output).
	trusted bool
	// burn revokes every minted token, best effort; nil for an API token.
	burn func(context.Context)
	// noAttestations, when set, is why attestations are skipped after all
	// (a reusable workflow), as the summary says it.
	noAttestations string
	// sections are summary sections (TP-05).
	sections []report.Section
	// platform and claims are where the exchanged ID token came from and
	// what it said: the attestations' publisher on GitLab and Google.
	platform oidc.Platform
	claims   oidc.Claims
}

// authenticate returns the upload credentials: the API token or password
// as given, or, with trusted publishing, a PyPI token minted for this
// workflow (re-minted before it expires). attestOn says whether the gate
// let attestations through; a reusable workflow turns them off (PyPI would
// reject them: the certificate names the calling workflow).
func authenticate(ctx context.Context, d Deps, cfg config.Config, tg target.Target, src oidc.TokenSource, dists []*dist.Distribution, attestOn bool) (credentials, error) {
	if authMode(cfg) != authTrusted {
		return credentials{creds: publish.Static{User: cfg.User, Password: cfg.Password}}, nil
	}
	c := console.Safe(d.Console)
	var out credentials
	name := ""
	if tg.Kind.IsPyPI() {
		name = tg.Kind.String()
	}
	exchanger, err := oidc.New(tg.UploadURL,
		oidc.WithHTTPClient(d.HTTPClient),
		oidc.WithTokenSource(src),
		oidc.WithMask(c.AddMask),
		oidc.WithScrub(c.Scrub),
		oidc.WithLogf(c.Debugf),
		oidc.WithRetry(retryPolicy(d.Hooks)),
		oidc.WithRequestTimeout(d.Hooks.RequestTimeout),
		oidc.WithTimeout(d.Hooks.TPTimeout),
		oidc.WithProjects(projectNames(dists)...),
		oidc.WithUserAgent(d.UserAgent),
		oidc.WithIndex(name, tg.WebBase),
		// The GitHub token and the minted one cross the network in clear
		// only to this machine.
		oidc.WithPlainHTTP(tg.Loopback),
		// TP-05 is printed before the mint, so it is there when the mint fails.
		oidc.WithWarnf(func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			c.Warningf("Reusable workflow (TP-05)", "%s", msg)
			out.sections = append(out.sections, report.Section{Title: "Reusable workflow", Body: msg + "\n\nSee " + oidc.ReusableURL})
		}),
	)
	if err != nil {
		return out, fail("Trusted publishing failed", err)
	}
	token, err := exchanger.Mint(ctx)
	if err != nil {
		return out, fail("Trusted publishing failed", err)
	}
	if _, ok := oidc.ReusableWorkflow(token.Claims); ok && attestOn {
		out.noAttestations = "skipped: reusable workflow (PyPI would reject the attestations)"
		c.Noticef("", "Attestations are skipped: in a reusable workflow the signing certificate names the calling workflow, which PyPI's publisher check would reject.")
	}
	minted := exchanger.Source(token)
	out.creds, out.trusted = minted, true
	out.platform, out.claims = token.Platform, token.Claims
	out.burn = burner(c, minted, d.Hooks.BurnTimeout)
	return out, nil
}

// defaultBurnTimeout bounds revoking the minted tokens, as the original
// action's 5 s.
const defaultBurnTimeout = 5 * time.Second

// burner returns the last act of a trusted-publishing run: revoke every
// token minted in it, best effort, within timeout (default 5 s). Run calls
// it after the outputs and the summary are written. It never changes the
// outcome; a cancelled run (SIGINT or SIGTERM, also during the burn) skips
// or ends it at once, and the tokens expire on their own.
func burner(c console.Console, src *oidc.Source, timeout time.Duration) func(context.Context) {
	if timeout <= 0 {
		timeout = defaultBurnTimeout
	}
	return func(ctx context.Context) {
		if ctx.Err() != nil {
			c.Debugf("the trusted-publishing token was not revoked: the run was cancelled; it expires on its own")
			return
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := src.BurnAll(ctx); err != nil {
			c.Debugf("could not revoke the trusted-publishing token: %v", err)
		}
	}
}
