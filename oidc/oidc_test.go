package oidc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
)

// clock is a settable clock shared by the fakes and the exchanger.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// recorder records Mask, Logf and Warnf calls in order.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) { r.mu.Lock(); r.events = append(r.events, s); r.mu.Unlock() }

func (r *recorder) Mask(s string) { r.add("mask:" + s) }

func (r *recorder) Logf(format string, args ...any) { r.add("log:" + fmt.Sprintf(format, args...)) }

func (r *recorder) Warnf(format string, args ...any) { r.add("warn:" + fmt.Sprintf(format, args...)) }

func (r *recorder) Events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// env is one test's fakes and exchanger.
type env struct {
	gh    *oidctest.GitHub
	idx   *oidctest.Index
	srv   *httptest.Server
	clock *clock
	rec   *recorder
	ex    *oidc.Exchanger
}

var testBackoff = retry.Backoff{Attempts: 4, Min: time.Millisecond, Max: time.Millisecond}

// defaultPublisher matches oidctest.DefaultClaims.
var defaultPublisher = oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"}

type setup struct {
	claims    map[string]any
	ghOpts    []oidctest.GitHubOption
	idxOpts   []oidctest.IndexOption
	exOpts    []oidc.Option
	noDefault bool // no publisher
	idToken   func(context.Context, string) (string, error)
}

func newEnv(t *testing.T, s setup) *env {
	t.Helper()
	c := newClock()
	ghOpts := append([]oidctest.GitHubOption{oidctest.WithGitHubClock(c.Now), oidctest.WithClaims(s.claims)}, s.ghOpts...)
	gh := oidctest.NewGitHub(t, ghOpts...)
	idxOpts := []oidctest.IndexOption{oidctest.WithIndexClock(c.Now)}
	if !s.noDefault {
		idxOpts = append(idxOpts, oidctest.WithPublishers(defaultPublisher))
	}
	idx := oidctest.NewIndex(append(idxOpts, s.idxOpts...)...)
	mux := http.NewServeMux()
	mux.Handle("/_/oidc/", idx)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	rec := &recorder{}
	idTok := s.idToken
	if idTok == nil {
		idTok = gh.IDToken
	}
	opts := append([]oidc.Option{
		oidc.WithIDToken(idTok),
		oidc.WithLogf(rec.Logf),
		oidc.WithWarnf(rec.Warnf),
		oidc.WithMask(rec.Mask),
		oidc.WithClock(c.Now),
		oidc.WithRetry(testBackoff),
		oidc.WithHTTPClient(srv.Client()),
	}, s.exOpts...)
	ex, err := oidc.New(srv.URL+"/legacy/", append(opts, oidc.WithPlainHTTP(true))...)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return &env{gh: gh, idx: idx, srv: srv, clock: c, rec: rec, ex: ex}
}

// secrets returns every secret the test env produced.
func (e *env) secrets() []string {
	s := append(e.gh.Issued(), e.gh.RequestToken())
	return append(s, e.idx.Tokens()...)
}

// assertNoLeak fails if any secret appears in the recorded log lines or in
// err's texts. Mask events are allowed to carry the minted token.
func (e *env) assertNoLeak(t *testing.T, err error) {
	t.Helper()
	var texts []string
	for _, ev := range e.rec.Events() {
		if !strings.HasPrefix(ev, "mask:") {
			texts = append(texts, ev)
		}
	}
	if err != nil {
		texts = append(texts, err.Error())
		var oe *oidc.Error
		if errors.As(err, &oe) {
			texts = append(texts, oe.Message, oe.Hint, oe.Details)
		}
	}
	for _, sec := range e.secrets() {
		for _, part := range append([]string{sec}, strings.Split(sec, ".")...) {
			if len(part) < 16 {
				continue
			}
			for _, txt := range texts {
				if strings.Contains(txt, part) {
					t.Errorf("secret %.8s… leaked in %q", part, txt)
				}
			}
		}
	}
}

func TestMint_Success(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	tok, err := e.ex.Mint(context.Background())
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	if !strings.HasPrefix(tok.Value, "pypi-") {
		t.Errorf("Mint() token = %.5q…, want a pypi- token", tok.Value)
	}
	if err := e.idx.Validate(tok.Value); err != nil {
		t.Errorf("index Validate(minted) = %v, want nil", err)
	}
	if got, want := tok.Expires, e.clock.Now().Add(15*time.Minute); !got.Equal(want) {
		t.Errorf("Mint() Expires = %v, want %v", got, want)
	}
	if got := tok.Claims.String("repository"); got != "octo-org/octo-repo" {
		t.Errorf("Mint() Claims repository = %q, want octo-org/octo-repo", got)
	}
	if got := e.idx.Mints(); got != 1 {
		t.Errorf("index Mints() = %d, want 1", got)
	}
	if strings.Contains(fmt.Sprint(tok), tok.Value) || strings.Contains(fmt.Sprintf("%#v", tok), tok.Value) {
		t.Errorf("formatting a Token reveals its value")
	}
	e.assertNoLeak(t, nil)
}

