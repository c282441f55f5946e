package oidc_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/secret"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// TestMint_TokenShape: a minted token must look like a PyPI token before
// it is masked or used (issue 12: a token "p" would mask every "p").
func TestMint_TokenShape(t *testing.T) {
	t.Parallel()
	long := "pypi-" + strings.Repeat("A", 9000)
	cases := []struct{ name, token, want string }{
		{"one_letter", "p", "does not start with pypi-"},
		{"prefix_only", "pypi-", "has 5 characters"},
		{"short", "pypi-abc", "has 8 characters"},
		{"no_prefix", strings.Repeat("x", 64), "does not start with pypi-"},
		{"space", "pypi-" + strings.Repeat("a", 20) + " " + strings.Repeat("b", 20), "spaces"},
		{"non_ascii", "pypi-" + strings.Repeat("é", 20), "non-ASCII"},
		{"huge", long, "has 9005 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			e.idx.FailNext("mint-token", 1, 200, `{"success":true,"token":"`+tc.token+`"}`)
			_, err := e.ex.Mint(context.Background())
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != oidc.IDMintNoToken || !strings.Contains(oe.Message, tc.want) {
				t.Fatalf("Mint() error = %v, want TP-12 saying %q", err, tc.want)
			}
			for _, ev := range e.rec.Events() {
				if strings.HasPrefix(ev, "mask:pypi-") || ev == "mask:p" {
					t.Errorf("the refused token was masked: %q", ev)
				}
			}
			if len(tc.token) >= 8 && strings.Contains(oe.Message+oe.Details, tc.token) {
				t.Errorf("the refused token is shown in the error")
			}
		})
	}
}

// hangingServer serves path with h and the other OIDC endpoints with the
// fake index. Handlers that hang end when the test does (done).
func hangingServer(t *testing.T, e *env, path string, h func(w http.ResponseWriter, r *http.Request, done <-chan struct{})) *oidc.Exchanger {
	t.Helper()
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/_/oidc/", e.idx)
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { h(w, r, done) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	ex, err := oidc.New(srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithIDToken(e.gh.IDToken),
		oidc.WithRetry(testBackoff), oidc.WithRequestTimeout(50*time.Millisecond), oidc.WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// TestMint_Deadlines: an endpoint that never answers, or trickles its body,
// costs one request deadline per attempt, and the whole exchange gives up
// at its own deadline with a TP error that says so (issue 12: a trickling
// audience held a run for 6 min 40 s).
func TestMint_Deadlines(t *testing.T) {
	t.Parallel()
	hang := func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
	trickle := func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for {
			if _, err := io.WriteString(w, " "); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	cases := []struct {
		name, path string
		h          func(http.ResponseWriter, *http.Request, <-chan struct{})
		wantID     string
	}{
		{"audience_silent", "/_/oidc/audience", hang, oidc.IDAudience},
		{"audience_trickles", "/_/oidc/audience", trickle, oidc.IDAudience},
		{"mint_silent", "/_/oidc/mint-token", hang, oidc.IDAudience},
		{"mint_trickles", "/_/oidc/mint-token", trickle, oidc.IDAudience},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			ex := hangingServer(t, e, tc.path, tc.h)
			start := time.Now()
			_, err := ex.Mint(context.Background())
			t.Logf("gave up after %v", time.Since(start).Round(time.Millisecond))
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != tc.wantID {
				t.Fatalf("Mint() error = %v, want %s", err, tc.wantID)
			}
			if !strings.Contains(oe.Message, "within") && !strings.Contains(oe.Message, "gave up") {
				t.Errorf("Mint() error = %q, want it to say the service did not answer in time", oe.Message)
			}
		})
	}
	t.Run("total_deadline", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, setup{})
		done := make(chan struct{})
		mux := http.NewServeMux()
		mux.HandleFunc("/_/oidc/audience", func(w http.ResponseWriter, r *http.Request) { hang(w, r, done) })
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(done) })
		ex, err := oidc.New(srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithIDToken(e.gh.IDToken),
			oidc.WithRetry(testBackoff), oidc.WithRequestTimeout(100*time.Millisecond), oidc.WithTimeout(250*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ex.Mint(context.Background())
		var oe *oidc.Error
		if !errors.As(err, &oe) || oe.ID != oidc.IDAudience || !strings.Contains(oe.Message, "gave up after") || !strings.Contains(oe.Message, "the limit is 250ms") {
			t.Fatalf("Mint() error = %v, want TP-08 saying it gave up at the 250ms limit", err)
		}
	})
	t.Run("github_token_silent", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, setup{})
		ex, err := oidc.New(e.srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithRetry(testBackoff),
			oidc.WithRequestTimeout(50*time.Millisecond), oidc.WithTimeout(300*time.Millisecond),
			oidc.WithIDToken(func(ctx context.Context, _ string) (string, error) {
				<-ctx.Done()
				return "", ctx.Err()
			}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ex.Mint(context.Background())
		var oe *oidc.Error
		if !errors.As(err, &oe) || oe.ID != oidc.IDGitHubToken || !strings.Contains(oe.Message, "within 50ms") {
			t.Fatalf("Mint() error = %v, want TP-09 saying no answer within 50ms", err)
		}
	})
}

