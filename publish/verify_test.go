package publish

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// quick keeps Verify's waits short in tests.
var quick = VerifyOptions{Wait: 150 * time.Millisecond, Backoff: retry.Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond}}

// synthAttestation is an attestation object whose statement, signature and
// certificate are made of seed (Verify compares them, it does not verify
// them).
func synthAttestation(seed string) map[string]any {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(seed + "-" + s)) }
	return map[string]any{
		"version":               1,
		"verification_material": map[string]any{"certificate": b64("certificate"), "transparency_entries": []any{map[string]any{"logIndex": "1"}}},
		"envelope":              map[string]any{"statement": b64("statement"), "signature": b64("signature")},
	}
}

func attestationsField(t testing.TB, atts ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(atts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ourPublisher is the publisher the fake names and Verify expects.
var ourPublisher = Publisher{Kind: "GitHub", Repository: "octo-org/octo-repo", Workflow: "release.yml"}

// uploadAll uploads ds to s, the first with attestations field att (nil:
// none), and returns what Verify needs.
func uploadAll(t *testing.T, s *publishtest.Server, ds []*dist.Distribution, att []byte) []Uploaded {
	t.Helper()
	c := newTestClient(t, s.UploadURL())
	var out []Uploaded
	for i, d := range ds {
		o := UploadOptions{}
		if i == 0 {
			o.Attestations = att
		}
		if _, err := c.Upload(t.Context(), d, o); err != nil {
			t.Fatalf("Upload(%s) = %v", d.Filename, err)
		}
		out = append(out, UploadedOf(d, o.Attestations))
	}
	return out
}

type verifySummary struct {
	File   string
	State  VerifyState
	Views  []string // view: listed sha256 / size checked
	ProvOK bool
	ID     string
}

func summarizeVerifications(vs []Verification) []verifySummary {
	var out []verifySummary
	for _, v := range vs {
		s := verifySummary{File: v.Filename, State: v.State, ProvOK: v.Provenance != nil && v.Provenance.OK()}
		for _, r := range v.Views {
			s.Views = append(s.Views, fmt.Sprintf("%s listed=%t html=%t size=%t", r.View, r.Listed, r.HTML, r.Size >= 0))
		}
		var ve *VerifyError
		if errors.As(v.Err, &ve) {
			s.ID = ve.ID
		}
		out = append(out, s)
	}
	return out
}

// TestVerify reads an upload back from the fake's JSON, simple and
// Integrity APIs, one fault per case.
func TestVerify(t *testing.T) {
	t.Parallel()
	const whl, sd = "demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"
	both := []string{"JSON API listed=true html=false size=true", "simple API listed=true html=false size=true"}
	cases := []struct {
		name    string
		mode    publishtest.Mode
		fault   func(s *publishtest.Server)
		noAPI   bool
		want    []verifySummary
		inErr   []string // substrings of the first file's error
		rounds  int      // rounds of the first file; 0 = don't care
		notInEr string
	}{
		{name: "intact", rounds: 1, want: []verifySummary{
			{File: whl, State: Verified, Views: both, ProvOK: true}, {File: sd, State: Verified, Views: both}}},
		{name: "provenance_with_an_extra_bundle_contains_ours", fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{Provenance: publishtest.ProvenanceExtra})
		}, want: []verifySummary{{File: whl, State: Verified, Views: both, ProvOK: true}, {File: sd, State: Verified, Views: both}}},
		{name: "stale_cache_catches_up", fault: func(s *publishtest.Server) { s.Stale(3) }, want: []verifySummary{
			{File: whl, State: Verified, Views: both, ProvOK: true}, {File: sd, State: Verified, Views: both}}},
		{name: "missing_file", fault: func(s *publishtest.Server) { s.ScriptView(sd, publishtest.ViewFault{Hide: true}) },
			want: []verifySummary{{File: whl, State: Verified, Views: both, ProvOK: true},
				{File: sd, State: VerifyNotVisible, Views: []string{"JSON API listed=false html=false size=false", "simple API listed=false html=false size=false"}, ID: "VE-02"}}},
		{name: "other_hash", rounds: 1, fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{SHA256: strings.Repeat("ab", 32)})
		}, want: []verifySummary{{File: whl, State: VerifyDiffers, Views: both, ID: "VE-03"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{whl, "sha256 " + strings.Repeat("ab", 32) + " where the uploaded file has ", "JSON API", "simple API"}},
		{name: "other_size", fault: func(s *publishtest.Server) { s.ScriptView(sd, publishtest.ViewFault{Size: 1}) },
			want: []verifySummary{{File: whl, State: Verified, Views: both, ProvOK: true}, {File: sd, State: VerifyDiffers, Views: both, ID: "VE-03"}}},
		{name: "hostile_digest_not_repeated", fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{SHA256: "<script>::error::x"})
		}, want: []verifySummary{{File: whl, State: VerifyDiffers, Views: both, ID: "VE-03"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{"not a SHA-256 digest"}, notInEr: "script"},
		{name: "provenance_missing", fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{Provenance: publishtest.ProvenanceMissing})
		}, want: []verifySummary{{File: whl, State: VerifyNoProvenance, Views: both, ID: "VE-04"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{"has no provenance"}},
		{name: "provenance_foreign_publisher", fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{Provenance: publishtest.ProvenanceForeignPublisher})
		}, want: []verifySummary{{File: whl, State: VerifyForeignProvenance, Views: both, ID: "VE-05"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{"under the publisher GitHub mallory/other, workflow evil.yml"}},
		{name: "provenance_other_attestation", fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{Provenance: publishtest.ProvenanceOther})
		}, want: []verifySummary{{File: whl, State: VerifyForeignProvenance, Views: both, ID: "VE-05"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{"does not carry the uploaded attestation"}},
		{name: "provenance_disabled", rounds: 1, fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{Provenance: publishtest.ProvenanceDisabled})
		}, want: []verifySummary{{File: whl, State: VerifyUnchecked, Views: both, ID: "VE-06"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{"attestations switched off"}},
		{name: "yanked_meanwhile", rounds: 1, fault: func(s *publishtest.Server) {
			s.ScriptView(whl, publishtest.ViewFault{Yanked: true, YankedReason: "broken\n::error::x"})
		}, want: []verifySummary{{File: whl, State: VerifyYanked, Views: both, ProvOK: true, ID: "VE-08"}, {File: sd, State: Verified, Views: both}},
			inErr: []string{"served as uploaded, but yanked", "JSON API", "simple API", `with the reason "broken\n::error::x"`}},
		{name: "third_party_simple_only", mode: publishtest.ThirdParty, noAPI: true, rounds: 1, want: []verifySummary{
			{File: whl, State: Verified, Views: []string{"simple API listed=true html=false size=true"}},
			{File: sd, State: Verified, Views: []string{"simple API listed=true html=false size=true"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := publishtest.New(publishtest.WithMode(tc.mode), publishtest.WithPublisher(publishtest.Publisher{
				Kind: "GitHub", Repository: "Octo-Org/octo-repo", Workflow: "release.yml"}))
			t.Cleanup(s.Close)
			if tc.fault != nil {
				tc.fault(s)
			}
			ds := []*dist.Distribution{projectDist(t, whl, "1.0", "wheel"), projectDist(t, sd, "1.0", "sdist")}
			var att []byte
			if tc.mode == publishtest.PyPI {
				att = attestationsField(t, synthAttestation("ours"))
			}
			up := uploadAll(t, s, ds, att)
			api := s.URL() + "/"
			if tc.noAPI {
				api = ""
			}
			v, err := NewVerifier(s.SimpleURL(), api, WithRequestTimeout(5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			o := quick
			o.Publisher = ourPublisher
			got := v.Verify(t.Context(), up, o)
			if diff := cmp.Diff(tc.want, summarizeVerifications(got)); diff != "" {
				t.Errorf("Verify() mismatch (-want +got):\n%s", diff)
			}
			msg := fmt.Sprint(got[0].Err)
			if tc.want[0].ID == "" {
				msg = fmt.Sprint(got[1].Err)
			}
			for _, s := range tc.inErr {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			if tc.notInEr != "" && strings.Contains(msg, tc.notInEr) {
				t.Errorf("error %q repeats the index's text %q", msg, tc.notInEr)
			}
			if tc.rounds != 0 && got[0].Rounds != tc.rounds {
				t.Errorf("Rounds = %d, want %d", got[0].Rounds, tc.rounds)
			}
			for _, r := range s.Reads() {
				if r.Header.Get("Cache-Control") != "no-cache" && !strings.HasPrefix(r.Path, "/simple/") {
					t.Errorf("GET %s without Cache-Control: no-cache", r.Path)
				}
			}
		})
	}
}

// TestVerify_staleNeedsRounds checks that a stale cache is asked again
// until it catches up: Stale(3) hides the new files from three reads.
func TestVerify_staleNeedsRounds(t *testing.T) {
	t.Parallel()
	s := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	t.Cleanup(s.Close)
	s.Stale(3)
	up := uploadAll(t, s, []*dist.Distribution{projectDist(t, "demo_pkg-1.0.tar.gz", "1.0", "sdist")}, nil)
	v, err := NewVerifier(s.SimpleURL(), "")
	if err != nil {
		t.Fatal(err)
	}
	var rounds []int
	o := quick
	o.Wait = 10 * time.Second // the cache catches up long before
	o.OnRound = func(round, pending int, wait time.Duration) { rounds = append(rounds, pending) }
	got := v.Verify(t.Context(), up, o)
	if got[0].State != Verified || got[0].Rounds != 4 {
		t.Errorf("Verify() = %s after %d rounds (%v), want verified after 4", got[0].State, got[0].Rounds, got[0].Err)
	}
	if diff := cmp.Diff([]int{1, 1, 1}, rounds); diff != "" {
		t.Errorf("OnRound pending counts mismatch (-want +got):\n%s", diff)
	}
}

// TestVerify_otherContentsSettle checks when other contents under our
// file name end the wait: at once on Warehouse, which never reuses a name,
// but only when the wait ends elsewhere, where a cache may still hold an
// older file of that name.
func TestVerify_otherContentsSettle(t *testing.T) {
	t.Parallel()
	const fn = "demo_pkg-1.0.tar.gz"
	for _, tc := range []struct {
		name       string
		mode       publishtest.Mode
		warehouse  bool
		wantRounds func(int) bool
	}{
		{name: "warehouse", mode: publishtest.PyPI, warehouse: true, wantRounds: func(n int) bool { return n == 1 }},
		{name: "third_party", mode: publishtest.ThirdParty, wantRounds: func(n int) bool { return n > 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := publishtest.New(publishtest.WithMode(tc.mode))
			t.Cleanup(s.Close)
			s.ScriptView(fn, publishtest.ViewFault{SHA256: strings.Repeat("ab", 32)})
			up := uploadAll(t, s, []*dist.Distribution{projectDist(t, fn, "1.0", "sdist")}, nil)
			api := ""
			if tc.warehouse {
				api = s.URL() + "/"
			}
			v, err := NewVerifier(s.SimpleURL(), api)
			if err != nil {
				t.Fatal(err)
			}
			o := quick
			o.Wait = 3 * time.Second // room for a second round on a loaded machine
			got := v.Verify(t.Context(), up, o)
			if got[0].State != VerifyDiffers || !tc.wantRounds(got[0].Rounds) {
				t.Errorf("Verify() = %s after %d rounds (%v)", got[0].State, got[0].Rounds, got[0].Err)
			}
		})
	}
}

// TestVerify_hostileAnswers points Verify at servers that answer badly:
// each answer is bounded, never followed off the host, and never stops
// the check with more than "could not read" (VE-06) or "not listed yet"
// (VE-02).
func TestVerify_hostileAnswers(t *testing.T) {
	t.Parallel()
	const fn = "demo_pkg-1.0.tar.gz"
	u := Uploaded{Filename: fn, Project: "demo-pkg", Version: "1.0", Size: 5, SHA256: strings.Repeat("0", 64)}
	okPage := fmt.Sprintf(`{"meta":{"api-version":"1.4"},"files":[{"filename":%q,"hashes":{"sha256":%q},"size":5}]}`, fn, u.SHA256)
	cases := []struct {
		name    string
		handler func(calls int, w http.ResponseWriter, r *http.Request)
		want    VerifyState
		rounds  int
		inErr   string
	}{
		{"garbage_json", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(`{"meta":`))
		}, VerifyUnchecked, 1, "failed to decode simple API JSON"},
		{"too_large", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			io.Copy(w, &hostilePage{head: []byte(" "), body: []byte("          "), size: MaxSimplePage + 1})
		}, VerifyUnchecked, 1, "page larger than 256 MiB"},
		{"redirect_off_host", func(_ int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://pypi.org/simple/demo-pkg/", http.StatusFound)
		}, VerifyUnchecked, 1, "not followed"},
		{"unauthorized", func(_ int, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "no", http.StatusUnauthorized)
		}, VerifyUnchecked, 1, "401"},
		{"server_error_then_ok", func(calls int, w http.ResponseWriter, _ *http.Request) {
			if calls < 3 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(okPage))
		}, Verified, 3, ""},
		{"html_without_digest", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<a href="/f/%s">%s</a>`, fn, fn)
		}, VerifyUnchecked, 1, "without a SHA-256"},
		{"other_name_only", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(strings.Replace(okPage, fn, "DEMO_pkg-1.0.tar.gz", 1)))
		}, VerifyNotVisible, 0, "not listed yet by the simple API"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.handler(int(calls.Add(1)), w, r)
			}))
			t.Cleanup(srv.Close)
			// The page-size case streams 256 MiB through the decoder, which
			// takes a while under -race on a loaded machine: give it room.
			timeout := 5 * time.Second
			if tc.name == "too_large" {
				timeout = 5 * time.Minute
			}
			v, err := NewVerifier(srv.URL+"/simple/", "", WithRequestTimeout(timeout))
			if err != nil {
				t.Fatal(err)
			}
			got := v.Verify(t.Context(), []Uploaded{u}, quick)[0]
			if got.State != tc.want || (tc.rounds != 0 && got.Rounds != tc.rounds) {
				t.Errorf("Verify() = %s after %d rounds (%v), want %s after %d", got.State, got.Rounds, got.Err, tc.want, tc.rounds)
			}
			if !strings.Contains(fmt.Sprint(got.Err), tc.inErr) {
				t.Errorf("error %q lacks %q", got.Err, tc.inErr)
			}
		})
	}
}

// TestVerify_cancelled stops at once when the context ends.
func TestVerify_cancelled(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	v, err := NewVerifier(srv.URL+"/simple/", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	o := VerifyOptions{Wait: time.Hour, OnRound: func(int, int, time.Duration) { cancel() }}
	got := v.Verify(ctx, []Uploaded{{Filename: "p-1.tar.gz", Project: "p", Version: "1", SHA256: strings.Repeat("0", 64)}}, o)[0]
	if got.State != VerifyNotVisible || got.Rounds != 1 {
		t.Errorf("Verify() = %s after %d rounds, want not-visible after 1", got.State, got.Rounds)
	}
}

func TestNewVerifier(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ simple, api string }{{"", ""}, {"ftp://x/simple/", ""}, {"", "https://"}} {
		if _, err := NewVerifier(tc.simple, tc.api); err == nil {
			t.Errorf("NewVerifier(%q, %q) = nil error, want one", tc.simple, tc.api)
		}
	}
}

// BenchmarkVerify reads back a release of two files (one attested) from
// the fake's JSON, simple and Integrity APIs on loopback: one round, five
// requests.
func BenchmarkVerify(b *testing.B) {
	s := publishtest.New(publishtest.WithPublisher(publishtest.Publisher{Kind: "GitHub", Repository: "octo-org/octo-repo", Workflow: "release.yml"}))
	b.Cleanup(s.Close)
	c, err := New(s.UploadURL(), WithCredentials(token), WithUserAgent("pypi-publish/test"))
	if err != nil {
		b.Fatal(err)
	}
	att := attestationsField(b, synthAttestation("ours"))
	var up []Uploaded
	for i, d := range []*dist.Distribution{projectDist(b, "demo_pkg-1.0-py3-none-any.whl", "1.0", "wheel"), projectDist(b, "demo_pkg-1.0.tar.gz", "1.0", "sdist")} {
		o := UploadOptions{}
		if i == 0 {
			o.Attestations = att
		}
		if _, err := c.Upload(b.Context(), d, o); err != nil {
			b.Fatal(err)
		}
		up = append(up, UploadedOf(d, o.Attestations))
	}
	v, err := NewVerifier(s.SimpleURL(), s.URL()+"/")
	if err != nil {
		b.Fatal(err)
	}
	o := quick
	o.Publisher = ourPublisher
	for b.Loop() {
		if got := v.Verify(b.Context(), up, o); got[0].State != Verified || got[1].State != Verified {
			b.Fatalf("Verify() = %s, %s", got[0].State, got[1].State)
		}
	}
}