// TP-15 and C4: the token is masked before any line mentions the mint.
func TestMint_MaskBeforeLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	tok, err := e.ex.Mint(context.Background())
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	events := e.rec.Events()
	maskAt, mintLogAt := -1, -1
	for i, ev := range events {
		if ev == "mask:"+tok.Value && maskAt < 0 {
			maskAt = i
		}
		if strings.HasPrefix(ev, "log:Minted") && mintLogAt < 0 {
			mintLogAt = i
		}
	}
	if maskAt < 0 || mintLogAt < 0 || maskAt > mintLogAt {
		t.Errorf("events = %q; want mask of the token (at %d) before the mint log line (at %d)", events, maskAt, mintLogAt)
	}
	var masks int
	for _, ev := range events {
		if strings.HasPrefix(ev, "mask:") {
			masks++
		}
	}
	if masks != 1 {
		t.Errorf("Mask called %d times, want 1", masks)
	}
}

func TestMint_ExpiresFallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	e.idx.SetOmitExpires(true)
	tok, err := e.ex.Mint(context.Background())
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	if got, want := tok.Expires, e.clock.Now().Add(900*time.Second); !got.Equal(want) {
		t.Errorf("Mint() Expires = %v, want now+900s %v", got, want)
	}
}

func TestMint_ExpiresImplausible(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body func(now time.Time) string
	}{
		{name: "in_the_past", body: func(now time.Time) string {
			return fmt.Sprintf(`{"success":true,"token":"pypi-x1-a-token-long-enough-to-be-a-token","expires":%d}`, now.Add(-time.Hour).Unix())
		}},
		{name: "days_ahead", body: func(now time.Time) string {
			return fmt.Sprintf(`{"success":true,"token":"pypi-x1-a-token-long-enough-to-be-a-token","expires":%d}`, now.Add(72*time.Hour).Unix())
		}},
		{name: "not_a_number", body: func(time.Time) string {
			return `{"success":true,"token":"pypi-x1-a-token-long-enough-to-be-a-token","expires":"soon"}`
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			e.idx.FailNext("mint-token", 1, 200, tc.body(e.clock.Now()))
			tok, err := e.ex.Mint(context.Background())
			if err != nil {
				t.Fatalf("Mint() error = %v", err)
			}
			if got, want := tok.Expires, e.clock.Now().Add(900*time.Second); !got.Equal(want) {
				t.Errorf("Mint() Expires = %v, want now+900s %v", got, want)
			}
		})
	}
}

func TestMint_Retries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		script      func(e *env)
		wantAud     int
		wantMintReq int
		wantJWTs    int
	}{
		{
			name:        "audience_503_twice",
			script:      func(e *env) { e.idx.FailNext("audience", 2, 503, "<html>Service Unavailable</html>") },
			wantAud:     3,
			wantMintReq: 1,
			wantJWTs:    1,
		},
		{
			name:        "audience_connection_dropped",
			script:      func(e *env) { e.idx.FailNext("audience", 1, 0, "") },
			wantAud:     2,
			wantMintReq: 1,
			wantJWTs:    1,
		},
		{
			name:        "audience_429",
			script:      func(e *env) { e.idx.FailNext("audience", 1, 429, `{"message":"slow down"}`) },
			wantAud:     2,
			wantMintReq: 1,
			wantJWTs:    1,
		},
		{
			name:        "mint_502_then_fresh_jwt",
			script:      func(e *env) { e.idx.FailNext("mint-token", 1, 502, "bad gateway") },
			wantAud:     1,
			wantMintReq: 2,
			wantJWTs:    2,
		},
		{
			name:        "mint_connection_dropped_three_times",
			script:      func(e *env) { e.idx.FailNext("mint-token", 3, 0, "") },
			wantAud:     1,
			wantMintReq: 4,
			wantJWTs:    4,
		},
		{
			// TP-14: one immediate retry with a fresh JWT.
			name: "reuse_token_once",
			script: func(e *env) {
				e.idx.FailNext("mint-token", 1, 422, `{"message":"Token request failed","errors":[{"code":"invalid-reuse-token","description":"invalid token: already used"}]}`)
			},
			wantAud:     1,
			wantMintReq: 2,
			wantJWTs:    2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			tc.script(e)
			if _, err := e.ex.Mint(context.Background()); err != nil {
				t.Fatalf("Mint() error = %v", err)
			}
			got := []int{e.idx.Requests("audience"), e.idx.Requests("mint-token"), len(e.gh.Issued())}
			want := []int{tc.wantAud, tc.wantMintReq, tc.wantJWTs}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("requests [audience, mint, JWTs] mismatch (-want +got):\n%s", diff)
			}
			// Every JWT must differ (single use).
			seen := map[string]bool{}
			for _, j := range e.gh.Issued() {
				if seen[j] {
					t.Errorf("a JWT was used twice")
				}
				seen[j] = true
			}
			e.assertNoLeak(t, nil)
		})
	}
}

