package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/internal/secret"
)

// Token is a minted PyPI API token.
type Token struct {
	// Value is the token ("pypi-…"), used as the password with user
	// "__token__". It has been passed to the Mask option.
	Value string
	// Expires is when the index says the token expires; now + 15 minutes
	// when the response does not say.
	Expires time.Time
	// Claims are the decoded claims of the ID token that was exchanged
	// (diagnostics, and the attestation identity on GitLab and Google).
	Claims Claims
	// Platform is where the ID token came from.
	Platform Platform
}

// String never reveals the token.
func (t *Token) String() string { return "oidc.Token{Value: <redacted>}" }

// GoString never reveals the token.
func (t *Token) GoString() string { return t.String() }

// fallbackLifetime is PyPI's token lifetime, used when the mint response has
// no "expires" (Warehouse mints tokens for 15 minutes).
const fallbackLifetime = 900 * time.Second

// remintBefore is how long before expiry Source re-mints (TP-16).
const remintBefore = 3 * time.Minute

// maxBody bounds the answers of the index's endpoints (Exchanger.do; the ID
// token sources have maxIDTokenAnswer).
const maxBody = 1 << 20

// Exchanger exchanges OIDC ID tokens (from GitHub Actions, GitLab CI/CD or
// Google Cloud: a [TokenSource]) for PyPI API tokens on one index.
// It is safe for concurrent use.
type Exchanger struct {
	o        *options
	client   *http.Client
	base     string // scheme://host[:port]
	host     string // host[:port], for messages
	linkBase string // WithIndex's web base: "https://pypi.org", "https://test.pypi.org" or ""

	mu       sync.Mutex
	aud      string // cached audience
	warnedRW bool   // TP-05 emitted
}

// New returns an Exchanger for the index whose upload URL is repoURL (for
// example "https://upload.pypi.org/legacy/"). The OIDC endpoints are on the
// URL's scheme, host and port. repoURL must be https, or http with
// [WithPlainHTTP]. [WithIDToken] is required; [WithIndex] says whether the
// index is PyPI or TestPyPI. New does no I/O.
func New(repoURL string, opts ...Option) (*Exchanger, error) {
	o, err := makeOptions(opts)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(repoURL)
	if err != nil {
		return nil, fmt.Errorf("failed to parse repository URL: %w", err)
	}
	switch {
	case u.Host == "":
		return nil, fmt.Errorf("failed to use repository URL %q: it has no host", repoURL)
	case u.Scheme == "https":
	case u.Scheme == "http" && o.plainHTTP:
	case u.Scheme == "http":
		return nil, fmt.Errorf("failed to use repository URL %q: plain http is only allowed for loopback hosts", repoURL)
	default:
		return nil, fmt.Errorf("failed to use repository URL %q: scheme must be https", repoURL)
	}
	return &Exchanger{
		o:        o,
		client:   noRedirects(o.client), // the JWT and the minted token go only to the index host
		base:     u.Scheme + "://" + u.Host,
		host:     u.Host,
		linkBase: o.webBase,
	}, nil
}

// pypi reports whether the index is PyPI or TestPyPI.
func (e *Exchanger) pypi() bool { return e.linkBase != "" }

// indexName names the index in messages.
func (e *Exchanger) indexName() string {
	if e.o.indexName != "" {
		return e.o.indexName
	}
	return "the index at " + e.host
}

// Mint runs one exchange: audience (cached after the first success), an ID
// token from the source, then mint-token. Transport errors, 5xx and 429 are
// retried per [WithRetry], each mint attempt with a fresh ID token where
// the platform gives one (GitLab's is the same each time); a mint refused
// with invalid-reuse-token is retried once with a fresh token (TP-14). Each
// request is bounded by [WithRequestTimeout] and the whole exchange by
// [WithTimeout]; when that runs out, the error says so (TP-08, or TP-09
// when the ID token's source did not answer). The minted token must look
// like a PyPI token (TP-12 otherwise) and is passed to the Mask option
// before anything else happens with it. Errors are [*Error]. When ctx is
// cancelled, Mint stops waiting and returns an error wrapping ctx.Err().
func (e *Exchanger) Mint(ctx context.Context) (*Token, error) {
	start := time.Now()
	mctx, cancel := context.WithTimeoutCause(ctx, e.o.timeout, errGaveUp)
	defer cancel()
	tok, err := e.mint(mctx)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(mctx), errGaveUp) {
		return nil, e.gaveUp(err, time.Since(start))
	}
	return tok, err
}

