package action

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// gate decides whether attestations are made, as the original action
// does: only with trusted publishing, and only for PyPI and TestPyPI (AT-01,
// AT-02); on GitLab only with a Sigstore ID token (AT-13) and on gitlab.com
// (AT-14). It prints why they are skipped and returns the decision and the
// summary's text for it. Attestation files found next to the distributions
// are not uploaded when attestations are off.
func gate(c console.Console, cfg config.Config, tg target.Target, found *dist.Found, workdir string, src oidc.TokenSource) (bool, string) {
	mode := authMode(cfg)
	var reason string
	blocked := ""
	if src != nil {
		blocked = attestationsBlocked(src)
	}
	switch {
	case !cfg.Attestations.Value:
	case mode != authTrusted && !tg.Kind.IsPyPI():
		reason = "they need trusted publishing, and this run uses " + mode + " against a third-party index" // AT-01
	case mode != authTrusted:
		reason = tg.Kind.String() + " accepts them only from trusted publishing, and this run uses " + mode // AT-01
	case !tg.Kind.IsPyPI():
		reason = "only PyPI and TestPyPI accept PEP 740 attestations (set attestations: false to silence this notice)" // AT-02
	case blocked != "":
		reason = blocked // AT-13, AT-14
	default:
		return true, "to be generated"
	}
	status := "off (attestations: false)"
	if cfg.Attestations.Value {
		status = "skipped: " + reason
		switch {
		case mode == authToken && tg.Kind.IsPyPI():
			// For token users on PyPI the trusted-publishing nudge says it (AU-03).
		case cfg.IsGiven("attestations") || tg.Kind.IsPyPI():
			c.Noticef("", "Attestations are skipped: %s.", reason)
		default:
			// Nobody asked for them: the default does not earn a notice on
			// an index that never takes them.
			c.Debugf("attestations are skipped: %s", reason)
		}
	}
	var stray []string
	for _, f := range found.Files {
		stray = append(stray, f.Attestations...)
	}
	if len(stray) > 0 {
		c.Noticef("", "Attestation files are not uploaded because attestations are off: %s", listSome(relPaths(workdir, stray), 20))
	}
	return false, status
}

// attested is what the attest step produced.
type attested struct {
	// byFile holds the attestations form field (a JSON array) by file name.
	byFile map[string][]byte
	// prepared lists each file's attestation files and whether they were
	// reused.
	prepared []attest.Prepared
	// status is the summary's text, e.g. "generated for 2 files, reused for 0".
	status string
}

// attestAll generates an attestation for each distribution, signed with a
// Sigstore ID token from src, or reuses the one next to it when it matches
// the file and the publisher id (AT-03), and writes
// <file>.publish.attestation, never outside the workspace (AT-09) and
// never through a symbolic link (attest).
func attestAll(ctx context.Context, d Deps, src oidc.TokenSource, id attest.Identity, dists []*dist.Distribution, workdir string) (attested, error) {
	c := d.Console
	if err := insideWorkspace(dists, workdir); err != nil {
		return attested{}, err
	}
	trust := sigstoreTrust(ctx, d)
	opts := []attest.Option{
		attest.WithHTTPClient(d.HTTPClient),
		attest.WithIDToken(src.IDToken),
		attest.WithLogf(c.Debugf),
		attest.WithMask(c.AddMask),
		attest.WithRetry(retryPolicy(d.Hooks)),
		attest.WithTrust(trust), // the hooks below override it
	}
	if d.Hooks.FulcioURL != "" {
		opts = append(opts, attest.WithFulcioURL(d.Hooks.FulcioURL))
	}
	if d.Hooks.RekorURL != "" {
		opts = append(opts, attest.WithRekorURL(d.Hooks.RekorURL))
	}
	var root *attest.TrustedRoot
	if trust != nil {
		root = trust.Root
	}
	if d.Hooks.TrustedRoot != "" {
		r, err := trustedRoot(d.Hooks.TrustedRoot)
		if err != nil {
			return attested{}, fail("Attestations failed", err)
		}
		root = r
		opts = append(opts, attest.WithTrustedRoot(root))
	}
	signer, err := attest.NewSigner(opts...)
	if err != nil {
		return attested{}, fail("Attestations failed", err)
	}
	subjects := make([]attest.Subject, 0, len(dists))
	for _, d := range dists {
		subjects = append(subjects, attest.Subject{Path: d.Path, Filename: d.Filename, SHA256: d.Digests.SHA256, Companions: d.Attestations})
	}
	prepared, err := attest.Prepare(ctx, signer, subjects, id, root)
	if err != nil {
		return attested{}, fail("Attestations failed", err)
	}
	return summarizeAttestations(c, prepared), nil
}

