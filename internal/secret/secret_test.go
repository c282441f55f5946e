package secret_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/secret"
)

const (
	token = "pypi-AgEIcHlwaS5vcmcCJGE4ZjI1ZDNkLTg3ZjItNDYyZS05ZmI1"
	// jwt has three parts; the payload and signature are secret alone.
	jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOm9jdG8tb3JnL29jdG8tcmVwbyJ9.c2lnbmF0dXJlLWJ5dGVzLXRoYXQtYXJlLXNlY3JldA"
)

func TestScrub(t *testing.T) {
	t.Parallel()
	var s secret.Set
	s.AddBasic("__token__", token)
	s.Add(jwt)
	s.Add(`pa"ss<w>rd&1`)
	s.Add("p") // too short: ignored
	basic := base64.StdEncoding.EncodeToString([]byte("__token__:" + token))
	payload := strings.Split(jwt, ".")[1]
	cases := []struct{ name, in, want string }{
		{"verbatim", "403 token " + token + " refused", "403 token *** refused"},
		{"basic_header", "Authorization: Basic " + basic, "Authorization: Basic ***"},
		{"basic_raw", "auth=" + strings.TrimRight(basic, "="), "auth=***"},
		{"jwt", "token " + jwt, "token ***"},
		{"jwt_payload_alone", "claims " + payload + " end", "claims *** end"},
		{"jwt_cut", "got " + jwt[:60] + "…", "got ***.***…"},
		{"token_cut", "got " + token[:30] + "… (truncated)", "got ***… (truncated)"},
		{"json_escaped", `{"pw":"pa\"ss\u003cw\u003erd\u00261"}`, `{"pw":"***"}`},
		{"json_plain", `{"pw":"pa\"ss<w>rd&1"}`, `{"pw":"***"}`},
		{"html_escaped", "<pre>pa&#34;ss&lt;w&gt;rd&amp;1</pre>", "<pre>***</pre>"},
		{"query_escaped", "pw=pa%22ss%3Cw%3Erd%261", "pw=***"},
		{"base64_of_token", base64.StdEncoding.EncodeToString([]byte(token)), "***"},
		{"short_not_touched", "happy path", "happy path"},
		{"public_prefix_alone", "tokens start with pypi-AgEI", "tokens start with pypi-AgEI"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := s.Scrub(tc.in); got != tc.want {
				t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	t.Parallel()
	var s secret.Set
	if !s.Empty() {
		t.Errorf("zero Set is not empty")
	}
	if s.Add("abc") {
		t.Errorf("Add(3 bytes) = true, want false (too short)")
	}
	if !s.Add(token) || s.Add(token) {
		t.Errorf("Add(token) twice: want true then false")
	}
	var nilSet *secret.Set
	if got := nilSet.Scrub(token); got != token {
		t.Errorf("nil Set Scrub changed the text: %q", got)
	}
}
