// Package hostile is a hostile package index and a hostile GitHub token
// service for tests (docs/security.md): an index that echoes credentials,
// injects workflow commands and Markdown, trickles or withholds its
// answers, sends huge bodies, redirects to another host, answers malformed
// JSON, and a token service and mint endpoint that misbehave the same way.
//
// It is built on the strict fakes: every endpoint behaves exactly like
// publishtest (upload, simple API) or oidctest (audience, mint-token,
// burn-token, GitHub's token service) until a [Mode] is set for it. The
// server records every request, with the credentials it carried, so tests
// can assert what reached it and what reached the other host. Requests to
// paths it does not serve are answered 404 and listed by Unexpected.
//
// Only tests import it (the end-to-end tests in test/ and the in-process
// tests of internal/action).
package hostile

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// Endpoint names what a Mode applies to.
type Endpoint string

// The endpoints.
const (
	Upload   Endpoint = "upload"   // POST /legacy/
	Simple   Endpoint = "simple"   // GET /simple/<project>/
	Audience Endpoint = "audience" // GET /_/oidc/audience
	Mint     Endpoint = "mint"     // POST /_/oidc/mint-token
	Burn     Endpoint = "burn"     // POST /_/oidc/burn-token
	Token    Endpoint = "token"    // GitHub's token service (ACTIONS_ID_TOKEN_REQUEST_URL)
)

// Attack is what an endpoint does instead of its normal answer.
type Attack int

// The attacks. Echo attacks repeat every secret the request carried (the
// Authorization header as sent and decoded, the password, the JWT of a mint
// request, the request token of a token request).
const (
	// Pass answers normally.
	Pass Attack = iota
	// EchoJSON answers Status (default 400) with the secrets in a JSON
	// "message" (and, for mint, in an errors list's description).
	EchoJSON
	// EchoText answers Status (default 400) with the secrets as plain
	// text.
	EchoText
	// EchoHTML answers Status (default 400) with the secrets in an HTML
	// page (title, heading and body).
	EchoHTML
	// EchoReason answers Status (default 400) with the secrets in the
	// reason phrase of the status line.
	EchoReason
	// Inject answers Status (default 200 for an upload, 400 otherwise)
	// with workflow commands and Markdown in the body and the reason
	// phrase ([Injection], [InjectionReason]).
	Inject
	// InjectBody is Inject with the standard reason phrase, so clients
	// quote the body.
	InjectBody
	// Trickle answers 200 and sends its body one byte every Interval
	// (default 50 ms), never finishing.
	Trickle
	// Hang reads the request and never answers.
	Hang
	// Huge answers 200 with a body of Size bytes (default 1 GiB) of
	// simple-API entries (or filler), generated as it is sent.
	Huge
	// Redirect answers Status (default 307) with a Location on the other
	// host (OtherURL), same path.
	Redirect
	// Malformed answers Status (default 200) with a JSON content type and
	// a body that is not JSON.
	Malformed
	// BadToken (mint) answers success with Value as the token; (token
	// service) answers Value as the GitHub token.
	BadToken
	// Delay (upload) reads and stores the file like Pass, then waits
	// Interval before answering: a slow index.
	Delay
)

// Mode is an endpoint's behaviour.
type Mode struct {
	Attack   Attack
	Status   int           // answer status where the attack has one
	Value    string        // BadToken's token
	Interval time.Duration // Trickle's pace, Delay's wait
	Size     int64         // Huge's body size
}

// Injection is what Inject sends: commands the runner would obey if they
// reached the log as lines, in both syntaxes, and Markdown and HTML that
// would add content to the step summary.
const Injection = "OK\n::add-mask::OK\n::error title=Pwned::injected by the index\n::stop-commands::zzz\n" +
	"##[warning]old syntax\n# You have been pwned\n<img src=https://evil.example/x.png>\n<script>alert(1)</script>\n" +
	"[log in again](https://evil.example/login)\n```\nbreak out of the fence\n````"

// InjectionReason is Inject's reason phrase (a status line has one line).
const InjectionReason = "Bad ::error title=Pwned::reason ##[error]v1 <b>bold</b> [x](https://evil.example)"

// Request is one request the servers received.
type Request struct {
	Endpoint      Endpoint // "" for an unexpected path; "other" on the other host
	Method, Path  string
	Authorization string
}

// Server is the hostile index, token service and other host.
type Server struct {
	// Index is the strict fake behind the upload and simple endpoints;
	// OIDC the fake trusted-publishing endpoints; GitHub the fake token
	// service.
	Index  *publishtest.Server
	OIDC   *oidctest.Index
	GitHub *oidctest.GitHub

	srv, gh, other *httptest.Server
	done           chan struct{}

	mu       sync.Mutex
	modes    map[Endpoint]Mode
	requests []Request
}

