package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
	"github.com/pypi-publish/pypi-publish/internal/tuf/tuftest"
)

// newRepo returns a fake repository listing trusted_root.json (root v1,
// every other role at v2) and the root a client starts from.
func newRepo(t *testing.T, o tuftest.Options) (*tuftest.Repo, []byte) {
	t.Helper()
	r, err := tuftest.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	r.AddTarget(tuftest.TargetName, tuftest.TargetContent)
	must(t, r.Publish())
	return r, r.RootJSON()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// publishN publishes n more versions of targets, snapshot and timestamp.
func publishN(t *testing.T, r *tuftest.Repo, n int) {
	t.Helper()
	for range n {
		must(t, r.Publish())
	}
}

// TestClient_update runs the client over every shared scenario (the go-tuf
// oracle in test/oracle runs the same list).
func TestClient_update(t *testing.T) {
	t.Parallel()
	for _, sc := range tuftest.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			r, root, ts, snap, err := sc.Build()
			must(t, err)
			t.Cleanup(r.Close)
			opts := []tuf.Option{tuf.WithTrustedMetadata(ts, snap), tuf.WithLimits(tuf.Limits{Timestamp: sc.TimestampLimit})}
			if sc.MaxRootRotations > 0 {
				opts = append(opts, tuf.WithMaxRootRotations(sc.MaxRootRotations))
			}
			c, err := tuf.New(r.URL, root, opts...)
			must(t, err)
			got, err := update(t.Context(), c, sc.Target)
			if sc.WantErr != nil {
				if !errors.Is(err, sc.WantErr) {
					t.Fatalf("Update and Target: error %v, want %v", err, sc.WantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Update and Target: %v", err)
			}
			if !bytes.Equal(got, tuftest.TargetContent) {
				t.Errorf("Target = %q, want %q", got, tuftest.TargetContent)
			}
			if diff := cmp.Diff(sc.Want, c.Versions()); diff != "" {
				t.Errorf("Versions() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func update(ctx context.Context, c *tuf.Client, target string) ([]byte, error) {
	if target == "" {
		target = "trusted_root.json"
	}
	if err := c.Update(ctx); err != nil {
		return nil, err
	}
	return c.Target(ctx, target, 1<<20)
}

func TestNew_rejectsRoots(t *testing.T) {
	t.Parallel()
	r, root := newRepo(t, tuftest.Options{})
	unsigned, err := r.SignWith(r.Root, r.Keys("root")[0])
	must(t, err)
	cases := []struct {
		name    string
		root    []byte
		url     string
		wantErr error
	}{
		{name: "below_threshold", root: unsigned, url: r.URL, wantErr: tuf.ErrSignatures},
		{name: "not_json", root: []byte("{"), url: r.URL, wantErr: tuf.ErrMalformed},
		{name: "timestamp_as_root", root: r.File("timestamp.json"), url: r.URL, wantErr: tuf.ErrMalformed},
		{name: "bad_url", root: root, url: "file:///etc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tuf.New(tc.url, tc.root)
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Errorf("New: error %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestClient_deadline(t *testing.T) {
	t.Parallel()
	_, root := newRepo(t, tuftest.Options{})
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-block:
		case <-req.Context().Done():
		}
		http.NotFound(w, req)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(block) })
	c, err := tuf.New(srv.URL, root, tuf.WithRequestTimeout(50*time.Millisecond))
	must(t, err)
	if err := c.Update(t.Context()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Update: error %v, want %v", err, context.DeadlineExceeded)
	}
}

func TestClient_serverError(t *testing.T) {
	t.Parallel()
	r, root := newRepo(t, tuftest.Options{})
	r.SetStatus("2.snapshot.json", http.StatusServiceUnavailable)
	c, err := tuf.New(r.URL, root)
	must(t, err)
	err = c.Update(t.Context())
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("503")) {
		t.Errorf("Update: error %v, want one naming HTTP 503", err)
	}
	if _, err := c.Target(t.Context(), "trusted_root.json", 1<<20); err == nil {
		t.Error("Target after a failed Update: no error")
	}
}

func TestClient_targetTooLargeIsNotDownloaded(t *testing.T) {
	t.Parallel()
	r, root := newRepo(t, tuftest.Options{})
	c, err := tuf.New(r.URL, root)
	must(t, err)
	must(t, c.Update(t.Context()))
	path := "targets/" + r.Targets.Targets["trusted_root.json"].Hashes["sha256"] + ".trusted_root.json"
	if _, err := c.Target(t.Context(), "trusted_root.json", 10); !errors.Is(err, tuf.ErrTooLarge) {
		t.Errorf("Target: error %v, want %v", err, tuf.ErrTooLarge)
	}
	if n := r.Requests(path); n != 0 {
		t.Errorf("Requests(%s) = %d, want 0", path, n)
	}
}

func TestClient_metadata(t *testing.T) {
	t.Parallel()
	r, root := newRepo(t, tuftest.Options{})
	must(t, r.RotateKeys("root"))
	c, err := tuf.New(r.URL, root)
	must(t, err)
	must(t, c.Update(t.Context()))
	for role, path := range map[string]string{"root": "2.root.json", "timestamp": "timestamp.json", "snapshot": "2.snapshot.json", "targets": "2.targets.json"} {
		if !bytes.Equal(c.Metadata(role), r.File(path)) {
			t.Errorf("Metadata(%q) is not %s", role, path)
		}
	}
	if c.Metadata("nothing") != nil {
		t.Error(`Metadata("nothing") is not nil`)
	}
	// A second update starts from what the first trusted.
	publishN(t, r, 1)
	must(t, c.Update(t.Context()))
	if got, want := c.Versions()["timestamp"], int64(3); got != want {
		t.Errorf("timestamp version after a second update = %d, want %d", got, want)
	}
}
