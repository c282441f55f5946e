package target_test

import (
	"net/url"
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
			Kind: target.PyPI, UploadURL: "https://upload.pypi.org/legacy/", SimpleURL: "https://pypi.org/simple/", SimpleFrom: target.SimpleFromPyPI, ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org"}},
		{name: "testpypi_slash_added", repo: "https://test.pypi.org/legacy", want: target.Target{
			Kind: target.TestPyPI, UploadURL: "https://test.pypi.org/legacy/", SlashAdded: true, SimpleURL: "https://test.pypi.org/simple/", SimpleFrom: target.SimpleFromPyPI, ClassifiersURL: "https://test.pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://test.pypi.org/", WebBase: "https://test.pypi.org"}},
		{name: "trailing_dot_host", repo: "https://upload.pypi.org./legacy/", want: target.Target{
			Kind: target.PyPI, UploadURL: "https://upload.pypi.org./legacy/", SimpleURL: "https://pypi.org/simple/", SimpleFrom: target.SimpleFromPyPI, ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org"}},
		{name: "third_party_no_slash_fix", repo: "https://devpi.example/root/dev/legacy", want: target.Target{
			Kind: target.Other, UploadURL: "https://devpi.example/root/dev/legacy"}},
		{name: "devpi_form", repo: "https://devpi.example/root/dev", want: target.Target{
			Kind: target.Other, UploadURL: "https://devpi.example/root/dev", Server: target.ServerDevpi,
			SimpleURL: "https://devpi.example/root/dev/+simple/", SimpleFrom: target.SimpleFromForm, LookupCredentials: true}},
		{name: "index_url_on_other_host_gets_no_credentials", repo: "https://devpi.example/root/dev/", index: "https://mirror.example/root/dev/+simple/", want: target.Target{
			Kind: target.Other, UploadURL: "https://devpi.example/root/dev/", Server: target.ServerDevpi,
			SimpleURL: "https://mirror.example/root/dev/+simple/", SimpleFrom: target.SimpleFromInput}},
		{name: "index_url_on_other_port_gets_no_credentials", repo: "http://127.0.0.1:3141/", index: "http://127.0.0.1:3142/simple/", want: target.Target{
			Kind: target.Other, UploadURL: "http://127.0.0.1:3141/", Server: target.ServerPypiserver,
			SimpleURL: "http://127.0.0.1:3142/simple/", SimpleFrom: target.SimpleFromInput, Loopback: true, PlainHTTP: true}},
		{name: "index_url_same_host", repo: "https://nexus.example/repository/py/", index: "https://NEXUS.example/repository/py-group/simple/", want: target.Target{
			Kind: target.Other, UploadURL: "https://nexus.example/repository/py/", Server: target.ServerNexus,
			SimpleURL: "https://NEXUS.example/repository/py-group/simple/", SimpleFrom: target.SimpleFromInput, LookupCredentials: true}},
		{name: "devpi_simple_as_upload_url", repo: "http://127.0.0.1:3141/user/dev/+simple", want: target.Target{
			Kind: target.Other, UploadURL: "http://127.0.0.1:3141/user/dev/+simple", SimpleLike: "http://127.0.0.1:3141/user/dev/", Loopback: true, PlainHTTP: true}},
		{name: "pypi_simple_as_upload_url", repo: "https://pypi.org/simple/", want: target.Target{
			Kind: target.PyPI, UploadURL: "https://pypi.org/simple/", SimpleURL: "https://pypi.org/simple/", SimpleFrom: target.SimpleFromPyPI,
			ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org", SimpleLike: "https://upload.pypi.org/legacy/"}},
		{name: "index_url_wins", repo: "https://upload.pypi.org/legacy/", index: "https://mirror.example/simple/", want: target.Target{
			Kind: target.PyPI, UploadURL: "https://upload.pypi.org/legacy/", SimpleURL: "https://mirror.example/simple/", SimpleFrom: target.SimpleFromInput, ClassifiersURL: "https://pypi.org/pypi?%3Aaction=list_classifiers", APIURL: "https://pypi.org/", WebBase: "https://pypi.org"}},
		{name: "hook_pypi_on_loopback_keeps_simple_empty", repo: "http://127.0.0.1:8080/legacy", hook: "pypi", want: target.Target{
			Kind: target.PyPI, UploadURL: "http://127.0.0.1:8080/legacy/", SlashAdded: true, WebBase: "https://pypi.org", Loopback: true, PlainHTTP: true}},
		{name: "hook_other_on_pypi", repo: "https://upload.pypi.org/legacy/", hook: "other", want: target.Target{
			Kind: target.Other, UploadURL: "https://upload.pypi.org/legacy/"}},
		{name: "plain_http_remote", repo: "http://devpi:3141/root/dev/", insecure: true, want: target.Target{
			Kind: target.Other, UploadURL: "http://devpi:3141/root/dev/", PlainHTTP: true, Server: target.ServerDevpi,
			SimpleURL: "http://devpi:3141/root/dev/+simple/", SimpleFrom: target.SimpleFromForm, LookupCredentials: true}},
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
		{"https://mypypi.org.example.com/", "https://mypypi.org.example.com/simple/", false},
		{"https://devpi.example.org/root/", "", false},
		{"http://upload.example.org/", "http://upload.example.org/simple/", true},
		{"http://127.0.0.1:8080/legacy/", "", false},
		{"http://[::1]:8080/", "http://[::1]:8080/simple/", false},
		{"http://localhost/", "http://localhost/simple/", false},
		{"http://LOCALHOST.:3141/", "http://LOCALHOST.:3141/simple/", false},
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

// Each known server's documented upload URL forms (docs/indexes.md) and the
// simple API root each implies; URLs that only look similar stay unknown.
func TestRecognize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		upload     string
		server     target.Server
		wantSimple string
	}{
		{"http://127.0.0.1:8080/", target.ServerPypiserver, "http://127.0.0.1:8080/simple/"},
		{"http://127.0.0.1:8080", target.ServerPypiserver, "http://127.0.0.1:8080/simple/"},
		{"https://devpi.example/root/dev/", target.ServerDevpi, "https://devpi.example/root/dev/+simple/"},
		{"https://devpi.example/root/dev", target.ServerDevpi, "https://devpi.example/root/dev/+simple/"},
		{"https://devpi.example/root/+simple/", target.ServerUnknown, ""},
		{"https://acme.jfrog.io/artifactory/api/pypi/pypi-local", target.ServerArtifactory, "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple/"},
		{"https://acme.example/tools/artifactory/api/pypi/pypi-local/", target.ServerArtifactory, "https://acme.example/tools/artifactory/api/pypi/pypi-local/simple/"},
		{"https://nexus.example/repository/pypi-hosted/", target.ServerNexus, "https://nexus.example/repository/pypi-hosted/simple/"},
		{"https://nexus.example/nexus/repository/pypi-hosted", target.ServerNexus, "https://nexus.example/nexus/repository/pypi-hosted/simple/"},
		{"https://gitlab.com/api/v4/projects/42/packages/pypi", target.ServerGitLab, "https://gitlab.com/api/v4/projects/42/packages/pypi/simple/"},
		{"https://gitlab.example/api/v4/projects/group%2Fproject/packages/pypi", target.ServerGitLab, "https://gitlab.example/api/v4/projects/group%2Fproject/packages/pypi/simple/"},
		{"https://gitlab.example/api/v4/groups/7/-/packages/pypi", target.ServerUnknown, ""},
		{"https://gitea.example/api/packages/octo/pypi", target.ServerGitea, "https://gitea.example/api/packages/octo/pypi/simple/"},
		{"https://codeberg.org/api/packages/octo/pypi/", target.ServerGitea, "https://codeberg.org/api/packages/octo/pypi/simple/"},
		{"https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my_repo/", target.ServerCodeArtifact,
			"https://my-domain-111122223333.d.codeartifact.us-west-2.amazonaws.com/pypi/my_repo/simple/"},
		{"https://my-domain-111122223333.d.codeartifact.eu-west-1.on.aws/pypi/r", target.ServerCodeArtifact,
			"https://my-domain-111122223333.d.codeartifact.eu-west-1.on.aws/pypi/r/simple/"},
		{"https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/upload/", target.ServerAzure, "https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/simple/"},
		{"https://pkgs.dev.azure.com/org/_packaging/feed/pypi/upload", target.ServerAzure, "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/"},
		{"https://org.pkgs.visualstudio.com/proj/_packaging/feed/pypi/upload", target.ServerAzure, "https://org.pkgs.visualstudio.com/proj/_packaging/feed/pypi/simple/"},
		{"https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/simple/", target.ServerUnknown, ""},
		{"https://europe-west1-python.pkg.dev/my-project/my-repo/", target.ServerGoogle, "https://europe-west1-python.pkg.dev/my-project/my-repo/simple/"},
		{"https://europe-west1-python.pkg.dev/my-project/", target.ServerUnknown, ""},
		{"https://example.com/a/b/c/", target.ServerUnknown, ""},
		{"https://example.com/legacy/", target.ServerUnknown, ""},
	}
	for _, tc := range cases {
		u, err := url.Parse(tc.upload)
		if err != nil {
			t.Fatal(err)
		}
		server, simple := target.Recognize(u)
		if server != tc.server || simple != tc.wantSimple {
			t.Errorf("Recognize(%q) = %q, %q; want %q, %q", tc.upload, server, simple, tc.server, tc.wantSimple)
		}
	}
}

func TestSimpleLike(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"http://127.0.0.1:3141/user/dev/+simple/":                          "http://127.0.0.1:3141/user/dev/",
		"http://127.0.0.1:8080/simple":                                     "http://127.0.0.1:8080/",
		"https://acme.jfrog.io/artifactory/api/pypi/local/simple":          "https://acme.jfrog.io/artifactory/api/pypi/local/",
		"https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/simple/": "https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/upload/",
		"https://test.pypi.org/simple/":                                    "https://test.pypi.org/legacy/",
		"https://devpi.example/root/dev/":                                  "",
		"https://example.com/simpler/":                                     "",
	}
	for repo, want := range cases {
		tg, err := target.New(repo, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if tg.SimpleLike != want {
			t.Errorf("New(%q).SimpleLike = %q, want %q", repo, tg.SimpleLike, want)
		}
	}
}