// errGaveUp is the cause of Mint's own deadline.
var errGaveUp = errors.New("trusted publishing deadline")

// mint is Mint without its total deadline.
func (e *Exchanger) mint(ctx context.Context) (*Token, error) {
	aud, err := e.audience(ctx)
	if err != nil {
		return nil, err
	}
	e.o.logf("Requesting an ID token for audience %q from %s", aud, e.o.source.Origin(aud))
	var (
		tok          *Token
		again        bool // the last attempt is worth retrying
		reuseRetried bool // TP-14's one immediate retry is used
	)
	err = retry.Do(ctx, e.o.backoff, func(error) bool { return again }, func(ctx context.Context, n int) error {
		var err error
		tok, again, err = e.mintFresh(ctx, aud, n, &reuseRetried)
		return err
	}, retry.WithSleep(sleep))
	if err != nil {
		return nil, err
	}
	return tok, nil
}

// gaveUp is the error of a Mint that ran out of time: TP-09 when the last
// failure was GitHub's token service, TP-08 otherwise; last is that
// failure.
func (e *Exchanger) gaveUp(last error, took time.Duration) *Error {
	id, who := IDAudience, e.host
	var le *Error
	if errors.As(last, &le) && le.ID == IDGitHubToken {
		id, who = IDGitHubToken, "GitHub's token service"
	}
	cause := oneLine(e.o.scrub(last.Error()), 300)
	return &Error{
		ID: id,
		Message: fmt.Sprintf("Trusted publishing gave up after %s (the limit is %s): %s did not answer in time. Last problem: %s",
			took.Round(time.Second), e.o.timeout, who, cause),
		Hint: "A slow or unreachable service; nothing was uploaded. Re-run the job; if it keeps happening, check the status of " + who + " and the runner's network (proxy, firewall).",
		Details: section(id, "Gave up waiting",
			fmt.Sprintf("Trusted publishing (audience, GitHub token, mint) must finish within %s; it had not after %s. The last problem was: %s",
				e.o.timeout, took.Round(time.Second), mdCode(cause)),
			"Re-run the job. PyPI's status: "+StatusURL+"; GitHub's: https://www.githubstatus.com/"),
		Err: last,
	}
}

// mintFresh is attempt n of Mint: an ID token (a fresh one where the
// platform gives one), then mint-token. A mint refused with
// invalid-reuse-token is tried once more at once, with another token,
// within the same attempt (TP-14), when the source has fresh tokens.
// again says whether another attempt makes sense.
func (e *Exchanger) mintFresh(ctx context.Context, aud string, n int, reuseRetried *bool) (tok *Token, again bool, err error) {
	if !e.o.source.Fresh() {
		// The same token again would only be refused as reused.
		*reuseRetried = true
	}
	for {
		jwt, err := e.idToken(ctx, aud)
		if err != nil {
			return nil, false, err
		}
		jwt = strings.TrimSpace(jwt)
		if jwt == "" {
			return nil, false, e.tokenSourceError(aud, errors.New("the token response had no token"))
		}
		claims, cerr := DecodeClaims(jwt)
		if cerr != nil {
			e.o.logf("Could not decode the ID token's claims for diagnostics: %v", cerr)
			claims = Claims{}
		}
		if err := e.checkIssuer(claims); err != nil {
			return nil, false, err
		}
		e.warnReusable(claims)

		wasReuse := *reuseRetried
		tok, again, err = e.mintOnce(ctx, jwt, claims, n, reuseRetried)
		if err == nil || !again || ctx.Err() != nil || wasReuse || !*reuseRetried {
			return tok, again, err
		}
	}
}

// checkIssuer refuses, before minting, a GitHub token PyPI is known to
// reject: one not issued by github.com (TP-04). Other indexes, and other
// platforms' issuers, are for the index to judge.
func (e *Exchanger) checkIssuer(c Claims) error {
	iss := c.String("iss")
	if !e.pypi() || e.o.source.Platform() != GitHubActions || iss == Missing || iss == GitHubIssuer {
		return nil
	}
	return e.enterpriseError(iss)
}

