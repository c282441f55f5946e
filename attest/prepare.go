package attest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// PublishSuffix is appended to a distribution's file name to name its
// publish attestation file.
const PublishSuffix = ".publish.attestation"

// Subject is one distribution to attest.
type Subject struct {
	// Path is the distribution's path; the attestation is written to
	// Path + ".publish.attestation".
	Path string
	// Filename is the distribution's file name as uploaded.
	Filename string
	// SHA256 is the file's digest, lower-case hex.
	SHA256 string
	// Companions are paths of "<Filename>.<type>.attestation" files found
	// next to it (e.g. made by actions/attest); the publish one, if listed,
	// is ignored here.
	Companions []string
}

// Prepared is the attestation material for one distribution.
type Prepared struct {
	Filename string
	// Attestations is the JSON array text for the upload's "attestations"
	// form field: the publish attestation, then the companions.
	Attestations []byte
	// Files are the publish attestation files written or reused (the
	// "attestation-files" output).
	Files []string
	// Companions are the external attestation files attached.
	Companions []string
	// Reused is true when the publish attestation file existed and
	// verified (AT-03), false when it was generated.
	Reused bool
}

// Prepare makes the attestations of files, in order
// (docs/situations.md#attestations). First, without any network request, every existing
// "<dist>.publish.attestation" is verified for its file and for id (Verify
// with the exact workflow ref): one that verifies is reused (AT-03), one
// that does not is an AT-04 *Error naming every "dist → file" pair and the
// failed check. Companion attestations must verify under PyPI's policy for
// the same file, have a predicate type PyPI knows, no type twice, and at
// most 2 attestations per file, else AT-04. Then s signs each remaining
// file and the result is written next to it (AT-09 when that fails). s may
// be nil when every file has a reusable attestation. root nil means the
// production root. Cancelling ctx stops signing; files already written stay
// (they are reusable on the next run).
func Prepare(ctx context.Context, s *Signer, files []Subject, id Identity, root *TrustedRoot) ([]Prepared, error) {
	if root == nil {
		root = ProductionRoot()
	}
	out := make([]Prepared, len(files))
	atts := make([][]byte, len(files))
	extra := make([][][]byte, len(files))
	var problems []string
	for i, f := range files {
		out[i].Filename = f.Filename
		var p, q []string
		atts[i], p = reusable(f, id, root)
		out[i].Reused = atts[i] != nil
		out[i].Companions, extra[i], q = companions(f, id, root)
		problems = append(append(problems, p...), q...)
		if n := 1 + len(out[i].Companions); n > 2 {
			problems = append(problems, fmt.Sprintf("%s: %d attestations, PyPI accepts at most 2 per file", f.Filename, n))
		}
	}
	if len(problems) > 0 {
		hint := hintAT04
		if strings.Contains(strings.Join(problems, "\n"), errSymlink.Error()) {
			hint = hintAT09Link
		}
		return nil, &Error{
			ID:      "AT-04",
			Message: "existing attestation files cannot be used:\n" + strings.Join(problems, "\n"),
			Hint:    hint,
		}
	}
	for i, f := range files {
		out[i].Files = []string{f.Path + PublishSuffix}
		if atts[i] == nil {
			b, err := signAndWrite(ctx, s, f, id)
			if err != nil {
				return nil, err
			}
			atts[i] = b
		}
		out[i].Attestations = attestationsField(atts[i], extra[i])
	}
	return out, nil
}

// reusable returns the existing publish attestation of f, compacted, when
// it verifies (AT-03); nil and no problem when there is none.
func reusable(f Subject, id Identity, root *TrustedRoot) (att []byte, problems []string) {
	pub := f.Path + PublishSuffix
	b, err := readRegular(pub)
	switch {
	case err == nil:
		if err := Verify(b, f.Filename, f.SHA256, id, root); err != nil {
			return nil, []string{fmt.Sprintf("%s → %s: %v", f.Filename, pub, err)}
		}
		return compact(b), nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, []string{fmt.Sprintf("%s → %s: cannot read: %v", f.Filename, pub, err)}
	}
	return nil, nil
}

// companions verifies f's companion attestations under PyPI's policy: each
// must verify, have a predicate type PyPI knows, and no type may appear
// twice (the publish attestation counts as one). It returns the usable
// ones' paths and compacted contents, and a problem for each other one.
func companions(f Subject, id Identity, root *TrustedRoot) (paths []string, atts [][]byte, problems []string) {
	pub := f.Path + PublishSuffix
	seen := map[string]bool{PublishPredicateType: true}
	for _, c := range f.Companions {
		if filepath.Base(c) == filepath.Base(pub) || contains(paths, c) {
			continue
		}
		b, err := readRegular(c)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s → %s: cannot read: %v", f.Filename, c, err))
			continue
		}
		pt, err := verify(b, f.Filename, f.SHA256, id, root, false, []string{PublishPredicateType, SLSAProvenancePredicateType})
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s → %s: %v", f.Filename, c, err))
			continue
		}
		if seen[pt] {
			problems = append(problems, fmt.Sprintf("%s → %s: predicate type: a second attestation of type %s (PyPI accepts one per type)", f.Filename, c, pt))
			continue
		}
		seen[pt] = true
		paths = append(paths, c)
		atts = append(atts, compact(b))
	}
	return paths, atts, problems
}

// signAndWrite signs f with s, checks the result against id when the
// workflow is known, and writes it next to f (AT-09 when that fails).
func signAndWrite(ctx context.Context, s *Signer, f Subject, id Identity) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("failed to attest %s: no signer", f.Filename)
	}
	b, err := s.Sign(ctx, f.Filename, f.SHA256)
	if err != nil {
		return nil, err
	}
	// PyPI checks the identity against the trusted publisher; when the
	// workflow is known, catch a mismatch before uploading.
	if id.known() {
		if err := Verify(b, f.Filename, f.SHA256, id, s.o.root); err != nil {
			return nil, fmt.Errorf("failed to attest %s: the new attestation does not match this workflow: %w", f.Filename, err)
		}
	}
	pub := f.Path + PublishSuffix
	if err := writeNew(pub, b); err != nil {
		hint := hintAT09
		if errors.Is(err, errSymlink) {
			hint = hintAT09Link
		}
		return nil, &Error{ID: "AT-09", Message: fmt.Sprintf("failed to write attestation file %s: %v", pub, err), Hint: hint, Err: err}
	}
	return b, nil
}

// attestationsField is the JSON array of the upload's "attestations"
// field: the publish attestation, then the companions.
func attestationsField(publish []byte, companions [][]byte) []byte {
	var buf bytes.Buffer
	buf.WriteByte('[')
	buf.Write(publish)
	for _, e := range companions {
		buf.WriteByte(',')
		buf.Write(e)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
