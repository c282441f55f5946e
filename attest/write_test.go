package attest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

// TestPrepare_symlinkRefused is issue 12's attack: a pull request plants
// "<dist>.publish.attestation" as a symbolic link to a file outside the
// workspace (existing, or not yet existing). Prepare refuses it with an
// error naming the path and the reason, and writes nothing through it.
func TestPrepare_symlinkRefused(t *testing.T) {
	t.Parallel()
	for _, existing := range []bool{true, false} {
		name := map[bool]string{true: "to_existing_file", false: "dangling"}[existing]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := attesttest.NewEnv(t, attesttest.EnvOptions{})
			dir, outside := t.TempDir(), t.TempDir()
			target := filepath.Join(outside, ".bashrc")
			if existing {
				if err := os.WriteFile(target, []byte("original"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := subjectIn(t, dir, wheelName, wheelSHA)
			link := s.Path + attest.PublishSuffix
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			_, err := attest.Prepare(context.Background(), env.Signer(t), []attest.Subject{s}, env.Identity, env.Root)
			var e *attest.Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, link) || !strings.Contains(e.Message, "symbolic link") {
				t.Fatalf("Prepare() error = %v, want an *Error naming %s as a symbolic link", err, link)
			}
			got, rerr := os.ReadFile(target)
			switch {
			case existing && string(got) != "original":
				t.Errorf("the link's target was changed to %q", got)
			case !existing && !errors.Is(rerr, os.ErrNotExist):
				t.Errorf("a file was created through the link: %v", rerr)
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link itself was replaced or removed (%v)", err)
			}
		})
	}
}

// TestPrepare_writeNoTempLeft: a successful write leaves only the
// attestation file next to the distribution.
func TestPrepare_writeNoTempLeft(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	dir := t.TempDir()
	s := subjectIn(t, dir, wheelName, wheelSHA)
	if _, err := attest.Prepare(context.Background(), env.Signer(t), []attest.Subject{s}, env.Identity, env.Root); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := wheelName + "," + wheelName + attest.PublishSuffix; strings.Join(names, ",") != want {
		t.Errorf("directory holds %v, want %s", names, want)
	}
	fi, err := os.Stat(s.Path + attest.PublishSuffix)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("attestation file mode = %v (%v), want 0644", fi.Mode(), err)
	}
}
