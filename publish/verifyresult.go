package publish

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/situation"
)

// VerifyState is how reading one file back ended.
type VerifyState string

// The states of a Verification, with their situations
// (docs/situations.md).
const (
	// Verified: every view lists the file with the uploaded SHA-256 (and
	// size, where it lists sizes), and the provenance, when checked,
	// carries the uploaded attestations (VE-01).
	Verified VerifyState = "verified"
	// VerifyNotVisible: a view did not list the file (or the Integrity
	// API did not know it) before the wait ended (VE-02).
	VerifyNotVisible VerifyState = "not-visible"
	// VerifyDiffers: a view lists other contents under the file's name
	// (VE-03).
	VerifyDiffers VerifyState = "differs"
	// VerifyNoProvenance: the index serves no provenance for a file sent
	// with attestations (VE-04).
	VerifyNoProvenance VerifyState = "no-provenance"
	// VerifyForeignProvenance: the provenance lacks an uploaded
	// attestation or names another publisher (VE-05).
	VerifyForeignProvenance VerifyState = "foreign-provenance"
	// VerifyUnchecked: a view could not be read, or could not say (no
	// digest listed, attestations switched off) (VE-06).
	VerifyUnchecked VerifyState = "unchecked"
	// VerifyYanked: the index serves the file as uploaded, but marks it
	// yanked (PEP 592), as when a co-maintainer yanked the release during
	// the run (VE-08).
	VerifyYanked VerifyState = "yanked"
)

// Failed reports whether the state proves that the index serves something
// other than what was sent (VE-03, VE-04, VE-05), as opposed to not
// showing it yet or not being readable.
func (s VerifyState) Failed() bool {
	return s == VerifyDiffers || s == VerifyNoProvenance || s == VerifyForeignProvenance
}

// ViewResult is what one view showed of a file the last time it was asked.
type ViewResult struct {
	// View is ViewJSON or ViewSimple; URL the page asked (no credentials).
	View, URL string
	// HTML reports a PEP 503 HTML page, which lists no sizes.
	HTML bool
	// Listed reports that the view lists the file under its exact name.
	Listed bool
	// SHA256 is the digest the view lists (lower case; "" for none);
	// Size the size it lists (-1 for none).
	SHA256 string
	Size   int64
	// Err is why the view could not be read; nil when it could.
	Err error
	// Yanked reports that the view marks the file yanked, YankedReason
	// the index's reason (cut to MaxYankedReason bytes; "" for none).
	Yanked       bool
	YankedReason string
}

// Intact reports whether the view lists u's file with u's SHA-256, and
// with u's size when it lists one.
func (r ViewResult) Intact(u Uploaded) bool {
	return r.Err == nil && r.Listed && r.SHA256 == u.SHA256 && (r.Size < 0 || r.Size == u.Size)
}

// Differs reports whether the view lists u's file name with another
// digest or size.
func (r ViewResult) Differs(u Uploaded) bool {
	return r.Err == nil && r.Listed && ((r.SHA256 != "" && r.SHA256 != u.SHA256) || (r.Size >= 0 && r.Size != u.Size))
}

// settled reports whether asking the view again cannot change what it
// says: the file is intact, listed without a digest, or the view fails
// for a reason that does not pass.
func (r ViewResult) settled(u Uploaded) bool {
	switch {
	case r.Err != nil:
		return permanent(r.Err)
	case r.Listed && r.SHA256 == "":
		return !r.Differs(u)
	}
	return r.Intact(u)
}

// Verification is what Verify found for one file.
type Verification struct {
	Filename string
	// Uploaded is the file as it was sent.
	Uploaded Uploaded
	State    VerifyState
	// Views are the views asked, JSON API first.
	Views []ViewResult
	// Provenance is the Integrity API's answer; nil when it was not
	// asked (no attestations sent, no Integrity API, or the file was never
	// seen intact).
	Provenance *ProvenanceResult
	// Rounds is how many rounds asked about the file.
	Rounds int
	// Err says why State is not Verified (a *VerifyError); nil when it is.
	Err error
}

// VerifyError says why a file is not verified. It implements
// situation.Error with the state's ID (VE-02 to VE-06) and a fix.
type VerifyError struct {
	ID       string
	Filename string
	Message  string
	Hint     string
}