// Options configure New.
type Options struct {
	// Publishtest and Index are passed to the fakes (WithMode,
	// WithPublishers, …). Upload authentication defaults to the OIDC
	// fake's minted tokens or any "pypi-" password.
	Publishtest []publishtest.Option
	Index       []oidctest.IndexOption
	GitHub      []oidctest.GitHubOption
	// Modes are the endpoints' initial modes.
	Modes map[Endpoint]Mode
}

// New starts the servers; they stop when tb ends.
func New(tb testing.TB, o Options) *Server {
	tb.Helper()
	s := &Server{modes: map[Endpoint]Mode{}, done: make(chan struct{})}
	for ep, m := range o.Modes {
		s.modes[ep] = m
	}
	s.OIDC = oidctest.NewIndex(o.Index...)
	// Uploads take a token the OIDC fake minted (unless it expired) or
	// any other "pypi-" password (an API token).
	auth := func(_, password string) error {
		err := s.OIDC.Validate(password)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, oidctest.ErrTokenExpired):
			return publishtest.Refusal(err.Error())
		case !strings.HasPrefix(password, "pypi-"):
			return publishtest.Refusal(publishtest.MsgInvalidAuth)
		}
		return nil
	}
	pt := append([]publishtest.Option{publishtest.WithAuth(auth)}, o.Publishtest...)
	s.Index = publishtest.New(append(pt, publishtest.WithStart(false), publishtest.WithHandler("/_/oidc/", s.OIDC))...)
	s.GitHub = oidctest.StartGitHub(o.GitHub...)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveIndex))
	s.gh = httptest.NewServer(http.HandlerFunc(s.serveToken))
	s.other = httptest.NewServer(http.HandlerFunc(s.serveOther))
	tb.Cleanup(func() {
		close(s.done)
		s.srv.Close()
		s.gh.Close()
		s.other.Close()
		s.GitHub.Close()
	})
	return s
}

// Set changes an endpoint's mode.
func (s *Server) Set(ep Endpoint, m Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modes[ep] = m
}

func (s *Server) mode(ep Endpoint) Mode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modes[ep]
}

// URL is the index's base URL; UploadURL and SimpleURL its endpoints.
func (s *Server) URL() string { return s.srv.URL }

// UploadURL is URL() + "/legacy/".
func (s *Server) UploadURL() string { return s.srv.URL + "/legacy/" }

// SimpleURL is URL() + "/simple/".
func (s *Server) SimpleURL() string { return s.srv.URL + "/simple/" }

// TokenURL is the token service's URL (ACTIONS_ID_TOKEN_REQUEST_URL).
func (s *Server) TokenURL() string { return s.gh.URL + "/_apis/distributedtask/token?api-version=2.0" }

// OtherURL is the other host's base URL, where Redirect sends clients.
func (s *Server) OtherURL() string { return s.other.URL }

// Requests returns every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests ep received.
func (s *Server) Count(ep Endpoint) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint == ep {
			n++
		}
	}
	return n
}

// Unexpected returns the requests to paths no endpoint serves.
func (s *Server) Unexpected() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Endpoint == "" {
			out = append(out, r)
		}
	}
	return out
}

// OtherRequests returns the requests the other host received.
func (s *Server) OtherRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Endpoint == "other" {
			out = append(out, r)
		}
	}
	return out
}

// Secrets returns every secret the servers handed out or received: the
// request token, every GitHub token issued and every token minted.
func (s *Server) Secrets() []string {
	out := append([]string{s.GitHub.RequestToken()}, s.GitHub.Issued()...)
	return append(out, s.OIDC.Tokens()...)
}

func (s *Server) record(ep Endpoint, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Endpoint: ep, Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization")})
}

// endpoint names the endpoint of an index request ("" for none).
func endpoint(r *http.Request) Endpoint {
	switch p := r.URL.Path; {
	case p == "/legacy/" || p == "/legacy":
		return Upload
	case strings.HasPrefix(p, "/simple/"), strings.HasPrefix(p, "/files/"):
		return Simple
	case p == "/_/oidc/audience":
		return Audience
	case p == "/_/oidc/mint-token":
		return Mint
	case p == "/_/oidc/burn-token":
		return Burn
	}
	return ""
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	ep := endpoint(r)
	s.record(ep, r)
	if ep == "" {
		http.NotFound(w, r)
		return
	}
	m := s.mode(ep)
	if m.Attack == Pass {
		s.Index.Handler().ServeHTTP(w, r)
		return
	}
	s.attack(w, r, ep, m)
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.record(Token, r)
	m := s.mode(Token)
	if m.Attack == Pass {
		s.GitHub.ServeHTTP(w, r)
		return
	}
	s.attack(w, r, Token, m)
}

func (s *Server) serveOther(w http.ResponseWriter, r *http.Request) {
	s.record("other", r)
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte("the other host"))
}