// insideWorkspace refuses (AT-09) distributions whose directory, with
// symbolic links resolved, is outside the workspace: their attestation
// files would be written there (a directory link checked out from a pull
// request can point anywhere on the runner).
func insideWorkspace(dists []*dist.Distribution, workdir string) error {
	root, err := filepath.EvalSymlinks(workdir)
	if err != nil {
		return &Error{ID: "AT-09", Title: "Attestations failed (AT-09)", Message: fmt.Sprintf("Could not resolve the workspace %s: %v.", workdir, err), Err: err}
	}
	var outside []string
	for _, ds := range dists {
		dir, err := filepath.EvalSymlinks(filepath.Dir(ds.Path))
		if err != nil || !within(root, dir) {
			outside = append(outside, fmt.Sprintf("%s (in %s)", ds.Filename, dirOrErr(dir, err)))
		}
	}
	if len(outside) == 0 {
		return nil
	}
	return &Error{ID: "AT-09", Title: "Attestations failed (AT-09)",
		Message: fmt.Sprintf("Attestation files are written next to the distributions, and these are outside the workspace %s (symbolic links resolved): %s. Nothing was written or uploaded.", root, listSome(outside, 10)),
		Hint:    "Build or copy the distributions into a directory inside the workspace that is not a symbolic link, or set attestations: false."}
}

// within reports whether path is root or inside it.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func dirOrErr(dir string, err error) string {
	if err != nil {
		return err.Error()
	}
	return dir
}

// sigstoreTrust fetches Sigstore's trusted root and signing config through
// TUF, falling back to the copy embedded in the binary with a warning
// (AT-11). The hooks PYPI_PUBLISH_TUF_URL and PYPI_PUBLISH_TUF_ROOT point it
// at a test repository; a test that brings its own PYPI_PUBLISH_TRUSTED_ROOT
// and no TUF URL skips the update (nil).
func sigstoreTrust(ctx context.Context, d Deps) *attest.Trust {
	c, h := d.Console, d.Hooks
	if h.TUFURL == "" && h.TrustedRoot != "" {
		return nil
	}
	opts := []attest.TrustOption{attest.WithTUFHTTPClient(d.HTTPClient), attest.WithTUFLogf(c.Debugf), attest.WithTUFUserAgent(d.UserAgent)}
	tufURL := h.TUFURL
	if tufURL != "" {
		opts = append(opts, attest.WithTUFURL(tufURL))
	} else {
		tufURL = attest.DefaultTUFURL
	}
	var trust *attest.Trust
	var err error
	if h.TUFRoot != "" {
		var b []byte
		if b, err = os.ReadFile(h.TUFRoot); err == nil {
			opts = append(opts, attest.WithTUFRoot(b))
		}
	}
	if err == nil {
		trust, err = attest.LoadTrust(ctx, opts...)
	} else {
		trust = attest.EmbeddedTrust()
	}
	if err != nil {
		c.Warningf("Sigstore trust data not updated (AT-11)",
			"Could not update Sigstore's trusted root and signing config (%v). Signing with the copy built into this release, taken from Sigstore on %s; if Sigstore rotated a key since, signing fails.",
			err, trust.Date.Format("2006-01-02"))
		return trust
	}
	v := trust.Versions
	c.Debugf("Sigstore trust updated from %s (TUF root v%d, timestamp v%d, snapshot v%d, targets v%d)", tufURL, v["root"], v["timestamp"], v["snapshot"], v["targets"]) // AT-12
	return trust
}

// trustedRoot reads the PYPI_PUBLISH_TRUSTED_ROOT hook's file.
func trustedRoot(path string) (*attest.TrustedRoot, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read the trusted root: %w", err)
	}
	root, err := attest.ParseTrustedRoot(b)
	if err != nil {
		return nil, fmt.Errorf("failed to parse the trusted root %s: %w", path, err)
	}
	return root, nil
}

// summarizeAttestations prints what was generated (AT-05) and reused
// (AT-03) and collects the form fields.
func summarizeAttestations(c console.Console, prepared []attest.Prepared) attested {
	out := attested{byFile: map[string][]byte{}, prepared: prepared}
	var reused []string
	for _, p := range prepared {
		out.byFile[p.Filename] = p.Attestations
		if p.Reused {
			reused = append(reused, p.Filename)
		}
	}
	made := len(prepared) - len(reused)
	if made > 0 {
		c.Noticef("", "Generated attestations for %d distributions.", made) // AT-05
	}
	if len(reused) > 0 {
		c.Noticef("", "Reused the existing attestation files of %s: they match these files and this workflow.", strings.Join(reused, ", ")) // AT-03
	}
	out.status = fmt.Sprintf("generated for %d files, reused for %d", made, len(reused))
	return out
}
