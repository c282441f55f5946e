package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Google's endpoints. The metadata server answers only on the machine's
// own network, over plain http, and only to requests that carry
// "Metadata-Flavor: Google".
const (
	DefaultMetadataURL = "http://metadata.google.internal"
	DefaultIAMURL      = "https://iamcredentials.googleapis.com"
	metadataSA         = "/computeMetadata/v1/instance/service-accounts/default/"
	cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
)

// GoogleSource gets ID tokens on Google Cloud: straight from the metadata
// server for the machine's default service account, or, with a service
// account name (GOOGLE_SERVICE_ACCOUNT_NAME), from IAM Credentials'
// generateIdToken for that account, authorized with the default account's
// access token from the metadata server. Every call gets a new token.
type GoogleSource struct {
	env GoogleEnv
	o   *sourceOptions
}

var _ TokenSource = (*GoogleSource)(nil)

// NewGoogleSource returns the source for env (MetadataURL and IAMURL
// default to [DefaultMetadataURL] and [DefaultIAMURL]). It does no I/O.
func NewGoogleSource(env GoogleEnv, opts ...SourceOption) *GoogleSource {
	return newGoogleSource(env, makeSourceOptions(opts))
}

func newGoogleSource(env GoogleEnv, o *sourceOptions) *GoogleSource {
	if env.MetadataURL == "" {
		env.MetadataURL = DefaultMetadataURL
	}
	if env.IAMURL == "" {
		env.IAMURL = DefaultIAMURL
	}
	env.MetadataURL = strings.TrimRight(env.MetadataURL, "/")
	env.IAMURL = strings.TrimRight(env.IAMURL, "/")
	return &GoogleSource{env: env, o: o}
}

// metadataClient is the default client for the metadata server: no proxy
// (the server is link-local), quick to give up.
func metadataClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           (&net.Dialer{Timeout: 3 * time.Second}).DialContext,
			ResponseHeaderTimeout: metadataTimeout,
			MaxIdleConns:          2,
		},
		Timeout:       metadataTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Platform returns GoogleCloud.
func (s *GoogleSource) Platform() Platform { return GoogleCloud }

// Fresh returns true.
func (s *GoogleSource) Fresh() bool { return true }

// Origin names the metadata server, and IAM Credentials with impersonation.
func (s *GoogleSource) Origin(string) string {
	if s.env.ServiceAccount != "" {
		return fmt.Sprintf("IAM Credentials' generateIdToken for %s (GOOGLE_SERVICE_ACCOUNT_NAME), authorized by the metadata server at %s", s.env.ServiceAccount, s.env.MetadataURL)
	}
	return "the metadata server at " + s.env.MetadataURL + " (the machine's default service account)"
}

// IDToken gets a token for audience with the e-mail of the service
// account in it (PyPI's Google publisher and Fulcio both need it). Each
// request has its own deadline (10 s to the metadata server, 30 s to IAM)
// and its answer is bounded to 64 KiB. Errors are TP-19.
func (s *GoogleSource) IDToken(ctx context.Context, audience string) (string, error) {
	if s.env.ServiceAccount != "" {
		return s.impersonate(ctx, audience)
	}
	q := url.Values{"audience": {audience}, "format": {"full"}}
	u := s.env.MetadataURL + metadataSA + "identity?" + q.Encode()
	b, err := s.metadataGet(ctx, u)
	if err != nil {
		return "", s.fail("identity", u, err)
	}
	tok := strings.TrimSpace(string(b))
	if _, cerr := DecodeClaims(tok); cerr != nil {
		return "", s.fail("identity", u, errors.New("the answer is not a JWT"))
	}
	return tok, nil
}

// googleError is a failed Google request: what answered, and how.
type googleError struct {
	status int // 0 when nothing answered
	text   string
}

func (e *googleError) Error() string { return e.text }

// metadataGet sends one GET to the metadata server and returns the body of
// a 200 answer that says it comes from a metadata server.
func (s *GoogleSource) metadataGet(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &googleError{text: err.Error()}
	}
	req.Header.Set("Metadata-Flavor", "Google")
	req.Header.Set("User-Agent", s.o.userAgent)
	resp, err := s.o.metadata.Do(req)
	if err != nil {
		return nil, &googleError{text: transportError(err)}
	}
	defer resp.Body.Close()
	b, err := readBounded(resp, maxIDTokenAnswer)
	if err != nil {
		return nil, &googleError{status: resp.StatusCode, text: resp.Status + ": " + err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &googleError{status: resp.StatusCode, text: resp.Status + colonIf(bodyExcerpt(b))}
	}
	if resp.Header.Get("Metadata-Flavor") != "Google" {
		return nil, &googleError{status: resp.StatusCode, text: resp.Status + " without the header Metadata-Flavor: Google, so the answer is not from a metadata server"}
	}
	return b, nil
}