// enterpriseError is TP-04 for a token issued by iss.
func (e *Exchanger) enterpriseError(iss string) *Error {
	return &Error{
		ID: IDEnterprise,
		Message: fmt.Sprintf("%s does not accept trusted publishing from GitHub Enterprise: this token was issued by %s, "+
			"but only %s is trusted.", capFirst(e.indexName()), oneLine(iss, 200), GitHubIssuer),
		Hint: "Use an API token instead: create a project-scoped token on the index, store it as a secret and pass it as `password`.",
		Details: section(IDEnterprise, "GitHub Enterprise is not supported by PyPI trusted publishing",
			fmt.Sprintf("The GitHub token was issued by %s. %s accepts OIDC tokens only from github.com "+
				"(issuer `%s`; pypi/warehouse#18970).", mdCode(oneLine(iss, 200)), capFirst(e.indexName()), GitHubIssuer),
			"Create an API token scoped to the project, store it as a repository secret and pass it with "+
				"`password: ${{ secrets.PYPI_API_TOKEN }}`."),
	}
}

// capFirst upper-cases the first letter of s (ASCII).
func capFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// warnReusable emits the TP-05 warning once.
func (e *Exchanger) warnReusable(c Claims) {
	w, ok := ReusableWorkflow(c)
	if !ok {
		return
	}
	e.mu.Lock()
	done := e.warnedRW
	e.warnedRW = true
	e.mu.Unlock()
	if !done {
		e.o.warnf("%s", w)
	}
}

// sleep waits d before a retry, or returns when ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if err := retry.Sleep(ctx, d); err != nil {
		return fmt.Errorf("failed to wait for a retry: %w", err)
	}
	return nil
}

// retryable reports whether an HTTP status is worth retrying.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// response is a fully read HTTP response.
type response struct {
	status int
	text   string // status line text, e.g. "503 Service Unavailable"
	body   []byte
}

// do sends one request and reads the whole (bounded) response, all within
// one request's deadline (WithRequestTimeout).
func (e *Exchanger) do(ctx context.Context, method, u string, body []byte) (*response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, e.o.requestTimeout, errRequestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("failed to build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", e.o.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		if errors.Is(context.Cause(ctx), errRequestTimeout) {
			return nil, &timeoutError{d: e.o.requestTimeout, err: err}
		}
		return nil, err
	}
	defer resp.Body.Close()
	b, err := readBounded(resp, maxBody)
	if err != nil {
		if errors.Is(context.Cause(ctx), errRequestTimeout) {
			return nil, &timeoutError{d: e.o.requestTimeout, err: err, partial: true}
		}
		return nil, fmt.Errorf("failed to read response: %w", err)
	}
	text := resp.Status
	if text == "" {
		text = strconv.Itoa(resp.StatusCode)
	}
	return &response{status: resp.StatusCode, text: text, body: b}, nil
}

// errRequestTimeout is the cause of a request's own deadline.
var errRequestTimeout = errors.New("request deadline")

// timeoutError is a request that ran out of its deadline
// (WithRequestTimeout); partial means the answer had begun.
type timeoutError struct {
	d       time.Duration
	err     error
	partial bool
}

func (e *timeoutError) Error() string {
	if e.partial {
		return fmt.Sprintf("the answer was not complete within %s", e.d)
	}
	return fmt.Sprintf("no answer within %s", e.d)
}

func (e *timeoutError) Unwrap() error { return e.err }

// transportError explains a failed request without the URL's query (there
// is none here, but keep the habit) and with the cause.
func transportError(err error) string {
	var te *timeoutError
	if errors.As(err, &te) {
		return te.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out: " + oneLine(err.Error(), 300)
	}
	return oneLine(err.Error(), 300)
}

// audience returns the index's OIDC audience, cached after the first
// success.
func (e *Exchanger) audience(ctx context.Context) (string, error) {
	e.mu.Lock()
	aud := e.aud
	e.mu.Unlock()
	if aud != "" {
		return aud, nil
	}
	u := e.base + "/_/oidc/audience"
	var again bool // the last attempt is worth retrying
	err := retry.Do(ctx, e.o.backoff, func(error) bool { return again }, func(ctx context.Context, _ int) error {
		var err error
		aud, again, err = e.audienceOnce(ctx, u)
		return err
	}, retry.WithSleep(sleep), retry.OnRetry(func(r retry.Retry) {
		e.o.logf("The audience request to %s failed (%s); retrying (attempt %d of %d)",
			e.host, oneLine(r.Err.(*Error).Message, 200), r.Attempt+1, r.Attempts)
	}))
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	e.aud = aud
	e.mu.Unlock()
	return aud, nil
}

