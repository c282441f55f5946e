package config_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/config"
)

func TestSecretLike(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"true": false, "yes": false, "": false, "dist/very_long_directory_name": false,
		"pypi-AgEIcHlwaS5vcmc": true, "--password=hunter2": true, "token:abc": true,
		"AKIAIOSFODNN7EXAMPLE1234": true, "not a secret but long with spaces 123": false,
	}
	for in, want := range cases {
		if got := config.SecretLike(in); got != want {
			t.Errorf("SecretLike(%q) = %t, want %t", in, got, want)
		}
	}
}

func TestURLSecrets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{"https://upload.pypi.org/legacy/", nil},
		{"https://devpi.example/root/pypi-mirror/", nil},
		{"https://alice:s3cret@host/legacy/", []string{"alice:s3cret", "s3cret"}},
		{"https://token@host/", []string{"token"}},
		{"--password=pypi-abcdef0123456789", []string{"--password=pypi-abcdef0123456789", "pypi-abcdef0123456789"}},
	}
	for _, tc := range cases {
		got := config.URLSecrets(tc.in)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("URLSecrets(%q) = %q, want it to hold %q", tc.in, got, w)
			}
		}
		if tc.want == nil && len(got) != 0 {
			t.Errorf("URLSecrets(%q) = %q, want none", tc.in, got)
		}
	}
	if got := config.RedactURL("https://alice:s3cret@host/legacy/"); got != "https://***@host/legacy/" {
		t.Errorf("RedactURL() = %q", got)
	}
}

// TestValidate_urlCredentials is IN-09: refused, and no message repeats
// the password.
func TestValidate_urlCredentials(t *testing.T) {
	t.Parallel()
	c := config.Config{RepositoryURL: "https://alice:s3cret@host/legacy/", IndexURL: "https://bob:hunter22@host/simple/", PackagesDir: "dist", Concurrency: 1}
	err := c.Validate()
	if !errors.Is(err, config.ErrURLCredentials) || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "hunter22") {
		t.Errorf("Validate() = %v, want ErrURLCredentials without the passwords", err)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || strings.Contains(s, "hunter22") {
		t.Errorf("String() = %q shows a password", s)
	}
	for _, want := range []string{"alice:s3cret", "s3cret", "bob:hunter22", "hunter22"} {
		if !slices.Contains(c.Secrets(), want) {
			t.Errorf("Secrets() lacks %q", want)
		}
	}
}