// impersonate gets the default account's access token, then an ID token
// for the named account from IAM Credentials.
func (s *GoogleSource) impersonate(ctx context.Context, audience string) (string, error) {
	tu := s.env.MetadataURL + metadataSA + "token?" + url.Values{"scopes": {cloudPlatformScope}}.Encode()
	b, err := s.metadataGet(ctx, tu)
	if err != nil {
		return "", s.fail("access token", tu, err)
	}
	var at struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(b, &at) != nil || at.AccessToken == "" || !printable(at.AccessToken) {
		return "", s.fail("access token", tu, errors.New("the answer has no usable access_token"))
	}
	s.o.mask(at.AccessToken)
	scrub := scrubber(at.AccessToken)
	iu := s.env.IAMURL + "/v1/projects/-/serviceAccounts/" + url.PathEscape(s.env.ServiceAccount) + ":generateIdToken"
	body, _ := json.Marshal(map[string]any{"audience": audience, "includeEmail": true}) // plain values always marshal
	ctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, iu, bytes.NewReader(body))
	if err != nil {
		return "", s.fail("generateIdToken", iu, &googleError{text: err.Error()})
	}
	req.Header.Set("Authorization", "Bearer "+at.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.o.userAgent)
	resp, err := s.o.client.Do(req)
	if err != nil {
		return "", s.fail("generateIdToken", iu, &googleError{text: scrub(transportError(err))})
	}
	defer resp.Body.Close()
	rb, err := readBounded(resp, maxIDTokenAnswer)
	switch {
	case err != nil:
		return "", s.fail("generateIdToken", iu, &googleError{status: resp.StatusCode, text: resp.Status + ": " + err.Error()})
	case resp.StatusCode != http.StatusOK:
		return "", s.fail("generateIdToken", iu, &googleError{status: resp.StatusCode, text: resp.Status + colonIf(googleMessage([]byte(scrub(string(rb)))))})
	}
	var it struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(rb, &it) != nil || strings.TrimSpace(it.Token) == "" {
		return "", s.fail("generateIdToken", iu, errors.New("the answer has no token"))
	}
	return strings.TrimSpace(it.Token), nil
}

// googleMessage returns error.message of a Google API error body, or an
// excerpt of the body.
func googleMessage(b []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
		return oneLine(e.Error.Message, 300)
	}
	return bodyExcerpt(b)
}

// fail is TP-19: step ("identity", "access token", "generateIdToken")
// failed at u.
func (s *GoogleSource) fail(step, u string, err error) *Error {
	status := 0
	var ge *googleError
	if errors.As(err, &ge) {
		status = ge.status
	}
	cause := oneLine(err.Error(), 400)
	method := http.MethodGet
	if step == "generateIdToken" {
		method = http.MethodPost
	}
	msg := fmt.Sprintf("Google Cloud: could not get an ID token: the %s request to %s failed: %s.", step, redactQuery(u), cause)
	hint, fix := s.advice(step, status)
	return &Error{
		ID:      IDGoogleToken,
		Message: msg,
		Hint:    hint,
		Details: section(IDGoogleToken, "Google Cloud ID token request failed",
			fmt.Sprintf("Tokens come from %s. The %s request `%s %s` failed: %s", mdEscape(s.Origin("")), step, method, redactQuery(u), mdCode(cause)),
			fix),
		Err: err,
	}
}

// advice returns the hint and the summary's fix for a failed step.
func (s *GoogleSource) advice(step string, status int) (hint, fix string) {
	switch {
	case step == "generateIdToken" && status == http.StatusForbidden:
		hint = fmt.Sprintf("The machine's default service account may not make ID tokens for %s: grant it roles/iam.serviceAccountOpenIdTokenCreator (permission iam.serviceAccounts.getOpenIdToken) on that account.", s.env.ServiceAccount)
	case step == "generateIdToken" && status == http.StatusNotFound:
		hint = fmt.Sprintf("IAM does not know the service account %q: GOOGLE_SERVICE_ACCOUNT_NAME must be its e-mail address or unique ID.", s.env.ServiceAccount)
	case step == "identity" && status == http.StatusNotFound:
		hint = "This metadata server does not make ID tokens (older Cloud Build workers did not): set GOOGLE_SERVICE_ACCOUNT_NAME to the service account's e-mail to get them through IAM Credentials."
	case status == 0:
		hint = "The metadata server could not be reached: trusted publishing from Google Cloud works only on Google Cloud (Cloud Build, Compute Engine, Cloud Run, GKE). Elsewhere, use an API token."
	default:
		hint = "Re-run; if it persists, check the service account's permissions and the project's IAM Credentials API."
	}
	fix = hint + " The publisher on PyPI names the service account's e-mail address; see docs/other-ci.md."
	return hint, fix
}

// redactQuery drops a URL's query for messages (it holds nothing secret
// here, but the habit keeps it that way).
func redactQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// GooglePublisher holds the values of PyPI's "add a Google trusted
// publisher" form that would match a token with the given claims.
type GooglePublisher struct {
	Email   string // the service account's e-mail (claim email)
	Subject string // its unique ID (claim sub), optional on PyPI
}

// GooglePublisherFor derives the form values from a Google token's claims.
func GooglePublisherFor(c Claims) GooglePublisher {
	var p GooglePublisher
	if c.has("email") {
		p.Email = c.String("email")
	}
	if c.has("sub") {
		p.Subject = c.String("sub")
	}
	return p
}

// SettingsURL returns the project's trusted-publisher settings page on the
// index at base, with the Google form pre-filled from p; "" when base or
// project is "".
func (p GooglePublisher) SettingsURL(base, project string) string {
	if base == "" || project == "" {
		return ""
	}
	return fmt.Sprintf("%s/manage/project/%s/settings/publishing/?provider=google&email=%s&sub=%s",
		base, url.PathEscape(project), url.QueryEscape(p.Email), url.QueryEscape(p.Subject))
}