func (e *Exchanger) audienceOnce(ctx context.Context, u string) (aud string, retry bool, err error) {
	resp, err := e.do(ctx, http.MethodGet, u, nil)
	if pe := e.proxyError("GET "+u, resp, err); pe != nil {
		return "", false, pe
	}
	if err != nil {
		return "", ctx.Err() == nil, &Error{
			ID:      IDAudience,
			Message: fmt.Sprintf("The audience request to %s failed before an answer arrived: %s.", e.host, transportError(err)),
			Hint:    fmt.Sprintf("Check that this runner can reach %s (proxy, firewall, egress policy). The request was retried.", e.host),
			Details: section(IDAudience, "Index unreachable",
				fmt.Sprintf("The request for the OIDC audience (%s) failed: %s", mdCode("GET "+u), mdCode(transportError(err))),
				fmt.Sprintf("Allow outbound HTTPS from the runner to `%s`; transient failures are retried automatically, so a re-run usually helps.", e.host)),
			Err: err,
		}
	}
	msg := jsonMessage(resp.body)
	switch {
	case resp.status == http.StatusForbidden:
		m := fmt.Sprintf("%s has trusted publishing disabled (403 from %s)", capFirst(e.indexName()), u)
		if msg != "" {
			m += ": " + oneLine(msg, 200)
		}
		return "", false, &Error{
			ID:      IDAudienceForbidden,
			Message: m + ".",
			Hint:    "Try again later, or publish with an API token in `password`.",
			Details: section(IDAudienceForbidden, "Trusted publishing disabled on the index",
				fmt.Sprintf("%s answered 403. The index supports trusted publishing but has it switched off right now.%s", mdCode("GET "+u), quoteMD(msg)),
				"Wait and re-run (PyPI status: "+StatusURL+"), or publish with an API token in `password`."),
		}
	case resp.status == http.StatusNotFound:
		return "", false, &Error{
			ID:      IDAudienceNotFound,
			Message: fmt.Sprintf("%s does not offer trusted publishing (404 from %s).", capFirst(e.indexName()), u),
			Hint:    "Publish with an API token or password for this index, or check that `repository-url` points at the right index.",
			Details: section(IDAudienceNotFound, "The index does not support trusted publishing",
				fmt.Sprintf("%s answered 404, so this index does not advertise trusted publishing. "+
					"The action tried it because `password` is empty.", mdCode("GET "+u)),
				"Set `password` (and `user` if the index needs one) to credentials for this index, or fix `repository-url`."),
		}
	case resp.status < 200 || resp.status > 299:
		excerpt := bodyExcerpt(resp.body)
		return "", retryable(resp.status), &Error{
			ID:      IDAudience,
			Message: fmt.Sprintf("The audience request to %s failed with %s%s.", e.host, resp.text, colonIf(excerpt)),
			Hint:    "This is usually an outage of the index; it was retried. Wait a few minutes and re-run.",
			Details: section(IDAudience, "Unexpected answer from the index",
				fmt.Sprintf("%s answered %s.%s", mdCode("GET "+u), mdCode(resp.text), quoteMD(excerpt)),
				"Wait and re-run; check "+StatusURL+" for PyPI/TestPyPI."),
		}
	}
	var a struct {
		Audience *string `json:"audience"`
	}
	if err := json.Unmarshal(resp.body, &a); err != nil || a.Audience == nil || *a.Audience == "" {
		what := "not JSON"
		if json.Valid(resp.body) {
			what = "JSON without an \"audience\" string"
		}
		return "", false, &Error{
			ID:      IDAudience,
			Message: fmt.Sprintf("The audience answer from %s is %s (%s).", e.host, what, resp.text),
			Hint:    "The index may be misconfigured or in maintenance; re-run later. Check that `repository-url` is the index's upload URL.",
			Details: section(IDAudience, "Unusable audience answer",
				fmt.Sprintf("%s answered %s with a body that is %s.%s", mdCode("GET "+u), mdCode(resp.text), what, quoteMD(bodyExcerpt(resp.body))),
				"Re-run later; if it persists, check `repository-url`."),
		}
	}
	return *a.Audience, false, nil
}

