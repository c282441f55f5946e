package workflowref_test

import (
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/workflowref"
)

func TestFile(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"o/r/.github/workflows/release.yml@refs/tags/v1", "release.yml"},
		{"o/r/.github/workflows/pub.yaml@0123abc", "pub.yaml"},
		{"o/r/.github/workflows/sub/x.yaml@refs/heads/main", "x.yaml"},
		{"o/r/.github/workflows/release.yml", ""},
		{"o/r/.github/workflows/release.json@x", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := workflowref.File(tc.in); got != tc.want {
			t.Errorf("File(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