// failure describes the *oidc.Error a case expects.
type failure struct {
	ID       string
	Codes    []string
	Message  []string // substrings of Message
	Hint     []string // substrings of Hint
	Details  []string // substrings of Details
	NotConf  bool     // errors.Is(err, oidc.ErrNotConfigured)
	Attempts int      // mint requests; 0 derives it from ID
}

func TestMint_Failures(t *testing.T) {
	t.Parallel()
	reuse := `{"message":"Token request failed","errors":[{"code":"invalid-reuse-token","description":"invalid token: already used"}]}`
	cases := []struct {
		name   string
		setup  setup
		script func(e *env)
		want   failure
	}{
		{
			name:   "TP-06_audience_403",
			script: func(e *env) { e.idx.SetDisabled(true) },
			want: failure{ID: "TP-06", Message: []string{"disabled", "Trusted publishing functionality not enabled"},
				Hint: []string{"API token"}},
		},
		{
			name:   "TP-07_audience_404",
			script: func(e *env) { e.idx.SetUnsupported(true) },
			want:   failure{ID: "TP-07", Message: []string{"does not offer trusted publishing", "404"}, Hint: []string{"repository-url"}},
		},
		{
			name:   "TP-08_audience_500_after_retries",
			script: func(e *env) { e.idx.FailNext("audience", 4, 500, "oops") },
			want:   failure{ID: "TP-08", Message: []string{"500", "oops"}, Attempts: 0},
		},
		{
			name:   "TP-08_audience_418",
			script: func(e *env) { e.idx.FailNext("audience", 1, 418, "teapot") },
			want:   failure{ID: "TP-08", Message: []string{"418"}, Attempts: 0},
		},
		{
			name:   "TP-08_audience_not_json",
			script: func(e *env) { e.idx.FailNext("audience", 1, 200, "<html>hi</html>") },
			want:   failure{ID: "TP-08", Message: []string{"not JSON"}},
		},
		{
			name:   "TP-08_audience_no_key",
			script: func(e *env) { e.idx.FailNext("audience", 1, 200, `{"aud":"pypi"}`) },
			want:   failure{ID: "TP-08", Message: []string{`"audience"`}},
		},
		{
			name:   "TP-08_audience_not_a_string",
			script: func(e *env) { e.idx.FailNext("audience", 1, 200, `{"audience":5}`) },
			want:   failure{ID: "TP-08", Message: []string{`JSON without an "audience" string`}},
		},
		{
			name:   "TP-08_network_error",
			script: func(e *env) { e.idx.FailNext("audience", 4, 0, "") },
			want:   failure{ID: "TP-08", Message: []string{"failed before an answer arrived"}, Hint: []string{"reach"}},
		},
		{
			name:   "TP-09_github_token_500",
			script: func(e *env) { e.gh.FailNext(1, 500, "github is down") },
			want:   failure{ID: "TP-09", Message: []string{"github is down"}, Hint: []string{"re-run"}, Attempts: 0},
		},
		{
			name:  "TP-09_github_token_unauthorized",
			setup: setup{idToken: func(ctx context.Context, aud string) (string, error) { return "", errors.New("401 Unauthorized") }},
			want:  failure{ID: "TP-09", Message: []string{"401"}, Attempts: 0},
		},
		{
			name:  "TP-09_github_token_empty",
			setup: setup{idToken: func(ctx context.Context, aud string) (string, error) { return " ", nil }},
			want:  failure{ID: "TP-09", Attempts: 0},
		},
		{
			name:  "TP-10_no_publisher",
			setup: setup{noDefault: true, exOpts: []oidc.Option{oidc.WithProjects("sampleproject")}},
			want: failure{ID: "TP-10", Codes: []string{"invalid-publisher"}, NotConf: true,
				Message: []string{"`invalid-publisher`: valid token, but no corresponding publisher (Publisher with matching claims was not found)"},
				Hint:    []string{`owner "octo-org"`, `repository "octo-repo"`, `workflow "release.yml"`, `environment "pypi"`},
				Details: []string{
					"| `sub` | `repo:octo-org/octo-repo:environment:pypi` |",
					"| `repository_owner_id` | `1342004` |",
					"| `job_workflow_ref` | `octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0` |",
					"| Owner | `octo-org` |", "| Repository name | `octo-repo` |", "| Workflow name | `release.yml` |", "| Environment name | `pypi` |",
					oidc.TroubleshootingURL,
				},
				Attempts: 1},
		},
		{
			name: "TP-10_pending_publisher_project_exists",
			setup: setup{noDefault: true, idxOpts: []oidctest.IndexOption{
				oidctest.WithPendingPublishers(oidctest.PendingPublisher{Publisher: defaultPublisher, Project: "sampleproject"}),
				oidctest.WithExistingProjects("sampleproject"),
			}},
			want: failure{ID: "TP-10", Codes: []string{"invalid-pending-publisher"}, NotConf: true,
				Message: []string{"project already exists"}, Hint: []string{"existing project's Publishing settings"}},
		},
		{
			name:  "TP-10_environment_missing_claim",
			setup: setup{claims: map[string]any{"environment": nil}},
			want: failure{ID: "TP-10", Codes: []string{"invalid-publisher"}, NotConf: true,
				Message: []string{"environment"},
				Details: []string{"| `environment` | MISSING |", "| Environment name | (none"}},
		},
		{
			name:  "TP-10_workflow_mismatch",
			setup: setup{claims: map[string]any{"job_workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0"}},
			want: failure{ID: "TP-10", Codes: []string{"invalid-publisher"}, NotConf: true,
				Hint: []string{`workflow "ci.yml"`}, Details: []string{"| Workflow name | `ci.yml` |"}},
		},
		{
			name:  "TP-10_pull_request_target_claim",
			setup: setup{claims: map[string]any{"event_name": "pull_request_target"}},
			want: failure{ID: "TP-10", Codes: []string{"invalid-publisher"}, NotConf: true,
				Message: []string{"pull_request_target"}},
		},
		{
			name: "TP-10_not_enabled",
			script: func(e *env) {
				e.idx.FailNext("mint-token", 1, 422, `{"message":"Token request failed","errors":[{"code":"not-enabled","description":"github trusted publishing functionality not enabled"}]}`)
			},
			want: failure{ID: "TP-10", Codes: []string{"not-enabled"}, Hint: []string{"switched off"}},
		},
		{
			name:  "TP-10_invalid_token_wrong_key",
			setup: setup{ghOpts: []oidctest.GitHubOption{oidctest.WithSigningKey(otherKey(t))}},
			want:  failure{ID: "TP-10", Codes: []string{"invalid-token"}, Message: []string{"malformed or invalid token"}, Hint: []string{"verify"}},
		},
		{
			name:  "TP-10_invalid_token_wrong_audience",
			setup: setup{idxOpts: []oidctest.IndexOption{oidctest.WithAudience("pypi")}, idToken: nil},
			script: func(e *env) {
				e.idx.FailNext("audience", 1, 200, `{"audience":"testpypi"}`)
			},
			want: failure{ID: "TP-10", Codes: []string{"invalid-token"}},
		},
		{
			name: "TP-10_several_errors",
			script: func(e *env) {
				e.idx.FailNext("mint-token", 1, 422, `{"message":"Token request failed","errors":[{"code":"invalid-payload","description":"one"},{"code":"invalid-token","description":"two"}]}`)
			},
			want: failure{ID: "TP-10", Codes: []string{"invalid-payload", "invalid-token"}, Message: []string{"and 1 more"},
				Details: []string{"* `invalid-payload`: one", "* `invalid-token`: two"}},
		},
		{
			name:   "TP-11_mint_not_json",
			script: func(e *env) { e.idx.FailNext("mint-token", 4, 503, "<html>maintenance</html>") },
			want:   failure{ID: "TP-11", Message: []string{"503", "not JSON"}, Attempts: 4},
		},
		{
			name:   "TP-12_mint_no_token",
			script: func(e *env) { e.idx.FailNext("mint-token", 1, 200, `{"success":true}`) },
			want:   failure{ID: "TP-12", Message: []string{"invalid response"}},
		},
		{
			name:   "TP-12_mint_token_with_newline",
			script: func(e *env) { e.idx.FailNext("mint-token", 1, 200, `{"success":true,"token":"pypi-abc\ndef"}`) },
			want:   failure{ID: "TP-12"},
		},
		{
			name:   "TP-12_mint_token_not_a_string",
			script: func(e *env) { e.idx.FailNext("mint-token", 1, 200, `{"success":true,"token":5}`) },
			want:   failure{ID: "TP-12"},
		},
		{
			name:   "TP-13_mint_errors_wrong_shape",
			script: func(e *env) { e.idx.FailNext("mint-token", 1, 422, `{"errors":"nope"}`) },
			want:   failure{ID: "TP-13", Message: []string{"422"}},
		},
		{
			name:   "TP-13_mint_json_without_errors",
			script: func(e *env) { e.idx.FailNext("mint-token", 1, 403, `{"message":"forbidden by policy"}`) },
			want:   failure{ID: "TP-13", Message: []string{"403", "forbidden by policy"}},
		},
		{
			name:   "TP-14_reuse_twice",
			script: func(e *env) { e.idx.FailNext("mint-token", 2, 422, reuse) },
			want:   failure{ID: "TP-14", Codes: []string{"invalid-reuse-token"}, Hint: []string{"report"}, Attempts: 2},
		},
		{
			name:  "TP-04_enterprise_issuer",
			setup: setup{claims: map[string]any{"iss": "https://token.actions.example.ghe.com"}},
			want: failure{ID: "TP-04", Codes: []string{"invalid-payload"}, Message: []string{"GitHub Enterprise", "example.ghe.com"},
				Hint: []string{"API token"}, Details: []string{"unknown trusted publishing issuer"}, Attempts: 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.setup)
			if tc.script != nil {
				tc.script(e)
			}
			tok, err := e.ex.Mint(context.Background())
			if err == nil {
				t.Fatalf("Mint() = %v, want error %s", tok, tc.want.ID)
			}
			var oe *oidc.Error
			if !errors.As(err, &oe) {
				t.Fatalf("Mint() error = %T %v, want *oidc.Error", err, err)
			}
			if oe.ID != tc.want.ID {
				t.Errorf("Mint() error ID = %s, want %s (message %q)", oe.ID, tc.want.ID, oe.Message)
			}
			if diff := cmp.Diff(tc.want.Codes, oe.Codes); diff != "" {
				t.Errorf("Mint() error Codes mismatch (-want +got):\n%s", diff)
			}
			if strings.Contains(oe.Message, "\n") {
				t.Errorf("Mint() error Message has a line break: %q", oe.Message)
			}
			if oe.Hint == "" || oe.Details == "" {
				t.Errorf("Mint() error Hint = %q, Details = %q; want both set", oe.Hint, oe.Details)
			}
			if !strings.Contains(oe.Details, tc.want.ID) {
				t.Errorf("Mint() error Details do not name %s:\n%s", tc.want.ID, oe.Details)
			}
			check := func(field, got string, wants []string) {
				for _, w := range wants {
					if !strings.Contains(got, w) {
						t.Errorf("Mint() error %s = %q, want it to contain %q", field, got, w)
					}
				}
			}
			check("Message", oe.Message, tc.want.Message)
			check("Hint", oe.Hint, tc.want.Hint)
			check("Details", oe.Details, tc.want.Details)
			if got := errors.Is(err, oidc.ErrNotConfigured); got != tc.want.NotConf {
				t.Errorf("errors.Is(err, ErrNotConfigured) = %v, want %v", got, tc.want.NotConf)
			}
			wantReq := tc.want.Attempts
			if wantReq == 0 {
				switch tc.want.ID {
				case "TP-04", "TP-06", "TP-07", "TP-08", "TP-09":
				default:
					wantReq = 1
				}
			}
			if got := e.idx.Requests("mint-token"); got != wantReq {
				t.Errorf("mint requests = %d, want %d", got, wantReq)
			}
			if got := e.idx.Mints(); got != 0 {
				t.Errorf("index Mints() = %d, want 0", got)
			}
			e.assertNoLeak(t, err)
		})
	}
}

