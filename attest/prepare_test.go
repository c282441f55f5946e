package attest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

func subjectIn(t *testing.T, dir, filename, sha string) attest.Subject {
	t.Helper()
	p := filepath.Join(dir, filename)
	if err := os.WriteFile(p, []byte("dist"), 0o644); err != nil {
		t.Fatal(err)
	}
	return attest.Subject{Path: p, Filename: filename, SHA256: sha}
}

func arrayLen(t *testing.T, field []byte) int {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(field, &list); err != nil {
		t.Fatalf("attestations field %q is not a JSON array: %v", field, err)
	}
	return len(list)
}

// Generate, then re-run (TestPyPI then PyPI in one job, upstream #319):
// the second run reuses the files without any Sigstore request.
func TestPrepare_generates_then_reuses(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	dir := t.TempDir()
	files := []attest.Subject{
		subjectIn(t, dir, wheelName, wheelSHA),
		subjectIn(t, dir, "hello_pkg-1.0.0.tar.gz", strings.Repeat("b", 64)),
	}
	got, err := attest.Prepare(context.Background(), env.Signer(t), files, env.Identity, env.Root)
	if err != nil {
		t.Fatalf("Prepare() error = %v", err)
	}
	for i, p := range got {
		want := []string{files[i].Path + ".publish.attestation"}
		if diff := cmp.Diff(want, p.Files); diff != "" {
			t.Errorf("Prepared[%d].Files mismatch (-want +got):\n%s", i, diff)
		}
		if p.Reused || p.Filename != files[i].Filename {
			t.Errorf("Prepared[%d] = {Filename %q, Reused %v}, want {%q, false}", i, p.Filename, p.Reused, files[i].Filename)
		}
		written, err := os.ReadFile(want[0])
		if err != nil {
			t.Fatal(err)
		}
		if string(p.Attestations) != "["+string(written)+"]" {
			t.Errorf("Prepared[%d].Attestations is not [<file content>]", i)
		}
		if err := env.Verifier()(files[i].Filename, files[i].SHA256, p.Attestations); err != nil {
			t.Errorf("fake index rejects Prepared[%d]: %v", i, err)
		}
	}
	entries := env.Rekor.Entries()
	again, err := attest.Prepare(context.Background(), nil, files, env.Identity, env.Root)
	if err != nil {
		t.Fatalf("Prepare(re-run) error = %v", err)
	}
	for i, p := range again {
		if !p.Reused {
			t.Errorf("Prepared[%d].Reused = false, want true (AT-03)", i)
		}
		if string(p.Attestations) != string(got[i].Attestations) {
			t.Errorf("Prepared[%d].Attestations changed on reuse", i)
		}
	}
	if env.Rekor.Entries() != entries {
		t.Error("re-run logged new entries, want none")
	}
}

// AT-04: stale or foreign attestation files fail before anything is
// signed, naming each dist → file pair and the check.
func TestPrepare_rejects_mismatching_files(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	otherWorkflow := attesttest.NewEnv(t, attesttest.EnvOptions{Workflow: "other.yml"})
	good := signOne(t, env, wheelName, wheelSHA)
	cases := []struct {
		name      string
		content   []byte
		wantCheck string
	}{
		{"earlier_build_digest", good, "digest"},
		{"other_workflow", signOne(t, otherWorkflow, wheelName, strings.Repeat("b", 64)), "identity"},
		{"not_json", []byte("garbage"), "json"},
		{"other_dist", signOne(t, env, "hello_pkg-0.9-py3-none-any.whl", strings.Repeat("b", 64)), "subject name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := subjectIn(t, dir, wheelName, strings.Repeat("b", 64))
			pub := s.Path + attest.PublishSuffix
			if err := os.WriteFile(pub, tc.content, 0o644); err != nil {
				t.Fatal(err)
			}
			root := env.Root
			if tc.name == "other_workflow" {
				root = otherWorkflow.Root
			}
			_, err := attest.Prepare(context.Background(), nil, []attest.Subject{s}, env.Identity, root)
			var e *attest.Error
			if !errors.As(err, &e) || e.ID != "AT-04" {
				t.Fatalf("Prepare() error = %v, want AT-04", err)
			}
			if !strings.Contains(e.Message, wheelName+" → "+pub+": "+tc.wantCheck) {
				t.Errorf("AT-04 message %q does not name %s → %s and check %q", e.Message, wheelName, pub, tc.wantCheck)
			}
			if e.Hint == "" {
				t.Error("AT-04 has no hint")
			}
		})
	}
}

