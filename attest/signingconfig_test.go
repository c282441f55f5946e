package attest_test

import (
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
)

func TestSigningConfig_select(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	open := func(start time.Time) attest.ValidFor { return attest.ValidFor{Start: start} }
	until := func(start, end time.Time) attest.ValidFor { return attest.ValidFor{Start: start, End: &end} }
	svc := func(u string, v uint32, vf attest.ValidFor, op string) attest.Service {
		return attest.Service{URL: u, MajorAPIVersion: v, ValidFor: vf, Operator: op}
	}
	cases := []struct {
		name       string
		ca, tlogs  []attest.Service
		selector   attest.ServiceConfig
		wantFulcio string
		wantRekor  string
		wantErr    bool
	}{
		{
			name:       "sigstore_today",
			ca:         []attest.Service{svc("https://fulcio.sigstore.dev", 1, open(past), "sigstore.dev")},
			tlogs:      []attest.Service{svc("https://rekor.sigstore.dev", 1, open(past), "sigstore.dev")},
			wantFulcio: "https://fulcio.sigstore.dev", wantRekor: "https://rekor.sigstore.dev",
		},
		{
			name: "rekor_v2_listed_first_is_skipped",
			ca:   []attest.Service{svc("https://fulcio.sigstore.dev", 1, open(past), "sigstore.dev")},
			tlogs: []attest.Service{
				svc("https://log2026-1.rekor.sigstore.dev", 2, open(past), "sigstore.dev"),
				svc("https://rekor.sigstore.dev", 1, open(past), "sigstore.dev"),
			},
			wantFulcio: "https://fulcio.sigstore.dev", wantRekor: "https://rekor.sigstore.dev",
		},
		{
			name: "validity_windows",
			ca: []attest.Service{
				svc("https://next.fulcio.example", 1, open(future), "a"),
				svc("https://old.fulcio.example", 1, until(past.Add(-time.Hour), past), "a"),
				svc("https://fulcio.example", 1, until(past, future), "a"),
			},
			tlogs: []attest.Service{
				svc("https://next.rekor.example", 1, open(future), "a"),
				svc("https://rekor.example", 1, until(past, now), "a"),
			},
			wantFulcio: "https://fulcio.example", wantRekor: "https://rekor.example",
		},
		{
			name:  "fulcio_v2_unknown",
			ca:    []attest.Service{svc("https://fulcio.example", 2, open(past), "a")},
			tlogs: []attest.Service{svc("https://rekor.example", 1, open(past), "a")},
			// Rekor is still chosen; Fulcio fails.
			wantRekor: "https://rekor.example", wantErr: true,
		},
		{
			name: "exact_two_operators",
			ca:   []attest.Service{svc("https://fulcio.example", 1, open(past), "a")},
			tlogs: []attest.Service{
				svc("https://rekor-a.example", 1, open(past), "a"),
				svc("https://rekor-a2.example", 1, open(past), "a"),
				svc("https://rekor-b.example", 1, open(past), "b"),
			},
			selector:   attest.ServiceConfig{Selector: "EXACT", Count: 2},
			wantFulcio: "https://fulcio.example", wantRekor: "https://rekor-a.example",
		},
		{
			name: "exact_more_than_listed",
			ca:   []attest.Service{svc("https://fulcio.example", 1, open(past), "a")},
			tlogs: []attest.Service{
				svc("https://rekor-a.example", 1, open(past), "a"),
				svc("https://rekor-a2.example", 1, open(past), "a"),
			},
			selector:   attest.ServiceConfig{Selector: "EXACT", Count: 2},
			wantFulcio: "https://fulcio.example", wantErr: true,
		},
		{
			name:       "only_rekor_v2",
			ca:         []attest.Service{svc("https://fulcio.example", 1, open(past), "a")},
			tlogs:      []attest.Service{svc("https://log.rekor.example", 2, open(past), "a")},
			wantFulcio: "https://fulcio.example", wantErr: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.selector.Selector == "" {
				tc.selector.Selector = "ANY"
			}
			c := &attest.SigningConfig{MediaType: attest.SigningConfigMediaType, CAURLs: tc.ca, RekorTlogURLs: tc.tlogs, RekorTlogConfig: tc.selector}
			f, ferr := c.FulcioURL(now)
			r, rerr := c.RekorURL(now)
			if f != tc.wantFulcio || r != tc.wantRekor {
				t.Errorf("FulcioURL, RekorURL = %q, %q; want %q, %q", f, r, tc.wantFulcio, tc.wantRekor)
			}
			if gotErr := ferr != nil || rerr != nil; gotErr != tc.wantErr {
				t.Errorf("errors %v, %v; want an error: %v", ferr, rerr, tc.wantErr)
			}
		})
	}
}

func TestParseSigningConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "minimal", in: `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","caUrls":[],"rekorTlogUrls":[],"rekorTlogConfig":{"selector":"ANY"}}`},
		{name: "unknown_fields_ignored", in: `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","rekorTlogConfig":{"selector":"ALL"},"future":1}`},
		{name: "old_version", in: `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.1+json","rekorTlogConfig":{"selector":"ANY"}}`, wantErr: true},
		{name: "not_http", in: `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","caUrls":[{"url":"file:///etc/passwd"}],"rekorTlogConfig":{"selector":"ANY"}}`, wantErr: true},
		{name: "relative_url", in: `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","rekorTlogUrls":[{"url":"/api"}],"rekorTlogConfig":{"selector":"ANY"}}`, wantErr: true},
		{name: "unknown_selector", in: `{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json","rekorTlogConfig":{"selector":"SOME"}}`, wantErr: true},
		{name: "not_json", in: `[`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := attest.ParseSigningConfig([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Errorf("ParseSigningConfig(%s): error %v, want error %v", tc.in, err, tc.wantErr)
			}
		})
	}
}
