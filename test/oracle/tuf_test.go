package oracle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/internal/tuf"
	"github.com/pypi-publish/pypi-publish/internal/tuf/tuftest"
)

// Oracle B: go-tuf v2 (the TUF reference client in Go, which sigstore-go
// uses) runs over the same fake repositories as the native client in
// internal/tuf. For every shared scenario both accept, with the same
// target bytes and trusted versions, or both reject.

// goTUF updates with go-tuf from root, with the trusted timestamp and
// snapshot as its local metadata, and returns the target and the trusted
// versions.
func goTUF(t *testing.T, url string, root, ts, snap []byte, sc tuftest.Scenario, refTime time.Time) ([]byte, map[string]int64, error) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.New(url, root)
	if err != nil {
		t.Fatal(err)
	}
	cfg.LocalMetadataDir = filepath.Join(dir, "metadata")
	cfg.LocalTargetsDir = filepath.Join(dir, "targets")
	if sc.MaxRootRotations > 0 {
		cfg.MaxRootRotations = int64(sc.MaxRootRotations)
	}
	if sc.TimestampLimit > 0 {
		cfg.TimestampMaxLength = sc.TimestampLimit
	}
	if err := os.MkdirAll(cfg.LocalMetadataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"timestamp.json": ts, "snapshot.json": snap} {
		if b != nil {
			if err := os.WriteFile(filepath.Join(cfg.LocalMetadataDir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	up, err := updater.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	if !refTime.IsZero() {
		up.UnsafeSetRefTime(refTime)
	}
	if err := up.Refresh(); err != nil {
		return nil, nil, err
	}
	name := sc.Target
	if name == "" {
		name = tuftest.TargetName
	}
	ti, err := up.GetTargetInfo(name)
	if err != nil {
		return nil, nil, err
	}
	_, b, err := up.DownloadTarget(ti, filepath.Join(dir, "target"), "")
	if err != nil {
		return nil, nil, err
	}
	m := up.GetTrustedMetadataSet()
	return b, map[string]int64{
		"root": m.Root.Signed.Version, "timestamp": m.Timestamp.Signed.Version,
		"snapshot": m.Snapshot.Signed.Version, "targets": m.Targets["targets"].Signed.Version,
	}, nil
}

// native is the same update with internal/tuf.
func native(ctx context.Context, url string, root, ts, snap []byte, sc tuftest.Scenario, clock func() time.Time) ([]byte, map[string]int64, error) {
	opts := []tuf.Option{tuf.WithTrustedMetadata(ts, snap), tuf.WithLimits(tuf.Limits{Timestamp: sc.TimestampLimit}), tuf.WithClock(clock)}
	if sc.MaxRootRotations > 0 {
		opts = append(opts, tuf.WithMaxRootRotations(sc.MaxRootRotations))
	}
	c, err := tuf.New(url, root, opts...)
	if err != nil {
		return nil, nil, err
	}
	if err := c.Update(ctx); err != nil {
		return nil, nil, err
	}
	name := sc.Target
	if name == "" {
		name = tuftest.TargetName
	}
	b, err := c.Target(ctx, name, 1<<20)
	return b, c.Versions(), err
}

// knownDivergences are scenarios where go-tuf v2.4.2 and the native client
// differ on purpose, and why. The test checks that they still differ.
var knownDivergences = map[string]string{
	// go-tuf reads spec_version but never checks it; python-tuf (the
	// reference implementation) rejects a major version other than 1, and
	// so does the native client.
	"unsupported_spec_version": "go-tuf accepts metadata of specification version 2",
}

func TestGoTUF_scenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range tuftest.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			r, root, ts, snap, err := sc.Build()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(r.Close)
			want, wantV, wantErr := goTUF(t, r.URL, root, ts, snap, sc, time.Time{})
			got, gotV, gotErr := native(t.Context(), r.URL, root, ts, snap, sc, time.Now)
			if why, ok := knownDivergences[sc.Name]; ok {
				if wantErr != nil || gotErr == nil {
					t.Errorf("known divergence (%s) is gone: native error %v, go-tuf error %v", why, gotErr, wantErr)
				}
				return
			}
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("native error %v, go-tuf error %v: they disagree", gotErr, wantErr)
			}
			if (gotErr == nil) != (sc.WantErr == nil) {
				t.Errorf("both errors %v / %v, scenario expects %v", gotErr, wantErr, sc.WantErr)
			}
			if gotErr != nil {
				t.Logf("both reject: native %v; go-tuf %v", gotErr, wantErr)
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("target: native %q, go-tuf %q", got, want)
			}
			if diff := cmp.Diff(wantV, gotV); diff != "" {
				t.Errorf("trusted versions mismatch (-go-tuf +native):\n%s", diff)
			}
		})
	}
}

// TestGoTUF_embeddedSigstoreData: go-tuf agrees that the trusted root and
// signing config embedded in attest are what Sigstore's root keys (the
// embedded root.json) signed for, on the day they were taken.
func TestGoTUF_embeddedSigstoreData(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "attest", "sigstore")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var ts, snap, targets struct {
		Signed struct {
			Meta    map[string]tuf.MetaFile   `json:"meta"`
			Targets map[string]tuf.TargetFile `json:"targets"`
		} `json:"signed"`
	}
	for name, v := range map[string]any{"timestamp.json": &ts, "snapshot.json": &snap, "targets.json": &targets} {
		if err := json.Unmarshal(read(name), v); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string][]byte{
		"timestamp.json": read("timestamp.json"),
		fmt.Sprintf("%d.snapshot.json", ts.Signed.Meta["snapshot.json"].Version): read("snapshot.json"),
		fmt.Sprintf("%d.targets.json", snap.Signed.Meta["targets.json"].Version): read("targets.json"),
	}
	for _, name := range []string{"trusted_root.json", "signing_config.v0.2.json"} {
		files["targets/"+targets.Signed.Targets[name].Hashes["sha256"]+"."+name] = read(name)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := files[strings.TrimPrefix(r.URL.Path, "/")]; ok {
			_, _ = w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	day := attest.EmbeddedTrust().Date.Add(time.Minute)
	for _, name := range []string{"trusted_root.json", "signing_config.v0.2.json"} {
		sc := tuftest.Scenario{Target: name}
		want, wantV, err := goTUF(t, srv.URL, read("root.json"), nil, nil, sc, day)
		if err != nil {
			t.Fatalf("go-tuf: %v", err)
		}
		got, gotV, err := native(t.Context(), srv.URL, read("root.json"), read("timestamp.json"), read("snapshot.json"), sc, func() time.Time { return day })
		if err != nil {
			t.Fatalf("native: %v", err)
		}
		if !bytes.Equal(want, read(name)) || !bytes.Equal(got, want) {
			t.Errorf("%s: go-tuf and native do not both return the embedded file", name)
		}
		if diff := cmp.Diff(wantV, gotV); diff != "" {
			t.Errorf("trusted versions mismatch (-go-tuf +native):\n%s", diff)
		}
	}
}