var (
	otherKeyOnce sync.Once
	otherKeyVal  *rsa.PrivateKey
)

// otherKey is an RSA key the index does not trust.
func otherKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	otherKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		otherKeyVal = k
	})
	return otherKeyVal
}

func TestReusableWorkflowWarning(t *testing.T) {
	t.Parallel()
	called := "octo-org/octo-repo/.github/workflows/publish.yml@refs/tags/v1.0.0"
	e := newEnv(t, setup{
		claims:  map[string]any{"job_workflow_ref": called},
		idxOpts: []oidctest.IndexOption{oidctest.WithPublishers(oidctest.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "publish.yml"})},
	})
	tok, err := e.ex.Mint(context.Background())
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	if _, err := e.ex.Mint(context.Background()); err != nil {
		t.Fatalf("second Mint() error = %v", err)
	}
	var warns []string
	for _, ev := range e.rec.Events() {
		if strings.HasPrefix(ev, "warn:") {
			warns = append(warns, ev)
		}
	}
	if len(warns) != 1 {
		t.Fatalf("warnings = %q, want exactly one", warns)
	}
	for _, want := range []string{"release.yml@refs/tags/v1.0.0", called, `"publish.yml"`, oidc.ReusableURL} {
		if !strings.Contains(warns[0], want) {
			t.Errorf("warning %q does not contain %q", warns[0], want)
		}
	}
	if _, ok := oidc.ReusableWorkflow(tok.Claims); !ok {
		t.Errorf("ReusableWorkflow(token claims) = false, want true")
	}
}

