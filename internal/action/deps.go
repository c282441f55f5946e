package action

import (
	"context"
	"net/http"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

// Deps are the outside parts of a run, injected so tests can replace them.
type Deps struct {
	// Console receives every line the run prints, the outputs and the
	// step summary.
	Console console.Console
	// HTTPClient makes every request: index, token exchange, Sigstore.
	HTTPClient *http.Client
	// IDToken fetches a GitHub OIDC token for an audience
	// (go-githubactions' GetIDToken in production).
	IDToken func(ctx context.Context, audience string) (string, error)
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

// maskedIDToken wraps d.IDToken so that every token is masked the moment
// it exists (STYLE C4).
func maskedIDToken(d Deps) func(context.Context, string) (string, error) {
	return func(ctx context.Context, audience string) (string, error) {
		tok, err := d.IDToken(ctx, audience)
		if tok != "" {
			d.Console.AddMask(tok)
		}
		return tok, err
	}
}