func (e *VerifyError) Error() string { return e.Message }

// Situation implements situation.Error.
func (e *VerifyError) Situation() situation.Info {
	return situation.Info{ID: e.ID, Message: e.Message, Hint: e.Hint}
}

// Fixes of the VE situations.
const (
	hintNotVisible = "The upload was accepted; the index's pages had not caught up when the wait ended (caches can lag). Check the release page in a few minutes."
	hintDiffers    = "The index answered 200 to the upload but serves other bytes under this name: a proxy or cache rewrote the file, the repository merges several (a virtual or group repository), or another upload replaced it. Compare the index's file with the local one; publish a new version if the index's copy is wrong."
	hintNoProv     = "The file is published without the attestation: the index accepted the upload but did not store it (PyPI can switch attestations off). The file cannot be uploaded again; publish a new version if the provenance matters, and report it to the index."
	hintForeign    = "The provenance the index serves is not the one this run uploaded: check who else publishes this project (its trusted publishers on the index) and compare the attestation files with the index's provenance."
	hintYanked     = "The file is on the index as uploaded, but yanked: pip skips it unless a requirement pins this version with ==. Someone with access to the project yanked it, perhaps during this run; if that was a mistake, un-yank the release on the project's page on the index."
	hintUnchecked  = "The upload itself succeeded; only the check after it is missing. If the index needs credentials to read its simple API, use an index-url on the upload host (credentials are sent nowhere else); set verify-upload: false to skip the check."
)

// fileCheck is the running state of one file during Verify.
type fileCheck struct {
	u       Uploaded
	project string // normalized
	views   map[string]*ViewResult
	order   []string
	provOn  bool // attestations sent and an Integrity API to ask
	// namesFinal is set on Warehouse (PyPI, TestPyPI), which never
	// serves two files under one name: other contents there are final,
	// not a cache that has yet to catch up.
	namesFinal bool
	prov       *ProvenanceResult
	rounds     int
	done       bool
}

func newFileCheck(u Uploaded, v *Verifier) *fileCheck {
	fc := &fileCheck{u: u, project: dist.NormalizeName(u.Project), views: map[string]*ViewResult{}}
	if v.api != nil {
		fc.order = append(fc.order, ViewJSON)
	}
	if v.simple != nil {
		fc.order = append(fc.order, ViewSimple)
	}
	for _, name := range fc.order {
		fc.views[name] = &ViewResult{View: name, Size: -1}
	}
	fc.provOn = v.api != nil && len(u.Attestations) > 0
	fc.namesFinal = v.api != nil
	return fc
}

func (fc *fileCheck) needsProvenance() bool { return fc.provOn }

func (fc *fileCheck) provenanceSettled() bool {
	p := fc.prov
	return p != nil && (p.OK() || p.Disabled || (p.Err != nil && permanent(p.Err)))
}

// seenIntact reports whether some view lists the file as sent.
func (fc *fileCheck) seenIntact() bool {
	for _, r := range fc.views {
		if r.Intact(fc.u) {
			return true
		}
	}
	return false
}

func (fc *fileCheck) viewSettled(view string) bool { return fc.views[view].settled(fc.u) }

func (fc *fileCheck) settled() bool {
	if fc.namesFinal {
		for _, r := range fc.views {
			if r.Differs(fc.u) {
				return true
			}
		}
	}
	for _, name := range fc.order {
		if !fc.viewSettled(name) {
			return false
		}
	}
	return !fc.provOn || fc.provenanceSettled()
}

func (fc *fileCheck) result() Verification {
	out := Verification{Filename: fc.u.Filename, Uploaded: fc.u, Rounds: fc.rounds, Provenance: fc.prov}
	for _, name := range fc.order {
		out.Views = append(out.Views, *fc.views[name])
	}
	out.State, out.Err = fc.verdict()
	return out
}