func TestSource(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		advance   time.Duration
		refresh   bool
		wantMints int
		wantSame  bool
	}{
		{name: "fresh_token_reused", advance: 11 * time.Minute, wantMints: 1, wantSame: true},
		{name: "remint_under_3_minutes", advance: 12*time.Minute + time.Second, wantMints: 2},
		{name: "remint_after_expiry", advance: 20 * time.Minute, wantMints: 2},
		{name: "refresh_always_remints", advance: time.Minute, refresh: true, wantMints: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			ctx := context.Background()
			tok, err := e.ex.Mint(ctx)
			if err != nil {
				t.Fatalf("Mint() error = %v", err)
			}
			src := e.ex.Source(tok)
			e.clock.Advance(tc.advance)
			if tc.refresh {
				if err := src.Refresh(ctx); err != nil {
					t.Fatalf("Refresh() error = %v", err)
				}
			}
			user, pass, err := src.Credentials(ctx)
			if err != nil {
				t.Fatalf("Credentials() error = %v", err)
			}
			if user != "__token__" {
				t.Errorf("Credentials() user = %q, want __token__", user)
			}
			if got := e.idx.Mints(); got != tc.wantMints {
				t.Errorf("index Mints() = %d, want %d", got, tc.wantMints)
			}
			if got := pass == tok.Value; got != tc.wantSame {
				t.Errorf("Credentials() returned the first token = %v, want %v", got, tc.wantSame)
			}
			if err := e.idx.Validate(pass); err != nil {
				t.Errorf("index Validate(Credentials password) = %v, want nil", err)
			}
			if got := src.Token().Value; got != pass {
				t.Errorf("Source.Token() is not the token Credentials returned")
			}
			if err := src.BurnAll(ctx); err != nil {
				t.Errorf("BurnAll() error = %v", err)
			}
			if got := e.idx.Burns(); got != tc.wantMints {
				t.Errorf("index Burns() = %d, want %d", got, tc.wantMints)
			}
			e.assertNoLeak(t, nil)
		})
	}
}

