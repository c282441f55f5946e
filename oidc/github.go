package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// GitHubSource gets ID tokens from GitHub Actions' token service: GET
// ACTIONS_ID_TOKEN_REQUEST_URL with "&audience=<aud>" and the bearer
// ACTIONS_ID_TOKEN_REQUEST_TOKEN, answered with {"value": "<JWT>"}. Every
// call gets a new token.
type GitHubSource struct {
	RequestURL, RequestToken string
	o                        *sourceOptions
}

var _ TokenSource = (*GitHubSource)(nil)

// NewGitHubSource returns the source for the token service at requestURL
// (ACTIONS_ID_TOKEN_REQUEST_URL) with the bearer requestToken
// (ACTIONS_ID_TOKEN_REQUEST_TOKEN). It does no I/O.
func NewGitHubSource(requestURL, requestToken string, opts ...SourceOption) *GitHubSource {
	return &GitHubSource{RequestURL: requestURL, RequestToken: requestToken, o: makeSourceOptions(opts)}
}

// Platform returns GitHubActions.
func (s *GitHubSource) Platform() Platform { return GitHubActions }

// Fresh returns true: GitHub issues a new token for every request.
func (s *GitHubSource) Fresh() bool { return true }

// Origin names GitHub's token service.
func (s *GitHubSource) Origin(string) string {
	return "GitHub's token service (ACTIONS_ID_TOKEN_REQUEST_URL)"
}

// IDToken requests a token for audience; one request, at most 30 s, an
// answer of at most 64 KiB. Errors are TP-09 and never contain the request
// token.
func (s *GitHubSource) IDToken(ctx context.Context, audience string) (string, error) {
	if s.o == nil {
		s.o = makeSourceOptions(nil)
	}
	u, err := url.Parse(s.RequestURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", githubTokenError(errors.New("ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL"))
	}
	// GitHub's URL already has a query (api-version); add the audience.
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += "audience=" + url.QueryEscape(audience)
	ctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", githubTokenError(fmt.Errorf("failed to build the request: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+s.RequestToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.o.userAgent)
	scrub := scrubber(s.RequestToken)
	resp, err := s.o.client.Do(req)
	if err != nil {
		return "", githubTokenError(errors.New(scrub(transportError(err))))
	}
	defer resp.Body.Close()
	b, err := readBounded(resp, maxIDTokenAnswer)
	if err != nil {
		return "", githubTokenError(fmt.Errorf("%s: %s", resp.Status, scrub(err.Error())))
	}
	if resp.StatusCode != http.StatusOK {
		// Scrub before the excerpt is cut: a cut token would survive.
		return "", githubTokenError(fmt.Errorf("%s%s", resp.Status, colonIf(bodyExcerpt([]byte(scrub(string(b)))))))
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(b, &v); err != nil || strings.TrimSpace(v.Value) == "" {
		return "", githubTokenError(fmt.Errorf("%s, but the answer has no token in \"value\"", resp.Status))
	}
	return strings.TrimSpace(v.Value), nil
}

// funcSource is a TokenSource over a function ([WithIDToken]): GitHub's
// token service as the caller reaches it.
type funcSource func(ctx context.Context, audience string) (string, error)

func (f funcSource) Platform() Platform { return GitHubActions }
func (f funcSource) Fresh() bool        { return true }
func (f funcSource) Origin(string) string {
	return "GitHub's token service"
}

func (f funcSource) IDToken(ctx context.Context, audience string) (string, error) {
	tok, err := f(ctx, audience)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return "", err
		}
		return "", githubTokenError(err)
	}
	return tok, nil
}