// idToken gets an ID token from the source within one request's deadline.
// Errors are *Error: the source's own, or TP-09 naming the source (with
// "no answer within 20s" when the deadline ran out), the cause scrubbed
// before it is cut.
func (e *Exchanger) idToken(ctx context.Context, aud string) (string, error) {
	rctx, cancel := context.WithTimeoutCause(ctx, e.o.requestTimeout, errRequestTimeout)
	defer cancel()
	tok, err := e.o.source.IDToken(rctx, aud)
	if err == nil {
		return tok, nil
	}
	var oe *Error
	switch {
	case errors.Is(context.Cause(rctx), errRequestTimeout):
		err = &timeoutError{d: e.o.requestTimeout, err: err}
	case errors.As(err, &oe):
		return "", err
	}
	return "", e.tokenSourceError(aud, err)
}

// tokenSourceError is TP-09 for a failure of the ID token's source (the
// text scrubbed before it is cut).
func (e *Exchanger) tokenSourceError(aud string, err error) *Error {
	te := githubTokenError(errors.New(e.o.scrub(err.Error())))
	te.Err = err
	if e.o.source.Platform() != GitHubActions {
		origin := e.o.source.Origin(aud)
		te.Message = "Could not get an OIDC token from " + origin + ": " + oneLine(e.o.scrub(err.Error()), 400)
		te.Hint = "Re-run the job; if it persists, check that " + origin + " is reachable from this machine."
	}
	return te
}

// githubTokenError wraps a failure of GitHub's token service (TP-09). err's
// text must not hold secrets any more: callers scrub it first.
func githubTokenError(err error) *Error {
	cause := oneLine(err.Error(), 400)
	return &Error{
		ID:      IDGitHubToken,
		Message: "Could not get an OIDC token from GitHub: " + cause,
		Hint:    "This is usually a transient problem on GitHub's side: re-run the job. If it persists, check that the job has `permissions: id-token: write`.",
		Details: section(IDGitHubToken, "GitHub OIDC token request failed",
			"Requesting the identity token from GitHub's token service failed: "+mdCode(cause),
			"Re-run the job. GitHub's status: https://www.githubstatus.com/"),
		Err: err,
	}
}

// mintResponse is the JSON of /_/oidc/mint-token.
type mintResponse struct {
	Success *bool           `json:"success"`
	Token   *string         `json:"token"`
	Expires json.RawMessage `json:"expires"`
	Message *string         `json:"message"`
	Errors  []struct {
		Code        string `json:"code"`
		Description string `json:"description"`
	} `json:"errors"`
}

// mintOnce posts one JWT in attempt n (1-based). again says whether
// another attempt (with a fresh JWT) makes sense.
func (e *Exchanger) mintOnce(ctx context.Context, jwt string, claims Claims, n int, reuseRetried *bool) (tok *Token, again bool, err error) {
	scrub := e.scrubFor(jwt)
	u := e.base + "/_/oidc/mint-token"
	body, err := json.Marshal(map[string]string{"token": jwt})
	if err != nil {
		return nil, false, fmt.Errorf("failed to encode mint request: %w", err)
	}
	more := n < e.o.backoff.MaxAttempts()
	resp, err := e.do(ctx, http.MethodPost, u, body)
	if pe := e.proxyError("POST "+u, resp, err); pe != nil {
		return nil, false, pe
	}
	if err != nil {
		cause := scrub(transportError(err))
		if more && ctx.Err() == nil {
			e.o.logf("The mint request to %s failed (%s); retrying with %s (attempt %d of %d)",
				e.host, cause, e.retryToken(), n+1, e.o.backoff.MaxAttempts())
		}
		return nil, more, e.mintUnreachable(u, cause)
	}
	if retryable(resp.status) && more {
		e.o.logf("The mint request to %s answered %s; retrying with %s (attempt %d of %d)",
			e.host, resp.text, e.retryToken(), n+1, e.o.backoff.MaxAttempts())
		return nil, true, &Error{ID: IDMintStatus, Message: "the index answered " + resp.text}
	}
	if !json.Valid(resp.body) {
		return nil, false, e.mintNotJSON(u, resp, scrub)
	}
	var mr mintResponse
	if json.Unmarshal(resp.body, &mr) != nil {
		// JSON of the wrong shape: treat it as carrying nothing usable
		// (TP-12 on success, TP-13 otherwise).
		mr = mintResponse{}
	}
	if resp.status >= 200 && resp.status <= 299 {
		tok, err := e.minted(u, resp, mr, claims)
		return tok, false, err
	}
	if len(mr.Errors) == 0 {
		return nil, false, e.mintNoReasons(u, resp, scrub)
	}
	codes := make([]string, 0, len(mr.Errors))
	reuse := false
	for _, er := range mr.Errors {
		codes = append(codes, er.Code)
		if er.Code == "invalid-reuse-token" {
			reuse = true
		}
	}
	if reuse && !*reuseRetried {
		*reuseRetried = true
		e.o.logf("The index says this ID token was already used (invalid-reuse-token); trying once more with a fresh one")
		// Does not count against the transport retries.
		return nil, true, &Error{ID: IDReuseToken, Message: "invalid-reuse-token"}
	}
	return nil, false, e.refused(resp, mr, codes, claims, scrub, reuse)
}