// TestMint_EchoCutShort: a JWT echoed in a non-JSON answer is scrubbed
// before the excerpt is cut to 300 characters (issue 12: its payload
// survived the cut), and an IDToken error that quotes the request token is
// scrubbed through WithScrub.
func TestMint_EchoCutShort(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	pad := strings.Repeat("x", 250)
	ex := hangingServer(t, e, "/_/oidc/mint-token", func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(400)
		_, _ = io.WriteString(w, pad+string(b))
	})
	_, err := ex.Mint(context.Background())
	var oe *oidc.Error
	if !errors.As(err, &oe) || oe.ID != oidc.IDMintNotJSON {
		t.Fatalf("Mint() error = %v, want TP-11", err)
	}
	for _, jwt := range e.gh.Issued() {
		for _, part := range strings.Split(jwt, ".") {
			if len(part) >= 12 && strings.Contains(oe.Details+oe.Message, part[:12]) {
				t.Errorf("the start of a JWT part survived: %.12s…", part)
			}
		}
	}

	var set secret.Set
	const reqTok = "request-token-0123456789abcdef"
	set.Add(reqTok)
	ex2, err := oidc.New(e.srv.URL+"/legacy/", oidc.WithPlainHTTP(true), oidc.WithRetry(testBackoff), oidc.WithScrub(set.Scrub),
		oidc.WithIDToken(func(context.Context, string) (string, error) {
			return "", errors.New(strings.Repeat("y", 390) + " bearer " + reqTok + " refused")
		}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ex2.Mint(context.Background())
	if !errors.As(err, &oe) || oe.ID != oidc.IDGitHubToken {
		t.Fatalf("Mint() error = %v, want TP-09", err)
	}
	if strings.Contains(oe.Message+oe.Details, reqTok[:12]) {
		t.Errorf("the request token leaked: %q", oe.Message)
	}
}

// TestMint_Proxy407: a proxy that wants credentials gets one request, not
// four, and the error says how to give them (issue 12).
func TestMint_Proxy407(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	t.Cleanup(proxy.Close)
	pu, _ := url.Parse(proxy.URL)
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			n.Store(0)
			client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
			ex, err := oidc.New(scheme+"://index.example/legacy/", oidc.WithPlainHTTP(true), oidc.WithHTTPClient(client),
				oidc.WithRetry(testBackoff), oidc.WithIDToken(func(context.Context, string) (string, error) { return "", errors.New("unused") }))
			if err != nil {
				t.Fatal(err)
			}
			_, err = ex.Mint(context.Background())
			var oe *oidc.Error
			if !errors.As(err, &oe) || oe.ID != oidc.IDAudience || !strings.Contains(oe.Hint, "HTTPS_PROXY") {
				t.Fatalf("Mint() error = %v, want TP-08 with the proxy hint", err)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("proxy got %d requests, want 1 (407 is not retried)", got)
			}
		})
	}
}
