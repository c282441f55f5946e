package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

// TestUpdate refreshes a directory from a fake Sigstore TUF repository that
// rotated its root and timestamp keys since the directory's root.
func TestUpdate(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	repo := attesttest.NewTUF(t, env.RootJSON, env.SigningConfig())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "root.json"), repo.RootJSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := repo.RotateKeys("root", "timestamp"); err != nil {
		t.Fatal(err)
	}
	if err := repo.Publish(nil, nil); err != nil {
		t.Fatal(err)
	}
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := update(t.Context(), dir, repo.URL, out); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"root.json": repo.File("2.root.json"), "timestamp.json": repo.File("timestamp.json"), "trusted_root.json": env.RootJSON} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: not the repository's (%v)", name, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "signing_config.v0.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attest.ParseSigningConfig(b); err != nil {
		t.Errorf("signing config: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "refreshed.txt")); err != nil {
		t.Errorf("no date: %v", err)
	}
	// A broken timestamp is refused, and nothing is written.
	before, _ := os.ReadFile(filepath.Join(dir, "timestamp.json"))
	repo.Put("timestamp.json", repo.File("timestamp.json")[:10])
	if err := update(t.Context(), dir, repo.URL, out); err == nil {
		t.Error("update from a broken repository: no error")
	}
	after, _ := os.ReadFile(filepath.Join(dir, "timestamp.json"))
	if !bytes.Equal(before, after) {
		t.Error("a failed update changed timestamp.json")
	}
}