// proxyHint is the fix for a proxy that wants credentials.
const proxyHint = "A proxy between this runner and the index asks for credentials (407 Proxy Authentication Required). " +
	"Put them in the proxy's URL (HTTPS_PROXY=http://user:password@proxy:port) or exempt the index's host with NO_PROXY. It was not retried: retrying cannot help."

// proxyError is TP-08 for a request refused by a proxy with 407, as an
// answer (plain http) or as a failed CONNECT (https); nil otherwise.
func (e *Exchanger) proxyError(req string, resp *response, err error) *Error {
	switch {
	case resp != nil && resp.status == http.StatusProxyAuthRequired:
	case err != nil && strings.Contains(err.Error(), http.StatusText(http.StatusProxyAuthRequired)):
	default:
		return nil
	}
	return &Error{
		ID:      IDAudience,
		Message: fmt.Sprintf("The trusted-publishing request to %s was refused by a proxy: 407 Proxy Authentication Required.", e.host),
		Hint:    proxyHint,
		Details: section(IDAudience, "Proxy authentication required", fmt.Sprintf("%s was answered 407 by a proxy, not by the index.", mdCode(req)), proxyHint),
		Err:     err,
	}
}

// mintUnreachable is the error of a mint request that got no answer.
func (e *Exchanger) mintUnreachable(u, cause string) *Error {
	return &Error{
		ID:      IDAudience,
		Message: fmt.Sprintf("The token request to %s failed before an answer arrived: %s.", e.host, cause),
		Hint:    fmt.Sprintf("Check that this runner can reach %s; the request was retried. Re-run the job.", e.host),
		Details: section(IDAudience, "Index unreachable while minting",
			fmt.Sprintf("%s failed: %s", mdCode("POST "+u), mdCode(cause)),
			"Re-run the job; allow outbound HTTPS to `"+e.host+"`."),
		Err: errors.New(cause),
	}
}

// mintNotJSON is TP-11: a mint answer whose body is not JSON.
func (e *Exchanger) mintNotJSON(u string, resp *response, scrub func(string) string) *Error {
	return &Error{
		ID:      IDMintNotJSON,
		Message: fmt.Sprintf("The token request to %s failed: the index answered %s with a body that is not JSON.", e.host, resp.text),
		Hint:    "This points to an outage or maintenance on the index: wait a few minutes and re-run.",
		Details: section(IDMintNotJSON, "Unexpected answer while minting",
			fmt.Sprintf("%s answered %s, and the body is not JSON.%s", mdCode("POST "+u), mdCode(scrub(resp.text)), quoteMD(bodyExcerpt([]byte(scrub(string(resp.body)))))),
			"Wait and re-run. Status of PyPI/TestPyPI: "+StatusURL),
	}
}

// mintNoReasons is TP-13: a failed mint answer without an errors list.
func (e *Exchanger) mintNoReasons(u string, resp *response, scrub func(string) string) *Error {
	excerpt := bodyExcerpt([]byte(scrub(string(resp.body))))
	return &Error{
		ID:      IDMintStatus,
		Message: fmt.Sprintf("The token request to %s failed with %s%s.", e.host, resp.text, colonIf(excerpt)),
		Hint:    "The index answered without reasons, which points to an outage or maintenance: wait a few minutes and re-run.",
		Details: section(IDMintStatus, "Token request failed without reasons",
			fmt.Sprintf("%s answered %s with no `errors` list.%s", mdCode("POST "+u), mdCode(resp.text), quoteMD(excerpt)),
			"Wait and re-run. Status of PyPI/TestPyPI: "+StatusURL),
	}
}

