package action

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/config"
	"github.com/pypi-publish/pypi-publish/internal/target"
	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/publish"
)

// TestFail checks the one adapter against each library's error type.
func TestFail(t *testing.T) {
	t.Parallel()
	own := &Error{ID: "VA-01", Title: "Distributions would be rejected", Message: "m"}
	cases := []struct {
		name  string
		title string
		err   error
		want  *Error
	}{
		{name: "own_error_passes", title: "Upload failed", err: fmt.Errorf("wrapped: %w", own), want: own},
		{name: "plain_error", title: "Attestations failed", err: errors.New("boom"),
			want: &Error{Title: "Attestations failed", Message: "boom"}},
		{name: "find_error_has_its_own_title", title: "Cannot read packages-dir",
			err:  &dist.FindError{ID: "DS-03", Message: "No distributions in dist", Hint: "Build them first"},
			want: &Error{ID: "DS-03", Title: "No distributions found", Message: "No distributions in dist. Build them first"}},
		{name: "oidc_error", title: "Trusted publishing failed",
			err:  &oidc.Error{ID: "TP-10", Message: "refused", Hint: "fix the publisher", Details: "### details"},
			want: &Error{ID: "TP-10", Title: "Trusted publishing failed (TP-10)", Message: "refused", Hint: "fix the publisher", Details: "### details"}},
		{name: "attest_error", title: "Attestations failed",
			err:  &attest.Error{ID: "AT-04", Message: "stale file", Hint: "delete it", Err: errors.New("digest")},
			want: &Error{ID: "AT-04", Title: "Attestations failed (AT-04)", Message: "stale file", Hint: "delete it"}},
		{name: "publish_error", title: "Upload failed",
			err:  &publish.BatchError{Err: &publish.Error{StatusCode: 429, Method: "POST", URL: "https://upload.pypi.org/legacy/", Message: "Too Many Requests"}},
			want: &Error{ID: "UP-17", Title: "Upload failed (UP-17)", Message: "POST https://upload.pypi.org/legacy/: 429 Too Many Requests", Hint: "The index is rate-limiting; try again later."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := fail(tc.title, tc.err)
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Error{}, "Err")); diff != "" {
				t.Errorf("fail(%q, %v) mismatch (-want +got):\n%s", tc.title, tc.err, diff)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	e := &Error{Message: "m", Hint: "h", Details: "d"}
	if got, want := e.Error(), "m h"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := e.annotation("the step summary"), "m\nFix: h\nDetails are in the step summary."; got != want {
		t.Errorf("annotation(the step summary) = %q, want %q", got, want)
	}
	// No summary (GITHUB_STEP_SUMMARY unset): no pointer to one.
	if got, want := e.annotation(""), "m\nFix: h"; got != want {
		t.Errorf("annotation(\"\") = %q, want %q", got, want)
	}
	if got := e.Situation(); got.Message != "m" || got.Hint != "h" || got.Details != "d" {
		t.Errorf("Situation() = %+v", got)
	}
}

// TestUploadErrorResumeHint checks how a partly published release is told
// to finish: by re-running, on PyPI within its 14-day limit for new files.
func TestUploadErrorResumeHint(t *testing.T) {
	t.Parallel()
	outcomes := []publish.Outcome{
		{Dist: &dist.Distribution{Filename: "pkg-1.0-py3-none-any.whl"}, Status: publish.StatusUploaded},
		{Dist: &dist.Distribution{Filename: "pkg-1.0.tar.gz"}, Status: publish.StatusFailed},
	}
	err := &publish.BatchError{Err: &publish.Error{StatusCode: 503, Method: "POST", URL: "https://upload.pypi.org/legacy/", Message: "Service Unavailable"}}
	cases := []struct {
		name     string
		tg       target.Target
		want14   bool
		wantSkip string
	}{
		{name: "pypi", tg: target.Target{Kind: target.PyPI, SimpleURL: "https://pypi.org/simple/"}, want14: true,
			wantSkip: "recognised by their SHA-256 and skipped"},
		{name: "third_party_without_simple_api", tg: target.Target{Kind: target.Other},
			wantSkip: "set index-url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var e *Error
			if !errors.As(uploadError(err, outcomes, config.Config{}, tc.tg), &e) {
				t.Fatalf("uploadError() is not an *Error")
			}
			for _, s := range []string{"On the index: pkg-1.0-py3-none-any.whl.", "Not uploaded: pkg-1.0.tar.gz."} {
				if !strings.Contains(e.Message, s) {
					t.Errorf("message %q lacks %q", e.Message, s)
				}
			}
			if !strings.Contains(e.Hint, "re-run this job") || !strings.Contains(e.Hint, tc.wantSkip) {
				t.Errorf("hint %q lacks re-run advice or %q", e.Hint, tc.wantSkip)
			}
			if got := strings.Contains(e.Hint, "14 days"); got != tc.want14 {
				t.Errorf("hint names the 14-day limit = %v, want %v: %q", got, tc.want14, e.Hint)
			}
		})
	}
}
