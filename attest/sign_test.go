package attest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
	"github.com/pypi-publish/pypi-publish/internal/retry"
)

const (
	wheelName = "hello_pkg-1.0.0-py3-none-any.whl"
	wheelSHA  = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

// recorder collects Logf lines and masked secrets.
type recorder struct {
	mu     sync.Mutex
	lines  []string
	masked []string
}

func (r *recorder) logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

func (r *recorder) mask(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.masked = append(r.masked, s)
}

func TestSign_verifies_and_masks_token(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	var rec recorder
	s := env.Signer(t, attest.WithLogf(rec.logf), attest.WithMask(rec.mask))
	att, err := s.Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	if err := attest.Verify(att, wheelName, wheelSHA, env.Identity, env.Root); err != nil {
		t.Errorf("Verify() = %v, want nil", err)
	}
	if len(rec.masked) != 1 || strings.Count(rec.masked[0], ".") != 2 {
		t.Errorf("masked %d secrets, want the one sigstore token", len(rec.masked))
	}
	for _, l := range rec.lines {
		if strings.Contains(l, rec.masked[0]) {
			t.Errorf("log line carries the token: %q", l)
		}
	}
}

// Upstream #415: 60 files with 1-minute certificates. The certificate is
// renewed (fresh token, fresh key) before each use, every attestation
// verifies, and every integrated time lies within its own leaf.
func TestSign_reissues_short_lived_certificates(t *testing.T) {
	t.Parallel()
	clock := attesttest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	env := attesttest.NewEnv(t, attesttest.EnvOptions{Clock: clock.Now, CertLifetime: time.Minute})
	var rec recorder
	s := env.Signer(t, attest.WithLogf(rec.logf))
	for i := range 60 {
		name := fmt.Sprintf("hello_pkg-1.0.%d-py3-none-any.whl", i)
		att, err := s.Sign(context.Background(), name, wheelSHA)
		if err != nil {
			t.Fatalf("Sign(%s) error = %v", name, err)
		}
		if err := attest.Verify(att, name, wheelSHA, env.Identity, env.Root); err != nil {
			t.Fatalf("Verify(%s) = %v", name, err)
		}
		clock.Advance(20 * time.Second)
	}
	if got := len(env.Fulcio.Issued()); got != 60 {
		t.Errorf("Fulcio issued %d certificates, want 60", got)
	}
	if got := env.Issuer.Minted(); got != 60 {
		t.Errorf("minted %d sigstore tokens, want 60 (one per certificate)", got)
	}
	if n := countPrefix(rec.lines, "renewing the signing certificate"); n != 59 {
		t.Errorf("logged %d renewals (AT-10), want 59", n)
	}
}

// With 10-minute certificates the same key and certificate serve many
// files and are renewed only when less than 2 minutes are left.
func TestSign_reuses_certificate_until_margin(t *testing.T) {
	t.Parallel()
	clock := attesttest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	env := attesttest.NewEnv(t, attesttest.EnvOptions{Clock: clock.Now})
	s := env.Signer(t)
	for i := range 20 {
		name := fmt.Sprintf("hello_pkg-1.0.%d-py3-none-any.whl", i)
		att, err := s.Sign(context.Background(), name, wheelSHA)
		if err != nil {
			t.Fatalf("Sign(%s) error = %v", name, err)
		}
		if err := attest.Verify(att, name, wheelSHA, env.Identity, env.Root); err != nil {
			t.Fatalf("Verify(%s) = %v", name, err)
		}
		clock.Advance(time.Minute)
	}
	// Minutes 0..7 on the first certificate, 8..15 on the second, 16..19
	// on the third.
	if got := len(env.Fulcio.Issued()); got != 3 {
		t.Errorf("Fulcio issued %d certificates, want 3", got)
	}
}

func countPrefix(lines []string, p string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, p) {
			n++
		}
	}
	return n
}

func TestSign_retries_transient_failures(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	env.Fulcio.FailNext(http.StatusServiceUnavailable, http.StatusTooManyRequests)
	env.Rekor.FailNext(http.StatusBadGateway)
	var rec recorder
	s := env.Signer(t, attest.WithLogf(rec.logf))
	att, err := s.Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	if err := attest.Verify(att, wheelName, wheelSHA, env.Identity, env.Root); err != nil {
		t.Errorf("Verify() = %v", err)
	}
	if n := countPrefix(rec.lines, "Fulcio: attempt"); n != 2 {
		t.Errorf("logged %d Fulcio retries, want 2", n)
	}
	if n := countPrefix(rec.lines, "Rekor: attempt"); n != 1 {
		t.Errorf("logged %d Rekor retries, want 1", n)
	}
	// Every Fulcio attempt used a fresh token.
	if got := env.Issuer.Minted(); got != 3 {
		t.Errorf("minted %d tokens, want 3", got)
	}
}

// A lost Rekor answer: the retry meets 409 and the entry is fetched from
// Location.
func TestSign_rekor_conflict_fetches_existing_entry(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	env.Rekor.LoseNext(1)
	att, err := env.Signer(t).Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	if err := attest.Verify(att, wheelName, wheelSHA, env.Identity, env.Root); err != nil {
		t.Errorf("Verify() = %v", err)
	}
	if got := env.Rekor.Entries(); got != 1 {
		t.Errorf("Rekor has %d entries, want 1", got)
	}
}