// minted turns a successful mint answer into a Token, masking its value
// before anything else is done with it (TP-12 when there is no usable
// token).
func (e *Exchanger) minted(u string, resp *response, mr mintResponse, claims Claims) (*Token, error) {
	if why := tokenProblem(mr.Token); why != "" {
		return nil, &Error{
			ID:      IDMintNoToken,
			Message: fmt.Sprintf("The token request to %s got an invalid response: %s, but its \"token\" %s, so it was not used (nor shown).", e.host, resp.text, why),
			Hint:    "This points to a problem on the index: wait a few minutes and re-run.",
			Details: section(IDMintNoToken, "Invalid mint response",
				fmt.Sprintf("%s answered %s, but the JSON's `token` field %s.", mdCode("POST "+u), mdCode(resp.text), why),
				"Wait and re-run. Status of PyPI/TestPyPI: "+StatusURL),
		}
	}
	value := *mr.Token
	// Mask first: nothing about the token may be logged before this.
	e.o.mask(value)
	now := e.o.now()
	expires := e.expiry(mr.Expires, now)
	e.o.logf("Minted a PyPI API token on %s; it expires at %s (in %s)",
		e.host, expires.UTC().Format(time.RFC3339), expires.Sub(now).Round(time.Second))
	return &Token{Value: value, Expires: expires, Claims: claims, Platform: e.o.source.Platform()}, nil
}

// expiry reads the "expires" of a mint answer (Unix seconds). It trusts
// the value only if it is plausible: a clock skew that puts it in the past
// (or days ahead) would make Source re-mint before every file, or never.
// Otherwise it assumes now + fallbackLifetime.
func (e *Exchanger) expiry(raw json.RawMessage, now time.Time) time.Time {
	if len(raw) == 0 || string(raw) == "null" {
		return now.Add(fallbackLifetime)
	}
	var got time.Time
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := n.Int64(); err == nil && i > 0 {
			got = time.Unix(i, 0)
		} else if f, err := n.Float64(); err == nil && f > 0 {
			got = time.Unix(int64(f), 0)
		}
	}
	if got.After(now) && got.Before(now.Add(24*time.Hour)) {
		return got
	}
	e.o.logf("The index's expiry time %s is unusable or not plausible against this machine's clock; assuming %s", oneLine(string(raw), 40), fallbackLifetime)
	return now.Add(fallbackLifetime)
}

// Burn revokes a minted token early through POST /_/oidc/burn-token with
// {"token": "<token>"} (pypi/warehouse#20197, 2026; uv calls it after its
// uploads too). It is best effort: PyPI answers 202 whatever happens, and an
// index without the endpoint answers 404. The returned error is for a debug
// line only and must not fail the job. It never contains the token nor the
// response body (which could echo it). No retries.
func (e *Exchanger) Burn(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	body, err := json.Marshal(map[string]string{"token": token})
	if err != nil {
		return fmt.Errorf("failed to encode burn request: %w", err)
	}
	scrub := e.scrubFor(token)
	resp, err := e.do(ctx, http.MethodPost, e.base+"/_/oidc/burn-token", body)
	if err != nil {
		return fmt.Errorf("failed to burn token on %s: %s", e.host, scrub(transportError(err)))
	}
	switch {
	case resp.status == http.StatusAccepted || resp.status == http.StatusOK:
		e.o.logf("Asked %s to revoke the minted token (%s)", e.host, resp.text)
		return nil
	case resp.status == http.StatusNotFound || resp.status == http.StatusMethodNotAllowed:
		return fmt.Errorf("failed to burn token on %s: the index does not offer /_/oidc/burn-token (%s); the token will simply expire", e.host, resp.text)
	}
	return fmt.Errorf("failed to burn token on %s: %s; the token will simply expire", e.host, resp.text)
}

// Source supplies upload credentials from minted tokens and re-mints them
// before they expire. It implements publish.Credentials and
// publish.Refresher. It is safe for concurrent use.
type Source struct {
	e      *Exchanger
	mu     sync.Mutex
	tok    *Token
	minted []string // every token handed out, for BurnAll
}

// Source returns a Source that starts with t (which may be nil: the first
// Credentials call then mints).
func (e *Exchanger) Source(t *Token) *Source {
	s := &Source{e: e, tok: t}
	if t != nil {
		s.minted = append(s.minted, t.Value)
	}
	return s
}

