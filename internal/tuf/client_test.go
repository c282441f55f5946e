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

var targetContent = []byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`)

// newRepo returns a fake repository listing trusted_root.json (root v1,
// every other role at v2) and the root a client starts from.
func newRepo(t *testing.T, o tuftest.Options) (*tuftest.Repo, []byte) {
	t.Helper()
	r, err := tuftest.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	r.AddTarget("trusted_root.json", targetContent)
	must(t, r.Publish())
	return r, r.RootJSON()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sign(t *testing.T, r *tuftest.Repo, role string, v any) []byte {
	t.Helper()
	b, err := r.Sign(role, v)
	must(t, err)
	return b
}

// publishN publishes n more versions of targets, snapshot and timestamp.
func publishN(t *testing.T, r *tuftest.Repo, n int) {
	t.Helper()
	for range n {
		must(t, r.Publish())
	}
}

func TestClient_update(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts tuftest.Options
		// setup edits the repository; it returns extra client options.
		setup   func(t *testing.T, r *tuftest.Repo) []tuf.Option
		target  string
		wantErr error
		// want are the trusted versions after a successful update.
		want map[string]int64
	}{
		{
			name: "fresh",
			want: map[string]int64{"root": 1, "timestamp": 2, "snapshot": 2, "targets": 2},
		},
		{
			name: "not_consistent",
			opts: tuftest.Options{NotConsistent: true},
			want: map[string]int64{"root": 1, "timestamp": 2, "snapshot": 2, "targets": 2},
		},
		{
			name: "meta_hashes",
			opts: tuftest.Options{MetaHashes: true},
			want: map[string]int64{"root": 1, "timestamp": 2, "snapshot": 2, "targets": 2},
		},
		{
			name: "root_rotation",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				must(t, r.RotateKeys("root", "timestamp"))
				must(t, r.RotateKeys("root", "snapshot", "targets"))
				must(t, r.RotateKeys())
				must(t, r.Publish())
				return nil
			},
			want: map[string]int64{"root": 4, "timestamp": 3, "snapshot": 3, "targets": 3},
		},
		{
			name: "root_rotation_limit",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				must(t, r.RotateKeys("root"))
				must(t, r.RotateKeys("root", "timestamp"))
				must(t, r.Publish())
				// Stopping at root v2, the timestamp key is unknown.
				return []tuf.Option{tuf.WithMaxRootRotations(1)}
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "root_too_few_old_signatures",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				old := r.Keys("root")
				must(t, r.ReplaceKeys("root"))
				// 1 of the 2 old signatures needed, and every new one.
				must(t, r.PublishRoot(append([]*tuftest.Key{old[0]}, r.Keys("root")...)...))
				return nil
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "root_not_signed_by_its_own_keys",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				old := r.Keys("root")
				must(t, r.ReplaceKeys("root"))
				must(t, r.PublishRoot(old...))
				return nil
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "root_version_skipped",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Root.Version = 2 // published as 3, served as 2.root.json
				must(t, r.PublishRoot(r.Keys("root")...))
				r.Put("2.root.json", r.File("3.root.json"))
				return nil
			},
			wantErr: tuf.ErrVersion,
		},
		{
			name: "root_expired",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Expiry["root"] = -time.Minute
				must(t, r.PublishRoot(r.Keys("root")...))
				return nil
			},
			wantErr: tuf.ErrExpired,
		},
		{
			name: "expired_root_replaced_by_a_valid_one",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Expiry["root"] = -time.Minute
				must(t, r.PublishRoot(r.Keys("root")...))
				r.Expiry["root"] = time.Hour
				must(t, r.PublishRoot(r.Keys("root")...))
				return nil
			},
			want: map[string]int64{"root": 3, "timestamp": 2, "snapshot": 2, "targets": 2},
		},
		{
			name: "timestamp_expired",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Expiry["timestamp"] = -time.Second
				must(t, r.Publish())
				return nil
			},
			wantErr: tuf.ErrExpired,
		},
		{
			name: "snapshot_expired",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Expiry["snapshot"] = -time.Second
				must(t, r.Publish())
				return nil
			},
			wantErr: tuf.ErrExpired,
		},
		{
			name: "targets_expired",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Expiry["targets"] = -time.Second
				must(t, r.Publish())
				return nil
			},
			wantErr: tuf.ErrExpired,
		},
		{
			name: "timestamp_signed_by_an_unknown_key",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				k, err := tuftest.NewKey(tuftest.ECDSA)
				must(t, err)
				b, err := r.SignWith(r.Timestamp, k)
				must(t, err)
				r.Put("timestamp.json", b)
				return nil
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "timestamp_signed_by_the_snapshot_key",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Put("timestamp.json", sign(t, r, "snapshot", r.Timestamp))
				return nil
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "timestamp_tampered_after_signing",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				b := r.File("timestamp.json")
				r.Put("timestamp.json", bytes.Replace(b, []byte(`"version": 2`), []byte(`"version": 3`), 1))
				if bytes.Equal(b, r.File("timestamp.json")) {
					t.Fatal("nothing replaced")
				}
				return nil
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "targets_signature_without_a_threshold",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				// Two targets keys, threshold 2, only one signs.
				k, err := tuftest.NewKey(tuftest.RSA)
				must(t, err)
				role := r.Root.Roles["targets"]
				role.KeyIDs = append(role.KeyIDs, k.ID)
				role.Threshold = 2
				r.Root.Roles["targets"] = role
				r.Root.Keys[k.ID] = k.Public
				must(t, r.PublishRoot(r.Keys("root")...))
				must(t, r.Publish())
				return nil
			},
			wantErr: tuf.ErrSignatures,
		},
		{
			name: "timestamp_rollback",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				old := r.File("timestamp.json")
				publishN(t, r, 2)
				floor := r.File("timestamp.json")
				r.Put("timestamp.json", old)
				return []tuf.Option{tuf.WithTrustedMetadata(floor, nil)}
			},
			wantErr: tuf.ErrRollback,
		},
		{
			name: "timestamp_snapshot_version_rollback",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				publishN(t, r, 2)
				floor := r.File("timestamp.json")
				r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 2}
				must(t, r.PublishTimestamp())
				return []tuf.Option{tuf.WithTrustedMetadata(floor, nil)}
			},
			wantErr: tuf.ErrRollback,
		},
		{
			name: "snapshot_targets_version_rollback",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				publishN(t, r, 1)
				floor := r.File("3.snapshot.json")
				r.Snapshot.Meta["targets.json"] = tuf.MetaFile{Version: 2}
				r.Snapshot.Version = 4
				r.Put("4.snapshot.json", sign(t, r, "snapshot", r.Snapshot))
				r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 4}
				must(t, r.PublishTimestamp())
				return []tuf.Option{tuf.WithTrustedMetadata(nil, floor)}
			},
			wantErr: tuf.ErrRollback,
		},
		{
			name: "snapshot_drops_a_listed_file",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Snapshot.Meta["other.json"] = tuf.MetaFile{Version: 1}
				must(t, r.Publish())
				floor := r.File("3.snapshot.json")
				delete(r.Snapshot.Meta, "other.json")
				must(t, r.Publish())
				return []tuf.Option{tuf.WithTrustedMetadata(nil, floor)}
			},
			wantErr: tuf.ErrRollback,
		},
		{
			name: "floors_at_the_current_versions",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				return []tuf.Option{tuf.WithTrustedMetadata(r.File("timestamp.json"), r.File("2.snapshot.json"))}
			},
			want: map[string]int64{"root": 1, "timestamp": 2, "snapshot": 2, "targets": 2},
		},
		{
			name: "expired_floors_still_count",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Expiry["timestamp"] = -time.Hour
				must(t, r.PublishTimestamp())
				floor := r.File("timestamp.json")
				r.Expiry["timestamp"] = time.Hour
				must(t, r.Publish())
				return []tuf.Option{tuf.WithTrustedMetadata(floor, nil)}
			},
			want: map[string]int64{"root": 1, "timestamp": 4, "snapshot": 3, "targets": 3},
		},
		{
			name: "floor_of_a_rotated_timestamp_key_is_dropped",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				publishN(t, r, 3)
				floor := r.File("timestamp.json") // version 5
				must(t, r.RotateKeys("timestamp"))
				r.Timestamp.Version = 0
				must(t, r.PublishTimestamp())
				return []tuf.Option{tuf.WithTrustedMetadata(floor, nil)}
			},
			want: map[string]int64{"root": 2, "timestamp": 1, "snapshot": 5, "targets": 5},
		},
		{
			name: "snapshot_version_differs_from_timestamp",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Snapshot.Version = 7
				r.Put("3.snapshot.json", sign(t, r, "snapshot", r.Snapshot))
				r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 3}
				must(t, r.PublishTimestamp())
				return nil
			},
			wantErr: tuf.ErrVersion,
		},
		{
			name: "targets_version_differs_from_snapshot",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Put("3.targets.json", r.File("2.targets.json"))
				r.Snapshot.Meta["targets.json"] = tuf.MetaFile{Version: 3}
				r.Snapshot.Version++
				r.Put("3.snapshot.json", sign(t, r, "snapshot", r.Snapshot))
				r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 3}
				must(t, r.PublishTimestamp())
				return nil
			},
			wantErr: tuf.ErrVersion,
		},
		{
			name: "snapshot_hash_mismatch",
			opts: tuftest.Options{MetaHashes: true},
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				b := r.File("2.snapshot.json")
				r.Put("2.snapshot.json", bytes.Replace(b, []byte(`"_type"`), []byte(`"_typ_"`), 1))
				return nil
			},
			wantErr: tuf.ErrLengthOrHash,
		},
		{
			name: "snapshot_longer_than_listed",
			opts: tuftest.Options{MetaHashes: true},
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Put("2.snapshot.json", append(r.File("2.snapshot.json"), '\n'))
				return nil
			},
			wantErr: tuf.ErrTooLarge,
		},
		{
			name: "target_hash_mismatch",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				b := bytes.ToUpper(targetContent)
				for _, p := range []string{"targets/" + r.Targets.Targets["trusted_root.json"].Hashes["sha256"] + ".trusted_root.json"} {
					r.Put(p, b)
				}
				return nil
			},
			wantErr: tuf.ErrLengthOrHash,
		},
		{
			name: "target_longer_than_listed",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Put("targets/"+r.Targets.Targets["trusted_root.json"].Hashes["sha256"]+".trusted_root.json", append(targetContent, ' '))
				return nil
			},
			wantErr: tuf.ErrTooLarge,
		},
		{
			name: "target_shorter_than_listed",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Put("targets/"+r.Targets.Targets["trusted_root.json"].Hashes["sha256"]+".trusted_root.json", targetContent[1:])
				return nil
			},
			wantErr: tuf.ErrLengthOrHash,
		},
		{
			name:    "target_not_listed",
			target:  "signing_config.v0.2.json",
			wantErr: tuf.ErrNotFound,
		},
		{
			name: "timestamp_over_the_size_bound",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				return []tuf.Option{tuf.WithLimits(tuf.Limits{Timestamp: 100})}
			},
			wantErr: tuf.ErrTooLarge,
		},
		{
			name: "timestamp_missing",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Delete("timestamp.json")
				return nil
			},
			wantErr: tuf.ErrNotFound,
		},
		{
			name: "timestamp_is_a_snapshot",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Put("timestamp.json", sign(t, r, "timestamp", r.Snapshot))
				return nil
			},
			wantErr: tuf.ErrMalformed,
		},
		{
			name: "unsupported_spec_version",
			setup: func(t *testing.T, r *tuftest.Repo) []tuf.Option {
				r.Timestamp.SpecVersion = "2.0.0"
				must(t, r.PublishTimestamp())
				return nil
			},
			wantErr: tuf.ErrMalformed,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, root := newRepo(t, tc.opts)
			var opts []tuf.Option
			if tc.setup != nil {
				opts = tc.setup(t, r)
			}
			c, err := tuf.New(r.URL, root, opts...)
			must(t, err)
			got, err := update(t.Context(), c, tc.target)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Update and Target: error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Update and Target: %v", err)
			}
			if !bytes.Equal(got, targetContent) {
				t.Errorf("Target = %q, want %q", got, targetContent)
			}
			if diff := cmp.Diff(tc.want, c.Versions()); diff != "" {
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