// A Source started without a token mints on first use; an expired token
// is what the index reports until the Source re-mints.
func TestSource_LazyAndExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	ctx := context.Background()
	src := e.ex.Source(nil)
	_, pass, err := src.Credentials(ctx)
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	e.clock.Advance(16 * time.Minute)
	if err := e.idx.Validate(pass); err == nil || err.Error() != "Invalid API Token: token is expired" {
		t.Errorf("index Validate(expired) = %v, want Invalid API Token: token is expired", err)
	}
	_, pass2, err := src.Credentials(ctx)
	if err != nil {
		t.Fatalf("Credentials() after expiry error = %v", err)
	}
	if err := e.idx.Validate(pass2); err != nil {
		t.Errorf("index Validate(re-minted) = %v, want nil", err)
	}
	var remintLog bool
	for _, ev := range e.rec.Events() {
		if strings.Contains(ev, "expires in") && strings.Contains(ev, "seconds") {
			remintLog = true
		}
	}
	if !remintLog {
		t.Errorf("no TP-16 log line with the remaining seconds in %q", e.rec.Events())
	}
}

func TestSource_RemintFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	ctx := context.Background()
	tok, err := e.ex.Mint(ctx)
	if err != nil {
		t.Fatalf("Mint() error = %v", err)
	}
	src := e.ex.Source(tok)
	e.gh.FailNext(1, 500, "down")
	if err := src.Refresh(ctx); err == nil {
		t.Fatalf("Refresh() error = nil, want TP-09")
	}
	_, pass, err := src.Credentials(ctx)
	if err != nil {
		t.Fatalf("Credentials() after a failed refresh error = %v; want the still-valid token", err)
	}
	if pass != tok.Value {
		t.Errorf("Credentials() after a failed refresh did not return the still-valid token")
	}
}

func TestBurn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		script     func(e *env)
		wantErr    bool
		wantBurns  int
		wantErrHas string
	}{
		{name: "accepted", wantBurns: 1},
		{name: "not_offered", script: func(e *env) { e.idx.FailNext("burn-token", 1, 404, "Not Found") }, wantErr: true, wantErrHas: "does not offer"},
		{name: "server_error", script: func(e *env) { e.idx.FailNext("burn-token", 1, 500, "boom") }, wantErr: true, wantErrHas: "500"},
		{name: "network_error", script: func(e *env) { e.idx.FailNext("burn-token", 1, 0, "") }, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			ctx := context.Background()
			tok, err := e.ex.Mint(ctx)
			if err != nil {
				t.Fatalf("Mint() error = %v", err)
			}
			if tc.script != nil {
				tc.script(e)
			}
			err = e.ex.Burn(ctx, tok.Value)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Burn() error = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantErrHas) {
				t.Errorf("Burn() error = %q, want it to contain %q", err, tc.wantErrHas)
			}
			if got := e.idx.Burns(); got != tc.wantBurns {
				t.Errorf("index Burns() = %d, want %d", got, tc.wantBurns)
			}
			if tc.wantBurns == 1 {
				if err := e.idx.Validate(tok.Value); err == nil {
					t.Errorf("index Validate(burned token) = nil, want an error")
				}
			}
			e.assertNoLeak(t, err)
		})
	}
}

