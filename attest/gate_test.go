package attest_test

import (
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
)

func TestGate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		attestations  bool
		tp            bool
		url           string
		wantEffective bool
		wantReason    string // substring; "" means no reason
	}{
		{"pypi_tp", true, true, "https://upload.pypi.org/legacy/", true, ""},
		{"testpypi_tp", true, true, "https://test.pypi.org/legacy/", true, ""},
		{"pypi_upper_case_host", true, true, "https://UPLOAD.PyPI.org/legacy/", true, ""},
		{"off_is_silent", false, true, "https://upload.pypi.org/legacy/", false, ""},
		{"off_is_silent_third_party", false, false, "https://example.com/", false, ""},
		{"no_tp_AT01", true, false, "https://upload.pypi.org/legacy/", false, "trusted publishing"},
		{"no_tp_third_party_AT01", true, false, "https://pypi.example.com/", false, "trusted publishing"},
		{"third_party_AT02", true, true, "https://pypi.example.com/legacy/", false, "only PyPI and TestPyPI"},
		{"lookalike_host_AT02", true, true, "https://mypypi.org.example.com/legacy/", false, "mypypi.org.example.com"},
		{"pypi_in_path_AT02", true, true, "https://evil.test/upload.pypi.org/legacy/", false, "evil.test"},
		{"unparsable_AT02", true, true, "::", false, "only PyPI and TestPyPI"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eff, reason := attest.Gate(tc.attestations, tc.tp, tc.url)
			if eff != tc.wantEffective {
				t.Errorf("Gate(%v, %v, %q) effective = %v, want %v", tc.attestations, tc.tp, tc.url, eff, tc.wantEffective)
			}
			if (tc.wantReason == "") != (reason == "") || !strings.Contains(reason, tc.wantReason) {
				t.Errorf("Gate(%v, %v, %q) reason = %q, want one containing %q", tc.attestations, tc.tp, tc.url, reason, tc.wantReason)
			}
		})
	}
}
