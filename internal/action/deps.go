package action

import (
	"context"
	"net/http"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/publish"
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

// retries is the retry policy of every network step: 4 attempts, the
// first retry after 2 s (or the PYPI_PUBLISH_BACKOFF hook), doubling up to
// 30 s (15 times a shorter hook value, so tests stay fast).
type retries struct {
	Attempts int
	Min, Max time.Duration
}

func retryPolicy(h config.Hooks) retries {
	r := retries{Attempts: 4, Min: 2 * time.Second, Max: 30 * time.Second}
	if h.Backoff > 0 {
		r.Min = h.Backoff
	}
	if r.Min < 2*time.Second {
		r.Max = 15 * r.Min
	}
	return r
}

// The libraries' own Backoff shapes, until they share one.
func (r retries) publish() publish.Backoff {
	return publish.Backoff{Attempts: r.Attempts, Min: r.Min, Max: r.Max}
}

func (r retries) oidc() oidc.Backoff {
	return oidc.Backoff{Retries: r.Attempts - 1, Initial: r.Min, Max: r.Max}
}

func (r retries) attest() attest.Backoff {
	return attest.Backoff{Retries: r.Attempts - 1, Min: r.Min, Max: r.Max}
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
