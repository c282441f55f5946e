package oidc_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/oidc"
	"github.com/pypi-publish/pypi-publish/oidc/oidctest"
)

func jwtWithPayload(payload string) string {
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestDecodeClaims(t *testing.T) {
	t.Parallel()
	signed, err := oidctest.Sign(oidctest.Key(), map[string]any{"sub": "repo:a/b:ref:refs/heads/main", "repository_owner_id": "42", "n": 7})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		jwt     string
		want    map[string]string
		wantErr bool
	}{
		{name: "signed", jwt: signed, want: map[string]string{"sub": "repo:a/b:ref:refs/heads/main", "repository_owner_id": "42", "n": "7", "environment": oidc.Missing}},
		{name: "padded_payload", jwt: "a." + base64.URLEncoding.EncodeToString([]byte(`{"ref":"refs/tags/v1"}`)) + ".b", want: map[string]string{"ref": "refs/tags/v1"}},
		{name: "types", jwt: jwtWithPayload(`{"b":true,"f":1.5,"nul":null,"arr":["x"],"e":""}`),
			want: map[string]string{"b": "true", "f": "1.5", "nul": oidc.Missing, "arr": `["x"]`, "e": ""}},
		{name: "two_parts", jwt: "a.b", wantErr: true},
		{name: "empty", jwt: "", wantErr: true},
		{name: "not_base64", jwt: "a.!!!.c", wantErr: true},
		{name: "not_object", jwt: jwtWithPayload(`["x"]`), wantErr: true},
		{name: "null", jwt: jwtWithPayload(`null`), wantErr: true},
		{name: "huge", jwt: "a." + strings.Repeat("A", 70000) + ".c", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := oidc.DecodeClaims(tc.jwt)
			if (err != nil) != tc.wantErr {
				t.Fatalf("DecodeClaims() error = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				if len(tc.jwt) > 8 && strings.Contains(err.Error(), tc.jwt) {
					t.Errorf("DecodeClaims() error contains the token")
				}
				return
			}
			got := map[string]string{}
			for k := range tc.want {
				got[k] = c.String(k)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DecodeClaims() claims mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReusableWorkflow(t *testing.T) {
	t.Parallel()
	caller := "octo-org/app/.github/workflows/release.yml@refs/tags/v1"
	called := "octo-org/app/.github/workflows/publish.yaml@refs/tags/v1"
	cases := []struct {
		name   string
		claims oidc.Claims
		want   bool
	}{
		{name: "same", claims: oidc.Claims{"workflow_ref": caller, "job_workflow_ref": caller}},
		{name: "different", claims: oidc.Claims{"workflow_ref": caller, "job_workflow_ref": called}, want: true},
		{name: "missing_job_workflow_ref", claims: oidc.Claims{"workflow_ref": caller}},
		{name: "missing_both", claims: oidc.Claims{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, ok := oidc.ReusableWorkflow(tc.claims)
			if ok != tc.want {
				t.Fatalf("ReusableWorkflow() ok = %v, want %v", ok, tc.want)
			}
			if ok {
				for _, s := range []string{caller, called, `"publish.yaml"`, oidc.ReusableURL} {
					if !strings.Contains(w, s) {
						t.Errorf("ReusableWorkflow() warning %q does not contain %q", w, s)
					}
				}
			}
		})
	}
}

func TestPublisherFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		claims oidc.Claims
		want   oidc.Publisher
		link   string
	}{
		{
			name:   "full",
			claims: oidc.Claims(oidctestClaims()),
			want:   oidc.Publisher{Owner: "octo-org", Repository: "octo-repo", Workflow: "release.yml", Environment: "pypi"},
			link:   "https://pypi.org/manage/project/sample/settings/publishing/?provider=github&owner=octo-org&repository=octo-repo&workflow_filename=release.yml",
		},
		{
			name:   "owner_from_repository_and_escaping",
			claims: oidc.Claims{"repository": "a b/c&d", "job_workflow_ref": "a b/c&d/.github/workflows/x y.yaml@refs/heads/main"},
			want:   oidc.Publisher{Owner: "a b", Repository: "c&d", Workflow: "x y.yaml"},
			link:   "https://pypi.org/manage/project/sample/settings/publishing/?provider=github&owner=a+b&repository=c%26d&workflow_filename=x+y.yaml",
		},
		{name: "empty", claims: oidc.Claims{}, want: oidc.Publisher{},
			link: "https://pypi.org/manage/project/sample/settings/publishing/?provider=github&owner=&repository=&workflow_filename="},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := oidc.PublisherFor(tc.claims)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("PublisherFor() mismatch (-want +got):\n%s", diff)
			}
			if link := got.SettingsURL("https://pypi.org", "sample"); link != tc.link {
				t.Errorf("SettingsURL() = %q, want %q", link, tc.link)
			}
			if link := got.SettingsURL("", "sample"); link != "" {
				t.Errorf("SettingsURL(no base) = %q, want empty", link)
			}
		})
	}
}

func TestWorkflowFile(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"o/r/.github/workflows/release.yml@refs/tags/v1", "release.yml"},
		{"o/r/.github/workflows/pub.yaml@0123abc", "pub.yaml"},
		{"o/r/.github/workflows/release.yml", ""},
		{"o/r/.github/workflows/release.json@x", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := oidc.WorkflowFile(tc.in); got != tc.want {
			t.Errorf("WorkflowFile(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func oidctestClaims() map[string]any { return oidctest.DefaultClaims() }