func TestNew_Errors(t *testing.T) {
	t.Parallel()
	idTok := oidc.WithIDToken(func(context.Context, string) (string, error) { return "", nil })
	cases := []struct {
		name    string
		url     string
		opts    []oidc.Option
		wantErr bool
	}{
		{name: "pypi", url: "https://upload.pypi.org/legacy/", opts: []oidc.Option{idTok}},
		{name: "plain_http_allowed", url: "http://127.0.0.1:8080/legacy/", opts: []oidc.Option{idTok, oidc.WithPlainHTTP(true)}},
		{name: "nil_option_ignored", url: "http://localhost:8080/legacy/", opts: []oidc.Option{idTok, nil, oidc.WithPlainHTTP(true)}},
		{name: "plain_http_refused_by_default", url: "http://127.0.0.1:8080/legacy/", opts: []oidc.Option{idTok}, wantErr: true},
		{name: "ftp", url: "ftp://example.com/", opts: []oidc.Option{idTok}, wantErr: true},
		{name: "no_host", url: "https:///legacy/", opts: []oidc.Option{idTok}, wantErr: true},
		{name: "bad_url", url: "https://exa mple.com/%zz", opts: []oidc.Option{idTok}, wantErr: true},
		{name: "no_id_token", url: "https://upload.pypi.org/legacy/", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := oidc.New(tc.url, tc.opts...)
			if (err != nil) != tc.wantErr {
				t.Errorf("New(%q) error = %v, wantErr %v", tc.url, err, tc.wantErr)
			}
		})
	}
}

// The JWT must never follow a redirect to another host.
func TestMint_NoRedirect(t *testing.T) {
	t.Parallel()
	var hit bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	t.Cleanup(other.Close)
	e := newEnv(t, setup{})
	mux := http.NewServeMux()
	mux.Handle("/_/oidc/audience", e.idx)
	mux.HandleFunc("/_/oidc/mint-token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ex, err := oidc.New(srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithIDToken(e.gh.IDToken), oidc.WithRetry(testBackoff),
		oidc.WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if _, err := ex.Mint(context.Background()); err == nil {
		t.Errorf("Mint() error = nil, want an error for a redirect")
	}
	if hit {
		t.Errorf("the mint request followed a redirect to another host")
	}
}

func TestMint_ContextCancelled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{exOpts: []oidc.Option{oidc.WithRetry(retry.Backoff{Attempts: 4, Min: time.Hour, Max: time.Hour})}})
	e.idx.FailNext("audience", 1, 503, "down")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.ex.Mint(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Mint() error = %v, want context.DeadlineExceeded", err)
	}
}

// rewrite sends every request to srv, whatever its URL's host, so the
// exchanger can believe it talks to upload.pypi.org.
type rewrite struct{ srv *httptest.Server }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.Scheme = "http"
	u.Host = strings.TrimPrefix(r.srv.URL, "http://")
	out := req.Clone(req.Context())
	out.URL = &u
	out.Host = ""
	return http.DefaultTransport.RoundTrip(out)
}

// newPyPIExchanger returns an exchanger for repoURL, PyPI's or TestPyPI's
// upload URL (and told so, as main does), whose requests reach e's fake
// index.
func newPyPIExchanger(t *testing.T, e *env, repoURL string, opts ...oidc.Option) *oidc.Exchanger {
	t.Helper()
	index := oidc.WithIndex("PyPI", "https://pypi.org")
	if strings.Contains(repoURL, "test.pypi.org") {
		index = oidc.WithIndex("TestPyPI", "https://test.pypi.org")
	}
	ex, err := oidc.New(repoURL, append([]oidc.Option{
		index,
		oidc.WithIDToken(e.gh.IDToken),
		oidc.WithLogf(e.rec.Logf),
		oidc.WithMask(e.rec.Mask),
		oidc.WithClock(e.clock.Now),
		oidc.WithRetry(testBackoff),
		oidc.WithHTTPClient(&http.Client{Transport: rewrite{e.srv}}),
	}, opts...)...)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return ex
}

