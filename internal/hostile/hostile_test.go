package hostile_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/hostile"
)

// TestAttacks: each attack answers as its documentation says.
func TestAttacks(t *testing.T) {
	t.Parallel()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cases := []struct {
		name       string
		ep         hostile.Endpoint
		mode       hostile.Mode
		method     string
		path       string
		wantStatus int
		wantBody   string // substring
		wantHeader [2]string
	}{
		{"echo_json", hostile.Upload, hostile.Mode{Attack: hostile.EchoJSON}, "POST", "/legacy/", 400, "__token__:pypi-secret-token", [2]string{}},
		{"echo_text", hostile.Upload, hostile.Mode{Attack: hostile.EchoText, Status: 403}, "POST", "/legacy/", 403, "Basic X190b2tlbl9f", [2]string{}},
		{"echo_html", hostile.Upload, hostile.Mode{Attack: hostile.EchoHTML}, "POST", "/legacy/", 400, "<h1>Bad", [2]string{}},
		{"inject_body", hostile.Upload, hostile.Mode{Attack: hostile.InjectBody}, "POST", "/legacy/", 400, "::stop-commands::zzz", [2]string{}},
		{"malformed", hostile.Simple, hostile.Mode{Attack: hostile.Malformed}, "GET", "/simple/x/", 200, `"files": [{"filename": "x`, [2]string{"Content-Type", "application/vnd.pypi.simple.v1+json"}},
		{"bad_token", hostile.Mint, hostile.Mode{Attack: hostile.BadToken, Value: "p"}, "POST", "/_/oidc/mint-token", 200, `"token":"p"`, [2]string{}},
		{"huge", hostile.Audience, hostile.Mode{Attack: hostile.Huge, Size: 1 << 20}, "GET", "/_/oidc/audience", 200, "xxxx", [2]string{}},
		{"pass", hostile.Audience, hostile.Mode{}, "GET", "/_/oidc/audience", 200, `"audience"`, [2]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hs := hostile.New(t, hostile.Options{Modes: map[hostile.Endpoint]hostile.Mode{tc.ep: tc.mode}})
			req, _ := http.NewRequest(tc.method, hs.URL()+tc.path, strings.NewReader(`{"token":"jwt"}`))
			req.SetBasicAuth("__token__", "pypi-secret-token")
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.wantStatus || !strings.Contains(string(b), tc.wantBody) {
				t.Errorf("answer = %d %.200q, want %d with %q", resp.StatusCode, b, tc.wantStatus, tc.wantBody)
			}
			if h := tc.wantHeader; h[0] != "" && resp.Header.Get(h[0]) != h[1] {
				t.Errorf("%s = %q, want %q", h[0], resp.Header.Get(h[0]), h[1])
			}
			if tc.mode.Attack == hostile.Huge && len(b) < 1<<20 {
				t.Errorf("huge body is %d bytes, want at least 1 MiB", len(b))
			}
			if n := hs.Count(tc.ep); n != 1 {
				t.Errorf("Count(%s) = %d, want 1", tc.ep, n)
			}
		})
	}
}

// TestRedirectHangTrickleRecords: a redirect points at the other host, a
// hang and a trickle never finish, and unknown paths are listed.
func TestRedirectHangTrickleRecords(t *testing.T) {
	t.Parallel()
	hs := hostile.New(t, hostile.Options{Modes: map[hostile.Endpoint]hostile.Mode{
		hostile.Upload: {Attack: hostile.Redirect}, hostile.Audience: {Attack: hostile.Hang}, hostile.Mint: {Attack: hostile.Trickle, Interval: time.Millisecond},
	}})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Post(hs.UploadURL(), "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != 307 || !strings.HasPrefix(loc, hs.OtherURL()+"/legacy/") {
		t.Errorf("redirect = %d %q, want 307 to the other host", resp.StatusCode, loc)
	}
	for _, path := range []string{"/_/oidc/audience", "/_/oidc/mint-token"} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL()+path, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil {
				t.Errorf("%s finished, want it to hang or trickle", path)
			}
		}
		cancel()
	}
	if resp, err := http.Get(hs.URL() + "/nope"); err == nil {
		resp.Body.Close()
	}
	if u := hs.Unexpected(); len(u) != 1 || u[0].Path != "/nope" {
		t.Errorf("Unexpected() = %+v, want /nope", u)
	}
	if len(hs.OtherRequests()) != 0 {
		t.Errorf("the other host got requests without being asked")
	}
}
