package target_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/target"
)

func TestKindOfHost(t *testing.T) {
	t.Parallel()
	cases := map[string]target.Kind{
		"upload.pypi.org":          target.PyPI,
		"UPLOAD.PYPI.ORG":          target.PyPI,
		"upload.pypi.org.":         target.PyPI,
		"pypi.org":                 target.PyPI,
		"test.pypi.org":            target.TestPyPI,
		"test.pypi.org.":           target.TestPyPI,
		"mypypi.org.example.com":   target.Other,
		"upload.pypi.org.evil.com": target.Other,
		"":                         target.Other,
		"127.0.0.1":                target.Other,
	}
	for host, want := range cases {
		if got := target.KindOfHost(host); got != want {
			t.Errorf("KindOfHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"localhost":       true,
		"LocalHost":       true,
		"localhost.":      true,
		"127.0.0.1":       true,
		"127.1.2.3":       true,
		"::1":             true,
		"foo.localhost":   false,
		"devpi":           false,
		"10.0.0.1":        false,
		"example.com":     false,
		"localhost.evil":  false,
		"":                false,
		"0:0:0:0:0:0:0:1": true,
	}
	for host, want := range cases {
		if got := target.IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		repo     string
		index    string
		hook     string
		want     target.Target
		wantErr  bool
		insecure bool
	}{
		{name: "pypi", repo: "https://upload.pypi.org/legacy/", want: target.Target{
			Kind: target.PyPI, UploadURL: "https://upload.pypi.org/legacy/", SimpleURL: "https://pypi.org/simple/", ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org"}},
		{name: "testpypi_slash_added", repo: "https://test.pypi.org/legacy", want: target.Target{
			Kind: target.TestPyPI, UploadURL: "https://test.pypi.org/legacy/", SlashAdded: true, SimpleURL: "https://test.pypi.org/simple/", ClassifiersURL: "https://test.pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://test.pypi.org/", WebBase: "https://test.pypi.org"}},
		{name: "trailing_dot_host", repo: "https://upload.pypi.org./legacy/", want: target.Target{
			Kind: target.PyPI, UploadURL: "https://upload.pypi.org./legacy/", SimpleURL: "https://pypi.org/simple/", ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org"}},
		{name: "third_party_no_slash_fix", repo: "https://devpi.example/root/dev/legacy", want: target.Target{
			Kind: target.Other, UploadURL: "https://devpi.example/root/dev/legacy"}},
		{name: "index_url_wins", repo: "https://upload.pypi.org/legacy/", index: "https://mirror.example/simple/", want: target.Target{
			Kind: target.PyPI, UploadURL: "https://upload.pypi.org/legacy/", SimpleURL: "https://mirror.example/simple/", ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org"}},
		{name: "hook_pypi_on_loopback_keeps_simple_empty", repo: "http://127.0.0.1:8080/legacy", hook: "pypi", want: target.Target{
			Kind: target.PyPI, UploadURL: "http://127.0.0.1:8080/legacy/", SlashAdded: true, WebBase: "https://pypi.org", Loopback: true, PlainHTTP: true}},
		{name: "hook_other_on_pypi", repo: "https://upload.pypi.org/legacy/", hook: "other", want: target.Target{
			Kind: target.Other, UploadURL: "https://upload.pypi.org/legacy/"}},
		{name: "plain_http_remote", repo: "http://devpi:3141/root/dev/", insecure: true, want: target.Target{
			Kind: target.Other, UploadURL: "http://devpi:3141/root/dev/", PlainHTTP: true}},
		{name: "ftp", repo: "ftp://x/", wantErr: true},
		{name: "no_host", repo: "https:///legacy/", wantErr: true},
		{name: "unparsable", repo: "https://exa mple.com/%zz", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := target.New(tc.repo, tc.index, tc.hook)
			if (err != nil) != tc.wantErr {
				t.Fatalf("New(%q) error = %v, wantErr %v", tc.repo, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("New(%q) mismatch (-want +got):\n%s", tc.repo, diff)
			}
			if got.InsecureCredentials() != tc.insecure {
				t.Errorf("New(%q).InsecureCredentials() = %v, want %v", tc.repo, got.InsecureCredentials(), tc.insecure)
			}
		})
	}
}

// The existing-file check and the plain-http warning, by repository URL
// (these were publish.SimpleURLFor and publish.InsecureCredentials).
func TestNew_simpleAndInsecure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		repo       string
		wantSimple string
		insecure   bool
	}{
		{"https://upload.pypi.org/legacy/", "https://pypi.org/simple/", false},
		{"https://UPLOAD.PYPI.ORG/legacy/", "https://pypi.org/simple/", false},
		{"https://test.pypi.org/legacy/", "https://test.pypi.org/simple/", false},
		{"https://mypypi.org.example.com/", "", false},
		{"https://devpi.example.org/root/", "", false},
		{"http://upload.example.org/", "", true},
		{"http://127.0.0.1:8080/legacy/", "", false},
		{"http://[::1]:8080/", "", false},
		{"http://localhost/", "", false},
		{"http://LOCALHOST.:3141/", "", false},
		{"http://devpi.internal:3141/root/", "", true},
	}
	for _, tc := range cases {
		tg, err := target.New(tc.repo, "", "")
		if err != nil {
			t.Errorf("New(%q) error = %v", tc.repo, err)
			continue
		}
		if tg.SimpleURL != tc.wantSimple {
			t.Errorf("New(%q).SimpleURL = %q, want %q", tc.repo, tg.SimpleURL, tc.wantSimple)
		}
		if got := tg.InsecureCredentials(); got != tc.insecure {
			t.Errorf("New(%q).InsecureCredentials() = %v, want %v", tc.repo, got, tc.insecure)
		}
	}
}

func TestReleaseURL(t *testing.T) {
	t.Parallel()
	pypi, _ := target.New("https://upload.pypi.org/legacy/", "", "")
	other, _ := target.New("https://devpi.example/", "", "")
	cases := []struct {
		tg               target.Target
		project, version string
		want             string
	}{
		{pypi, "sampleproject", "1.0", "https://pypi.org/project/sampleproject/1.0/"},
		{pypi, "sampleproject", "1!2.0", "https://pypi.org/project/sampleproject/1%212.0/"},
		{pypi, "", "1.0", ""},
		{other, "sampleproject", "1.0", ""},
	}
	for _, tc := range cases {
		if got := tc.tg.ReleaseURL(tc.project, tc.version); got != tc.want {
			t.Errorf("ReleaseURL(%q, %q) = %q, want %q", tc.project, tc.version, got, tc.want)
		}
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	for k, want := range map[target.Kind]string{target.PyPI: "PyPI", target.TestPyPI: "TestPyPI", target.Other: "third-party index"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}