// External attestations next to the dist are attached (upstream #401):
// one per predicate type, at most 2 per file.
func TestPrepare_companions(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	slsa := signRaw(t, env, statementJSON(t, attest.SLSAProvenancePredicateType, [2]string{wheelName, wheelSHA}))
	pub := signOne(t, env, wheelName, wheelSHA)
	t.Run("attached", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := subjectIn(t, dir, wheelName, wheelSHA)
		c := s.Path + ".slsa.attestation"
		if err := os.WriteFile(c, slsa, 0o644); err != nil {
			t.Fatal(err)
		}
		s.Companions = []string{c, s.Path + attest.PublishSuffix}
		got, err := attest.Prepare(context.Background(), env.Signer(t), []attest.Subject{s}, env.Identity, env.Root)
		if err != nil {
			t.Fatalf("Prepare() error = %v", err)
		}
		if n := arrayLen(t, got[0].Attestations); n != 2 {
			t.Errorf("attestations field has %d elements, want 2", n)
		}
		if diff := cmp.Diff([]string{c}, got[0].Companions); diff != "" {
			t.Errorf("Companions mismatch (-want +got):\n%s", diff)
		}
		if err := env.Verifier()(wheelName, wheelSHA, got[0].Attestations); err != nil {
			t.Errorf("fake index rejects the field: %v", err)
		}
	})
	t.Run("duplicate_type_AT04", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := subjectIn(t, dir, wheelName, wheelSHA)
		c := s.Path + ".copy.attestation"
		if err := os.WriteFile(c, pub, 0o644); err != nil {
			t.Fatal(err)
		}
		s.Companions = []string{c}
		_, err := attest.Prepare(context.Background(), nil, []attest.Subject{s}, env.Identity, env.Root)
		var e *attest.Error
		if !errors.As(err, &e) || e.ID != "AT-04" || !strings.Contains(e.Message, "predicate type") {
			t.Errorf("Prepare() error = %v, want AT-04 about the predicate type", err)
		}
	})
	t.Run("malformed_AT04", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		s := subjectIn(t, dir, wheelName, wheelSHA)
		c := s.Path + ".slsa.attestation"
		if err := os.WriteFile(c, []byte(`{"version":1}`), 0o644); err != nil {
			t.Fatal(err)
		}
		s.Companions = []string{c}
		_, err := attest.Prepare(context.Background(), nil, []attest.Subject{s}, env.Identity, env.Root)
		var e *attest.Error
		if !errors.As(err, &e) || e.ID != "AT-04" || !strings.Contains(e.Message, c+": json") {
			t.Errorf("Prepare() error = %v, want AT-04 naming %s and json", err, c)
		}
	})
}

func TestPrepare_write_error_AT09(t *testing.T) {
	t.Parallel()
	// A missing directory: root ignores permissions, so chmod would not do.
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	dir := t.TempDir()
	s := attest.Subject{Path: filepath.Join(dir, "missing", wheelName), Filename: wheelName, SHA256: wheelSHA}
	_, err := attest.Prepare(context.Background(), env.Signer(t), []attest.Subject{s}, env.Identity, env.Root)
	var e *attest.Error
	if !errors.As(err, &e) || e.ID != "AT-09" || !strings.Contains(e.Message, s.Path+attest.PublishSuffix) {
		t.Errorf("Prepare() error = %v, want AT-09 naming the path", err)
	}
}