func TestMint_PyPIHost(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		repoURL     string
		claims      map[string]any
		noPublisher bool
		wantID      string
		wantDetails []string
		wantMessage []string
		wantMintReq int
	}{
		{
			name:        "TP-04_enterprise_issuer_checked_before_mint",
			repoURL:     "https://upload.pypi.org/legacy/",
			claims:      map[string]any{"iss": "https://token.actions.octo.ghe.com"},
			wantID:      "TP-04",
			wantMessage: []string{"PyPI does not accept", "octo.ghe.com"},
			wantMintReq: 0,
		},
		{
			name:        "TP-10_pypi_settings_links",
			repoURL:     "https://upload.pypi.org/legacy/",
			noPublisher: true,
			wantID:      "TP-10",
			wantMessage: []string{"PyPI refused"},
			wantDetails: []string{
				"https://pypi.org/manage/project/sampleproject/settings/publishing/?provider=github&owner=octo-org&repository=octo-repo&workflow_filename=release.yml",
				"https://pypi.org/manage/project/other-proj/settings/publishing/?provider=github&owner=octo-org&repository=octo-repo&workflow_filename=release.yml",
				"https://pypi.org/manage/account/publishing/",
			},
			wantMintReq: 1,
		},
		{
			name:        "TP-10_testpypi_settings_links",
			repoURL:     "https://test.pypi.org/legacy/",
			noPublisher: true,
			wantID:      "TP-10",
			wantMessage: []string{"TestPyPI refused"},
			wantDetails: []string{"https://test.pypi.org/manage/project/sampleproject/settings/publishing/?provider=github&owner=octo-org"},
			wantMintReq: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{claims: tc.claims, noDefault: tc.noPublisher})
			ex := newPyPIExchanger(t, e, tc.repoURL, oidc.WithProjects("sampleproject", "other-proj"))
			_, err := ex.Mint(context.Background())
			var oe *oidc.Error
			if !errors.As(err, &oe) {
				t.Fatalf("Mint() error = %v, want *oidc.Error %s", err, tc.wantID)
			}
			if oe.ID != tc.wantID {
				t.Errorf("Mint() error ID = %s, want %s", oe.ID, tc.wantID)
			}
			for _, w := range tc.wantMessage {
				if !strings.Contains(oe.Message, w) {
					t.Errorf("Mint() error Message = %q, want it to contain %q", oe.Message, w)
				}
			}
			for _, w := range tc.wantDetails {
				if !strings.Contains(oe.Details, w) {
					t.Errorf("Mint() error Details do not contain %q:\n%s", w, oe.Details)
				}
			}
			if got := e.idx.Requests("mint-token"); got != tc.wantMintReq {
				t.Errorf("mint requests = %d, want %d", got, tc.wantMintReq)
			}
			e.assertNoLeak(t, err)
		})
	}
}

// A server that echoes the JWT back must not make it reach any text.
func TestMint_ServerEchoesJWT(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   func(jwt string) string
		wantID string
	}{
		{name: "in_description", status: 422, wantID: "TP-10",
			body: func(jwt string) string {
				return `{"message":"Token request failed","errors":[{"code":"invalid-payload","description":"bad token ` + jwt + `"}]}`
			}},
		{name: "in_html", status: 400, wantID: "TP-11", body: func(jwt string) string { return "<html>" + jwt + "</html>" }},
		{name: "in_json_message", status: 400, wantID: "TP-13", body: func(jwt string) string { return `{"message":"` + jwt + `"}` }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			mux := http.NewServeMux()
			mux.Handle("/_/oidc/audience", e.idx)
			mux.HandleFunc("/_/oidc/mint-token", func(w http.ResponseWriter, r *http.Request) {
				var m map[string]string
				if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
					t.Errorf("mint body is not JSON: %v", err)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body(m["token"]))
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			ex, err := oidc.New(srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithIDToken(e.gh.IDToken), oidc.WithRetry(testBackoff), oidc.WithLogf(e.rec.Logf))
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			_, err = ex.Mint(context.Background())
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != tc.wantID {
				t.Fatalf("Mint() error = %v, want %s", err, tc.wantID)
			}
			e.assertNoLeak(t, err)
		})
	}
}

func FuzzDecodeClaims(f *testing.F) {
	f.Add(jwtWithPayload(`{"sub":"x"}`))
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := oidc.DecodeClaims(s)
		if err == nil {
			for _, k := range oidc.DiagnosticClaims {
				_ = c.String(k)
			}
			_, _ = oidc.ReusableWorkflow(c)
			_ = oidc.PublisherFor(c)
		}
	})
}

// Requests carry the configured User-Agent and JSON headers; an oversized
// answer is an error, not a silent truncation.
func TestMint_HeadersAndLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var mu sync.Mutex
	var seen []string
	mux := http.NewServeMux()
	mux.HandleFunc("/_/oidc/audience", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Header.Get("User-Agent")+" "+r.Header.Get("Accept"))
		mu.Unlock()
		_, _ = io.WriteString(w, `{"audience":"pypi","pad":"`+strings.Repeat("x", 2<<20)+`"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ex, err := oidc.New(srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithIDToken(e.gh.IDToken), oidc.WithRetry(retry.Backoff{}),
		oidc.WithUserAgent("pypi-publish/test"))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	_, err = ex.Mint(context.Background())
	var oe *oidc.Error
	if !errors.As(err, &oe) || oe.ID != "TP-08" || !strings.Contains(oe.Message, "larger than") {
		t.Errorf("Mint() error = %v, want TP-08 about an oversized answer", err)
	}
	if diff := cmp.Diff([]string{"GET pypi-publish/test application/json"}, seen); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}