// Credentials returns "__token__" and a token with at least 3 minutes left,
// re-minting with a fresh ID token first when needed (TP-16). Where the
// platform has no fresh ID token (GitLab), the token is used until it
// expires and then fails with TP-20. Errors are [*Error] from Mint.
func (s *Source) Credentials(ctx context.Context) (user, password string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil {
		left := s.tok.Expires.Sub(s.e.o.now())
		if left >= remintBefore {
			return "__token__", s.tok.Value, nil
		}
		if !s.e.o.source.Fresh() {
			if left > 0 {
				s.e.o.logf("The PyPI token expires in %d seconds; %s has no fresh ID token to renew it, so it is used until then", int(left.Seconds()), s.e.o.source.Platform())
				return "__token__", s.tok.Value, nil
			}
			return "", "", s.e.noRenewal(s.tok)
		}
		s.e.o.logf("The PyPI token expires in %d seconds; minting a new one", int(left.Seconds()))
	}
	if err := s.remint(ctx); err != nil {
		return "", "", err
	}
	return "__token__", s.tok.Value, nil
}

// Refresh mints a new token unconditionally (the caller got "403 Invalid API
// Token: token is expired", UP-09).
func (s *Source) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && !s.e.o.source.Fresh() {
		return s.e.noRenewal(s.tok)
	}
	s.e.o.logf("Minting a new PyPI token because the index reported the current one as expired")
	return s.remint(ctx)
}

func (s *Source) remint(ctx context.Context) error {
	t, err := s.e.Mint(ctx)
	if err != nil {
		return err
	}
	s.tok = t
	s.minted = append(s.minted, t.Value)
	return nil
}

// Token returns the current token, or nil before the first mint.
func (s *Source) Token() *Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok
}

// BurnAll asks the index to revoke every token this Source handed out (see
// [Exchanger.Burn]); best effort, for a debug line only.
func (s *Source) BurnAll(ctx context.Context) error {
	s.mu.Lock()
	toks := append([]string(nil), s.minted...)
	s.mu.Unlock()
	var errs []error
	for _, t := range toks {
		if err := s.e.Burn(ctx, t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// scrubber returns a function that removes secret and its wire forms
// (internal/secret) from text a server sent back.
func scrubber(s string) func(string) string {
	var set secret.Set
	set.Add(s)
	return set.Scrub
}

// scrubFor is scrubber(s) followed by whatever WithScrub removes.
func (e *Exchanger) scrubFor(s string) func(string) string {
	f := scrubber(s)
	return func(text string) string { return e.o.scrub(f(text)) }
}

// jsonMessage returns the "message" string of a JSON body, or "".
func jsonMessage(b []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	return m.Message
}

// bodyExcerpt returns the start of a body as one line.
func bodyExcerpt(b []byte) string {
	return oneLine(strings.ToValidUTF8(string(b), "?"), 300)
}

func colonIf(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// quoteMD renders a server text as a Markdown quote line, or "".
func quoteMD(s string) string {
	if s == "" {
		return ""
	}
	return "\n\n> " + mdEscape(oneLine(s, 1000))
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func cellOrUnknown(s string) string {
	if s == "" {
		return "(unknown: the claim is missing)"
	}
	return mdCode(s)
}

// printable reports whether s has no spaces or control characters.
func printable(s string) bool {
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// Bounds of a minted token ([tokenProblem]). Warehouse's tokens are
// "pypi-" and a base64 macaroon of a few hundred characters.
const (
	minTokenLen = 32
	maxTokenLen = 8192
)

// tokenProblem says why a minted token cannot be used, or "": it must be
// a string that looks like a PyPI API token, the "pypi-" prefix and
// 32 to 8192 printable ASCII characters without spaces. Anything else
// (a token "p" would mask every "p" of the log) is refused before it is
// masked or used, and never shown.
func tokenProblem(tok *string) string {
	switch {
	case tok == nil || *tok == "":
		return "is missing or empty"
	case !strings.HasPrefix(*tok, "pypi-"):
		return "does not start with pypi-"
	case len(*tok) < minTokenLen || len(*tok) > maxTokenLen:
		return fmt.Sprintf("has %d characters, not %d to %d", len(*tok), minTokenLen, maxTokenLen)
	}
	for _, r := range *tok {
		if r <= ' ' || r >= 0x7f {
			return "has spaces, control or non-ASCII characters"
		}
	}
	return ""
}
