package attest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

// sigstoreRepo serves the embedded Sigstore data (attest/sigstore) under
// the names Sigstore's repository uses, as it was on the day it was taken.
func sigstoreRepo(t *testing.T) (url string, day time.Time) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("sigstore", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var ts, snap, targets struct {
		Signed struct {
			Version int64                     `json:"version"`
			Meta    map[string]tuf.MetaFile   `json:"meta"`
			Targets map[string]tuf.TargetFile `json:"targets"`
		} `json:"signed"`
	}
	files := map[string][]byte{"timestamp.json": read("timestamp.json")}
	for _, f := range []struct {
		name string
		v    any
	}{{"timestamp.json", &ts}, {"snapshot.json", &snap}, {"targets.json", &targets}} {
		if err := json.Unmarshal(read(f.name), f.v); err != nil {
			t.Fatal(err)
		}
	}
	files[fmt.Sprintf("%d.snapshot.json", ts.Signed.Meta["snapshot.json"].Version)] = read("snapshot.json")
	files[fmt.Sprintf("%d.targets.json", snap.Signed.Meta["targets.json"].Version)] = read("targets.json")
	for _, name := range []string{"trusted_root.json", "signing_config.v0.2.json"} {
		files["targets/"+targets.Signed.Targets[name].Hashes["sha256"]+"."+name] = read(name)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	day, err := time.Parse(time.RFC3339, strings.TrimSpace(string(read("refreshed.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	return srv.URL, day
}

// TestEmbeddedTrust_isWhatSigstoreSigned runs the TUF client over the
// embedded files as Sigstore served them: the embedded trusted root and
// signing config are exactly the targets that Sigstore's root keys (the
// embedded root.json) signed for, through timestamp, snapshot and targets.
func TestEmbeddedTrust_isWhatSigstoreSigned(t *testing.T) {
	t.Parallel()
	url, day := sigstoreRepo(t)
	got, err := attest.FetchTrust(t.Context(), attest.WithTUFURL(url), attest.WithTUFClock(func() time.Time { return day.Add(time.Minute) }))
	if err != nil {
		t.Fatalf("FetchTrust over the embedded files: %v", err)
	}
	emb := attest.EmbeddedTrust()
	if diff := cmp.Diff(emb.SigningConfig, got.SigningConfig); diff != "" {
		t.Errorf("signing config mismatch (-embedded +TUF):\n%s", diff)
	}
	if diff := cmp.Diff(emb.Root.Tlogs, got.Root.Tlogs); diff != "" {
		t.Errorf("trusted root tlogs mismatch (-embedded +TUF):\n%s", diff)
	}
	if !got.Fetched || emb.Fetched {
		t.Errorf("Fetched = %v (TUF), %v (embedded); want true, false", got.Fetched, emb.Fetched)
	}
	if got.Versions["root"] < 15 {
		t.Errorf("TUF root version %d, want at least 15", got.Versions["root"])
	}
	// A week later the embedded timestamp has expired: the update fails
	// (and a run falls back to the embedded data).
	_, err = attest.FetchTrust(t.Context(), attest.WithTUFURL(url), attest.WithTUFClock(func() time.Time { return day.Add(8 * 24 * time.Hour) }))
	if !errors.Is(err, tuf.ErrExpired) {
		t.Errorf("FetchTrust a week later: error %v, want %v", err, tuf.ErrExpired)
	}
}

func TestEmbeddedTrust(t *testing.T) {
	t.Parallel()
	emb := attest.EmbeddedTrust()
	if emb.Root != attest.ProductionRoot() {
		t.Error("EmbeddedTrust().Root is not ProductionRoot()")
	}
	if emb.Date.IsZero() || emb.Date.After(time.Now()) {
		t.Errorf("EmbeddedTrust().Date = %v, want a past date", emb.Date)
	}
	at := emb.Date
	fulcio, err := emb.SigningConfig.FulcioURL(at)
	if err != nil || fulcio != "https://fulcio.sigstore.dev" {
		t.Errorf("embedded FulcioURL = %q, %v; want https://fulcio.sigstore.dev", fulcio, err)
	}
	rekor, err := emb.SigningConfig.RekorURL(at)
	if err != nil || rekor != "https://rekor.sigstore.dev" {
		t.Errorf("embedded RekorURL = %q, %v; want https://rekor.sigstore.dev", rekor, err)
	}
}

func TestFetchTrust_fakeRepository(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	want := env.SigningConfig() // once: its start time comes from a live clock
	repo := attesttest.NewTUF(t, env.RootJSON, want)
	got, err := attest.FetchTrust(t.Context(), attest.WithTUFURL(repo.URL), attest.WithTUFRoot(repo.RootJSON()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(env.Root.Tlogs, got.Root.Tlogs); diff != "" {
		t.Errorf("trusted root tlogs mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got.SigningConfig); diff != "" {
		t.Errorf("signing config mismatch (-want +got):\n%s", diff)
	}
	// The fetched trust is enough to sign: URLs from the signing config.
	s, err := attest.NewSigner(attest.WithTrust(got), attest.WithIDToken(env.Issuer.IDToken), attest.WithClock(env.Clock))
	if err != nil {
		t.Fatal(err)
	}
	if f, r := s.Services(); f != env.Fulcio.URL || r != env.Rekor.URL {
		t.Errorf("Services() = %q, %q; want %q, %q", f, r, env.Fulcio.URL, env.Rekor.URL)
	}
	att, err := s.Sign(t.Context(), "hello_pkg-1.0.0-py3-none-any.whl", strings.Repeat("a", 64))
	if err != nil {
		t.Fatal(err)
	}
	if err := attest.Verify(att, "hello_pkg-1.0.0-py3-none-any.whl", strings.Repeat("a", 64), env.Identity, got.Root); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestFetchTrust_errors(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	cases := []struct {
		name string
		// setup returns the repository URL and root to start from.
		setup   func(t *testing.T) (string, []byte)
		wantErr error
		wantMsg string
	}{
		{
			name: "no_signing_config",
			setup: func(t *testing.T) (string, []byte) {
				repo := attesttest.NewTUF(t, env.RootJSON, nil)
				return repo.URL, repo.RootJSON()
			},
			wantErr: tuf.ErrNotFound,
		},
		{
			name: "trusted_root_not_json",
			setup: func(t *testing.T) (string, []byte) {
				repo := attesttest.NewTUF(t, []byte("{"), env.SigningConfig())
				return repo.URL, repo.RootJSON()
			},
			wantMsg: "failed to parse trusted root",
		},
		{
			name: "signing_config_of_another_version",
			setup: func(t *testing.T) (string, []byte) {
				sc := env.SigningConfig()
				sc.MediaType = "application/vnd.dev.sigstore.signingconfig.v0.1+json"
				repo := attesttest.NewTUF(t, env.RootJSON, sc)
				return repo.URL, repo.RootJSON()
			},
			wantMsg: "unknown media type",
		},
		{
			name: "root_of_another_repository",
			setup: func(t *testing.T) (string, []byte) {
				repo := attesttest.NewTUF(t, env.RootJSON, env.SigningConfig())
				other := attesttest.NewTUF(t, env.RootJSON, env.SigningConfig())
				return repo.URL, other.RootJSON()
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "embedded_root_against_a_fake",
			setup: func(t *testing.T) (string, []byte) {
				repo := attesttest.NewTUF(t, env.RootJSON, env.SigningConfig())
				return repo.URL, nil
			},
			wantErr: tuf.ErrSignatures,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url, root := tc.setup(t)
			// At the embedded data's date, when its root was still valid.
			day := func() time.Time { return attest.EmbeddedTrust().Date }
			_, err := attest.FetchTrust(t.Context(), attest.WithTUFURL(url), attest.WithTUFRoot(root), attest.WithTUFClock(day))
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("FetchTrust: error %v, want %v %q", err, tc.wantErr, tc.wantMsg)
			}
		})
	}
}

// TestLoadTrust_offline: with the repository unreachable, LoadTrust returns
// the embedded data and the reason, quickly, within its timeout.
func TestLoadTrust_offline(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	got, err := attest.LoadTrust(t.Context(), attest.WithTUFURL(url), attest.WithTUFTimeout(5*time.Second))
	if err == nil {
		t.Fatal("LoadTrust: no error from a closed server")
	}
	if got != attest.EmbeddedTrust() {
		t.Errorf("LoadTrust offline = %+v, want EmbeddedTrust()", got)
	}
	if !strings.Contains(err.Error(), url) {
		t.Errorf("LoadTrust error %q does not name %s", err, url)
	}
}

// TestLoadTrust_hang: a repository that never answers is given up at the
// timeout.
func TestLoadTrust_hang(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	got, err := attest.LoadTrust(t.Context(), attest.WithTUFURL(srv.URL), attest.WithTUFTimeout(100*time.Millisecond))
	if err == nil || got != attest.EmbeddedTrust() {
		t.Errorf("LoadTrust = %v, %v; want the embedded trust and a deadline error", got, err)
	}
}

func TestSigner_servicesFromSigningConfig(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	now := env.Clock()
	sc := env.SigningConfig()
	end := now.Add(-time.Minute)
	// Preferred but retired Fulcio; a Rekor v2 log first; an expired v1 log.
	sc.CAURLs = append([]attest.Service{{URL: "https://retired-fulcio.example", MajorAPIVersion: 1, ValidFor: attest.ValidFor{Start: now.Add(-48 * time.Hour), End: &end}}}, sc.CAURLs...)
	sc.RekorTlogURLs = append([]attest.Service{
		{URL: "https://log2099.rekor.example", MajorAPIVersion: 2, ValidFor: attest.ValidFor{Start: now.Add(-time.Hour)}, Operator: "fake.sigstore.test"},
		{URL: "https://old-rekor.example", MajorAPIVersion: 1, ValidFor: attest.ValidFor{Start: now.Add(-48 * time.Hour), End: &end}, Operator: "old"},
	}, sc.RekorTlogURLs...)
	cases := []struct {
		name             string
		opts             []attest.Option
		wantFulcio, want string
	}{
		{name: "from_the_config", wantFulcio: env.Fulcio.URL, want: env.Rekor.URL},
		{name: "overridden", opts: []attest.Option{attest.WithFulcioURL("https://f.example"), attest.WithRekorURL("https://r.example")}, wantFulcio: "https://f.example", want: "https://r.example"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]attest.Option{attest.WithSigningConfig(sc), attest.WithIDToken(env.Issuer.IDToken), attest.WithClock(env.Clock)}, tc.opts...)
			s, err := attest.NewSigner(opts...)
			if err != nil {
				t.Fatal(err)
			}
			if f, r := s.Services(); f != tc.wantFulcio || r != tc.want {
				t.Errorf("Services() = %q, %q; want %q, %q", f, r, tc.wantFulcio, tc.want)
			}
		})
	}
	// With no Rekor v1 log left, NewSigner fails with AT-08.
	sc2 := env.SigningConfig()
	sc2.RekorTlogURLs[0].MajorAPIVersion = 2
	_, err := attest.NewSigner(attest.WithSigningConfig(sc2), attest.WithIDToken(env.Issuer.IDToken))
	var ae *attest.Error
	if !errors.As(err, &ae) || ae.ID != "AT-08" {
		t.Errorf("NewSigner with only Rekor v2: error %v, want AT-08", err)
	}
}

func TestParseTrustedRoot_newMediaType(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	b := bytes.Replace(env.RootJSON, []byte(attest.TrustedRootMediaType), []byte(attest.TrustedRootMediaTypeV01), 1)
	if _, err := attest.ParseTrustedRoot(b); err != nil {
		t.Errorf("ParseTrustedRoot(%s): %v", attest.TrustedRootMediaTypeV01, err)
	}
}