// verdict decides the state: what the index serves wrongly first, then
// what it did not show, then what could not be read.
func (fc *fileCheck) verdict() (VerifyState, error) {
	u, name := fc.u, fc.u.Filename
	fail := func(s VerifyState, id, hint, format string, args ...any) (VerifyState, error) {
		return s, &VerifyError{ID: id, Filename: name, Message: name + ": " + fmt.Sprintf(format, args...), Hint: hint}
	}
	var differs, absent, unreadable, yanked []string
	for _, name := range fc.order {
		r := fc.views[name]
		if r.Intact(u) && r.Yanked {
			yanked = append(yanked, describeYank(r))
		}
		switch {
		case r.Differs(u):
			differs = append(differs, describeDifference(r, u))
		case r.Err != nil:
			unreadable = append(unreadable, fmt.Sprintf("could not read the %s (%v)", r.View, r.Err))
		case !r.Listed:
			absent = append(absent, fmt.Sprintf("the %s (%s)", r.View, r.URL))
		case r.SHA256 == "":
			unreadable = append(unreadable, fmt.Sprintf("the %s lists it without a SHA-256", r.View))
		}
	}
	p := fc.prov
	switch {
	case len(differs) > 0:
		return fail(VerifyDiffers, "VE-03", hintDiffers, "the index serves other contents than were uploaded: %s", strings.Join(differs, "; "))
	case p != nil && p.Missing:
		return fail(VerifyNoProvenance, "VE-04", hintNoProv, "uploaded with %d attestation(s), but the Integrity API (%s) has no provenance for it", p.Uploaded, p.URL)
	case p != nil && p.Served && !p.OK():
		return fail(VerifyForeignProvenance, "VE-05", hintForeign, "%s", p.problem())
	case len(yanked) > 0:
		return fail(VerifyYanked, "VE-08", hintYanked, "served as uploaded, but yanked: %s", strings.Join(yanked, "; "))
	case len(absent) > 0:
		return fail(VerifyNotVisible, "VE-02", hintNotVisible, "not listed yet by %s", strings.Join(absent, " or "))
	case fc.provOn && (p == nil || (!p.Served && !p.Disabled && p.Err == nil)):
		return fail(VerifyNotVisible, "VE-02", hintNotVisible, "the Integrity API does not know the file yet")
	case len(unreadable) > 0:
		return fail(VerifyUnchecked, "VE-06", hintUnchecked, "not verified: %s", strings.Join(unreadable, "; "))
	case p != nil && p.Disabled:
		return fail(VerifyUnchecked, "VE-06", hintUnchecked, "provenance not verified: the index has attestations switched off (403 from %s)", p.URL)
	case p != nil && p.Err != nil:
		return fail(VerifyUnchecked, "VE-06", hintUnchecked, "provenance not verified: %v", p.Err)
	}
	return Verified, nil
}

// describeYank names the view that marks a file yanked, with the index's
// reason quoted (Go syntax, so no control character or newline of the
// index's text survives).
func describeYank(r *ViewResult) string {
	if r.YankedReason == "" {
		return fmt.Sprintf("the %s (%s) marks it yanked, without a reason", r.View, r.URL)
	}
	return fmt.Sprintf("the %s (%s) marks it yanked with the reason %q", r.View, r.URL, r.YankedReason)
}

// describeDifference says how a view's listing differs from u.
func describeDifference(r *ViewResult, u Uploaded) string {
	var parts []string
	if r.SHA256 != "" && r.SHA256 != u.SHA256 {
		parts = append(parts, fmt.Sprintf("sha256 %s where the uploaded file has %s", showDigest(r.SHA256), u.SHA256))
	}
	if r.Size >= 0 && r.Size != u.Size {
		parts = append(parts, fmt.Sprintf("%d bytes where the uploaded file has %d", r.Size, u.Size))
	}
	return fmt.Sprintf("the %s (%s) lists %s", r.View, r.URL, strings.Join(parts, ", and "))
}

// showDigest returns a listed digest for a message: itself when it is 64
// hex digits, else a description (an index's text is never repeated).
func showDigest(s string) string {
	if isHexDigest(s) {
		return s
	}
	return fmt.Sprintf("(not a SHA-256 digest: %d characters)", len(s))
}

func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// permanent reports whether a failed read will fail again: anything but
// transport errors, 429 and 5xx (and the context's own end, which stops
// everything anyway).
func permanent(err error) bool {
	var pe *permanentError
	return errors.As(err, &pe)
}
