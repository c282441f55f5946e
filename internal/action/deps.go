package action

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// Deps are the outside parts of a run, injected so tests can replace them.
type Deps struct {
	// Console receives every line the run prints, the outputs and the
	// step summary.
	Console console.Console
	// HTTPClient makes every request: index, token exchange, Sigstore.
	HTTPClient *http.Client
	// Tokens, when set, is where trusted publishing gets its OIDC ID
	// tokens; nil (production) detects the platform from the runner's
	// environment (oidc.Detect), or takes Platform.
	Tokens oidc.TokenSource
	// Platform forces the platform ID tokens come from (the
	// --id-token-source flag); "" detects it.
	Platform oidc.Platform
	// SummaryPlace names where the console puts the summary, for messages
	// that point to it: "the step summary" on GitHub, "the summary at the
	// end" on a terminal; "" when there is none (GITHUB_STEP_SUMMARY
	// unset), and messages then do not mention it.
	SummaryPlace string
	// UserAgent names the action on every request; PyPI shows it as
	// "Uploaded via".
	UserAgent string
	// Hooks are the test hooks, decoded once by main.
	Hooks config.Hooks
}

// retryPolicy is the retry policy of every network step: retry.Default
// (4 attempts, the first retry after 2 s, doubling up to 30 s), or, with
// the PYPI_PUBLISH_BACKOFF hook, its wait first and at most 15 times it
// (so tests stay fast).
func retryPolicy(h config.Hooks) retry.Backoff {
	b := retry.Default
	if h.Backoff > 0 {
		b.Min = h.Backoff
	}
	if b.Min < 2*time.Second {
		b.Max = 15 * b.Min
	}
	return b
}

// masked is a token source whose every token is masked the moment it
// exists.
type masked struct {
	oidc.TokenSource
	mask func(string)
}

// IDToken gets a token from the source and masks it.
func (m masked) IDToken(ctx context.Context, audience string) (string, error) {
	tok, err := m.TokenSource.IDToken(ctx, audience)
	if tok != "" {
		m.mask(tok)
	}
	return tok, err
}

// seeSummary is " The <place> has <what>." for a message that points to
// the summary, or "" when there is none.
func seeSummary(d Deps, what string) string {
	if d.SummaryPlace == "" {
		return ""
	}
	return " " + strings.ToUpper(d.SummaryPlace[:1]) + d.SummaryPlace[1:] + " has " + what + "."
}