func TestSign_errors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		setup  func(env *attesttest.Env) []attest.Option
		wantID string
	}{
		{"token_fails_AT06", func(env *attesttest.Env) []attest.Option {
			return []attest.Option{attest.WithIDToken(func(context.Context, string) (string, error) {
				return "", errors.New("HTTP 500 from the token service")
			})}
		}, "AT-06"},
		{"fulcio_rejects_AT07", func(env *attesttest.Env) []attest.Option {
			env.Fulcio.FailNext(http.StatusBadRequest)
			return nil
		}, "AT-07"},
		{"fulcio_keeps_failing_AT07", func(env *attesttest.Env) []attest.Option {
			env.Fulcio.FailNext(503, 503, 503, 503)
			return nil
		}, "AT-07"},
		{"fulcio_rejects_token_AT07", func(env *attesttest.Env) []attest.Option {
			other := attesttest.NewEnv(t, attesttest.EnvOptions{})
			return []attest.Option{attest.WithIDToken(func(ctx context.Context, aud string) (string, error) {
				tok, err := other.Issuer.IDToken(ctx, aud)
				return tok[:len(tok)-4] + "AAAA", err
			})}
		}, "AT-07"},
		{"fulcio_outside_trusted_root_AT07", func(env *attesttest.Env) []attest.Option {
			other := attesttest.NewEnv(t, attesttest.EnvOptions{})
			return []attest.Option{attest.WithTrustedRoot(other.Root)}
		}, "AT-07"},
		{"rekor_rejects_AT08", func(env *attesttest.Env) []attest.Option {
			env.Rekor.FailNext(http.StatusBadRequest)
			return nil
		}, "AT-08"},
		{"rekor_unreachable_AT08", func(env *attesttest.Env) []attest.Option {
			return []attest.Option{attest.WithRekorURL("http://127.0.0.1:1")}
		}, "AT-08"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := attesttest.NewEnv(t, attesttest.EnvOptions{})
			s := env.Signer(t, tc.setup(env)...)
			_, err := s.Sign(context.Background(), wheelName, wheelSHA)
			var e *attest.Error
			if !errors.As(err, &e) {
				t.Fatalf("Sign() error = %v, want *attest.Error", err)
			}
			if e.ID != tc.wantID || e.Hint == "" {
				t.Errorf("Sign() error ID = %s (hint %q), want %s with a hint; error: %v", e.ID, e.Hint, tc.wantID, err)
			}
		})
	}
}

func TestSign_canceled(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := env.Signer(t).Sign(ctx, wheelName, wheelSHA); !errors.Is(err, context.Canceled) {
		t.Errorf("Sign(canceled) = %v, want context.Canceled", err)
	}
}

func TestSign_bad_input(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	if _, err := env.Signer(t).Sign(context.Background(), wheelName, "ABC"); err == nil {
		t.Error("Sign(bad digest) = nil, want an error")
	}
	if _, err := attest.NewSigner(); err == nil {
		t.Error("NewSigner() without WithIDToken = nil error, want one")
	}
}

// A log entry integrated after the certificate expired is caught before
// anything is written or uploaded.
func TestSign_rejects_entry_outside_certificate(t *testing.T) {
	t.Parallel()
	late := func() time.Time { return time.Now().Add(20 * time.Minute) }
	env := attesttest.NewEnv(t, attesttest.EnvOptions{Rekor: attesttest.RekorOptions{Clock: late}})
	_, err := env.Signer(t).Sign(context.Background(), wheelName, wheelSHA)
	var e *attest.Error
	if !errors.As(err, &e) || e.ID != "AT-08" || attest.CheckOf(err) != "certificate" {
		t.Errorf("Sign() error = %v, want AT-08 caused by the certificate's validity", err)
	}
}

// Without the CT log in the trusted root, the embedded SCT cannot verify.
func TestVerify_requires_known_ct_log(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	att, err := env.Signer(t).Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(env.RootJSON, &m); err != nil {
		t.Fatal(err)
	}
	m["ctlogs"] = []any{}
	b, _ := json.Marshal(m)
	root, err := attest.ParseTrustedRoot(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := attest.Verify(att, wheelName, wheelSHA, env.Identity, root); attest.CheckOf(err) != "sct" {
		t.Errorf("Verify(root without CT log) = %v, want an sct error", err)
	}
}

// A Fulcio that never answers costs one request deadline per attempt, not a
// hang (upstream #181), and ends in AT-07.
func TestSign_request_deadline(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	s := env.Signer(t, attest.WithFulcioURL(hang.URL), attest.WithRetry(retry.Backoff{Attempts: 2, Min: time.Millisecond, Max: time.Millisecond}))
	attest.SetRequestTimeout(s, 50*time.Millisecond)
	_, err := s.Sign(context.Background(), wheelName, wheelSHA)
	var e *attest.Error
	if !errors.As(err, &e) || e.ID != "AT-07" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Sign() error = %v, want AT-07 after the request deadline", err)
	}
}
