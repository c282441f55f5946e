package publishtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type part struct {
	name, value string
	filename    string // set: a file part
	ctype       string // file part Content-Type; "-" for none
}

const testFile = "demo_pkg-1.0-py3-none-any.whl"

var testBytes = []byte("wheel bytes")

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func validParts(filename, filetype, pyversion string, content []byte) []part {
	return []part{
		{name: "metadata_version", value: "2.1"}, {name: "name", value: "demo-pkg"}, {name: "version", value: "1.0"},
		{name: "filetype", value: filetype}, {name: "pyversion", value: pyversion}, {name: "sha256_digest", value: sha(content)},
		{name: ":action", value: "file_upload"}, {name: "protocol_version", value: "1"},
		{name: "content", value: string(content), filename: filename, ctype: "application/octet-stream"},
	}
}

func encode(t *testing.T, parts []part) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, p.name, p.filename))
			if p.ctype != "-" {
				h.Set("Content-Type", p.ctype)
			}
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, p.name))
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.value)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// post uploads parts and returns the status, the reason phrase and the JSON
// code without its status.
func post(t *testing.T, url string, parts []part, auth string) (int, string, string) {
	t.Helper()
	ct, body := encode(t, parts)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var j struct{ Code string }
	_ = json.Unmarshal(b, &j)
	reason := strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode)))
	return resp.StatusCode, reason, strings.TrimPrefix(j.Code, fmt.Sprint(resp.StatusCode, " "))
}

func replace(parts []part, name, value string) []part {
	out := append([]part(nil), parts...)
	for i := range out {
		if out[i].name == name {
			out[i].value = value
		}
	}
	return out
}

func without(parts []part, name string) []part {
	var out []part
	for _, p := range parts {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

func with(parts []part, extra ...part) []part {
	out := append([]part(nil), parts[:len(parts)-1]...)
	return append(append(out, extra...), parts[len(parts)-1])
}

// TestStrictUploadRules checks the Warehouse rules the fake enforces
// (warehouse/forklift/legacy.py).
func TestStrictUploadRules(t *testing.T) {
	t.Parallel()
	good := validParts(testFile, "bdist_wheel", "py3", testBytes)
	tok := basic("__token__", "pypi-abc")
	sdist := validParts("demo_pkg-1.0.tar.gz", "sdist", "source", []byte("sdist"))
	cases := []struct {
		name  string
		parts []part
		auth  string
		code  int
		msg   string // prefix
	}{
		{"valid", good, tok, 200, ""},
		{"valid_token_scheme", good, "token pypi-abc", 200, ""},
		{"no_auth", good, "", 403, MsgInvalidAuth},
		{"password_auth", good, basic("alice", "secret"), 403, "Username/Password authentication is no longer supported."},
		{"bad_token", good, basic("__token__", "nope"), 403, MsgInvalidAuth},
		{"field_sent_twice", with(good, part{name: "version", value: "1.0"}), tok, 400, "'version' has invalid data. See https://packaging.python.org/specifications/core-metadata"},
		{"field_as_file", with(good, part{name: "summary", value: "x", filename: "s.txt", ctype: "text/plain"}), tok, 400, "summary: Should not be a tuple."},
		{"no_content_type", replaceCT(good, "-"), tok, 400, MsgInvalidFile},
		{"image_content_type", replaceCT(good, "image/png"), tok, 400, MsgInvalidFile},
		{"no_action", without(good, ":action"), tok, 404, ""},
		{"protocol_2", replace(good, "protocol_version", "2"), tok, 400, MsgUnknownProtocol},
		{"bad_name", replace(good, "name", "-bad-"), tok, 400, "'-bad-' is an invalid value for Name."},
		{"metadata_2_6", replace(good, "metadata_version", "2.6"), tok, 400, "'2.6' is not a valid metadata version."},
		{"license_expression_under_2_1", with(good, part{name: "license_expression", value: "MIT"}), tok, 400, "license-expression introduced in metadata version 2.4, not 2.1."},
		{"local_version", replace(good, "version", "1.0+local"), tok, 400, "The use of local versions in '1.0+local' is not allowed."},
		{"bad_filetype", replace(good, "filetype", "bdist_egg"), tok, 400, "Invalid value for filetype. Error: Use a known file type."},
		{"wheel_without_pyversion", replace(good, "pyversion", ""), tok, 400, "Invalid value for pyversion. Error: Python version is required"},
		{"sdist_with_pyversion", replace(sdist, "pyversion", "py3"), tok, 400, "Invalid value for pyversion. Error: Use 'source'"},
		{"short_digest", replace(good, "sha256_digest", "abc"), tok, 400, "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest."},
		{"no_digest", without(good, "sha256_digest"), tok, 400, "Error: Include at least one message digest."},
		{"wrong_digest", replace(good, "sha256_digest", strings.Repeat("0", 64)), tok, 400, MsgDigestMismatch},
		{"wrong_md5", with(good, part{name: "md5_digest", value: strings.Repeat("0", 32)}), tok, 400, MsgDigestMismatch},
		{"no_file", without(good, "content"), tok, 400, MsgNoFile},
		{"bad_extension", replaceFile(good, "demo_pkg-1.0.egg"), tok, 400, "Invalid file extension: Use .tar.gz, .whl or .zip extension."},
		{"extension_vs_filetype", replace(replaceFile(good, "demo_pkg-1.0.tar.gz"), "pyversion", "py3"), tok, 400, "Invalid file extension: Extension .tar.gz is invalid for filetype bdist_wheel."},
		{"wheel_wrong_project", replaceFile(good, "other-1.0-py3-none-any.whl"), tok, 400, "Start filename for 'demo-pkg' with 'demo_pkg'."},
		{"wheel_not_normalized", replaceFile(good, "Demo.Pkg-1.0-py3-none-any.whl"), tok, 400, "Filename 'Demo.Pkg-1.0-py3-none-any.whl' should contain the normalized project name 'demo_pkg', not 'Demo.Pkg'."},
		{"wheel_wrong_version", replaceFile(good, "demo_pkg-1.1-py3-none-any.whl"), tok, 400, "Version in filename should be '1.0' not '1.1'."},
		{"sdist_pep625", replaceFile(sdist, "Demo_Pkg-1.0.tar.gz"), tok, 400, "Filename 'Demo_Pkg-1.0.tar.gz' is invalid, should be 'demo_pkg-1.0.tar.gz'."},
		{"sdist_zip", replaceFile(sdist, "demo_pkg-1.0.zip"), tok, 400, "Filename 'demo_pkg-1.0.zip' is invalid, should be 'demo_pkg-1.0.tar.gz'."},
		{"sdist_valid", sdist, tok, 200, ""},
		{"unknown_removed", replace(good, "summary", "UNKNOWN"), tok, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			defer s.Close()
			code, reason, msg := post(t, s.UploadURL(), tc.parts, tc.auth)
			if code != tc.code || !strings.HasPrefix(msg, tc.msg) {
				t.Errorf("upload = %d %q, want %d %q...", code, msg, tc.code, tc.msg)
			}
			if tc.msg != "" && reason != msg {
				t.Errorf("reason phrase %q differs from the JSON code %q", reason, msg)
			}
			if n := len(s.Uploads()); n != 1 {
				t.Errorf("recorded %d uploads, want 1", n)
			}
		})
	}
}

func replaceCT(parts []part, ct string) []part {
	out := append([]part(nil), parts...)
	out[len(out)-1].ctype = ct
	return out
}

func replaceFile(parts []part, filename string) []part {
	out := append([]part(nil), parts...)
	out[len(out)-1].filename = filename
	return out
}

// TestDuplicates checks Warehouse's duplicate rules and the pypiserver-like mode.
func TestDuplicates(t *testing.T) {
	t.Parallel()
	tok := basic("__token__", "pypi-abc")
	good := validParts(testFile, "bdist_wheel", "py3", testBytes)
	other := []byte("other bytes")
	changed := replace(replaceCT(good, "application/octet-stream"), "sha256_digest", sha(other))
	changed[len(changed)-1].value = string(other)
	sameBytesOtherName := replaceFile(good, "demo_pkg-1.0-py2-none-any.whl")

	s := New()
	defer s.Close()
	steps := []struct {
		name  string
		parts []part
		code  int
		msg   string
	}{
		{"first", good, 200, ""},
		{"identical_again", good, 200, ""},
		{"same_name_other_bytes", changed, 400, "File already exists ('demo_pkg-1.0-py3-none-any.whl', with blake2_256 hash '"},
		{"same_bytes_other_name", sameBytesOtherName, 400, "File already exists ('demo_pkg-1.0-py2-none-any.whl'"},
		{"first_sdist", validParts("demo_pkg-1.0.tar.gz", "sdist", "source", []byte("s1")), 200, ""},
		{"second_sdist", func() []part {
			p := validParts("demo_pkg-1.0.0.tar.gz", "sdist", "source", []byte("s2"))
			return replace(p, "version", "1.0.0")
		}(), 400, MsgOneSdist},
	}
	for _, st := range steps {
		code, _, msg := post(t, s.UploadURL(), st.parts, tok)
		if code != st.code || !strings.HasPrefix(msg, st.msg) {
			t.Errorf("%s: upload = %d %q, want %d %q...", st.name, code, msg, st.code, st.msg)
		}
	}
	if !strings.HasSuffix(msgOf(t, s, changed, tok), "See https://pypi.org/help/#file-name-reuse for more information.") {
		t.Error("file-exists message lacks the help link")
	}
	s.Delete(testFile)
	if code, _, msg := post(t, s.UploadURL(), good, tok); code != 400 || msg != MsgFilenameReused {
		t.Errorf("re-upload of a deleted name = %d %q, want 400 %q", code, msg, MsgFilenameReused)
	}

	tp := New(WithMode(ThirdParty))
	defer tp.Close()
	if code, _, _ := post(t, tp.UploadURL(), replaceFile(good, "Not.Normalized-1.0-py3-none-any.whl"), basic("alice", "pw")); code != 200 {
		t.Errorf("third-party upload with any name and password = %d, want 200", code)
	}
	post(t, tp.UploadURL(), good, basic("alice", "pw"))
	if code, reason, _ := post(t, tp.UploadURL(), good, basic("alice", "pw")); code != 409 || reason != "Conflict" {
		t.Errorf("third-party identical re-upload = %d %q, want 409 Conflict", code, reason)
	}
}

func msgOf(t *testing.T, s *Server, parts []part, auth string) string {
	_, _, msg := post(t, s.UploadURL(), parts, auth)
	return msg
}

func TestErrorRendering(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	cases := []struct {
		accept    string
		wantCT    string
		wantBody  string
		wantTitle bool
	}{
		{"", "text/plain", "403 Invalid or non-existent authentication information.", false},
		{"*/*", "text/html", "<h1>403 Invalid or non-existent", true},
		{"application/json;q=0.9, text/plain;q=0.8", "application/json", `"code": "403 Invalid or non-existent`, false},
		{"text/plain", "text/plain", "403 Invalid or non-existent authentication information.", false},
	}
	for _, tc := range cases {
		ct, body := encode(t, validParts(testFile, "bdist_wheel", "py3", testBytes))
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.UploadURL(), bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.wantCT) || !strings.Contains(string(b), tc.wantBody) {
			t.Errorf("Accept %q: got %s %q, want %s containing %q", tc.accept, resp.Header.Get("Content-Type"), b, tc.wantCT, tc.wantBody)
		}
		if resp.Status != "403 "+MsgInvalidAuth {
			t.Errorf("status line = %q", resp.Status)
		}
	}
}

func TestLatin1StatusLine(t *testing.T) {
	t.Parallel()
	if got, want := latin1("naïve пакет\r\nx"), "naïve ?????  x"; got != want {
		t.Errorf("latin1() = %q, want %q", got, want)
	}
}

func TestLegacyWithoutSlashRedirects(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	ct, body := encode(t, validParts(testFile, "bdist_wheel", "py3", testBytes))
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL()+"/legacy", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 308 || resp.Header.Get("Location") != s.UploadURL() || resp.Status != "308 "+MsgTrailingSlash {
		t.Errorf("POST /legacy = %q Location %q, want 308 to %s", resp.Status, resp.Header.Get("Location"), s.UploadURL())
	}
}

func TestSimpleAPI(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	f := s.Seed("Demo.Pkg", "1.0", "demo_pkg-1.0.tar.gz", []byte("x"))
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := get("/simple/demo-pkg/", "application/vnd.pypi.simple.v1+json")
	var page struct {
		Meta  map[string]string `json:"meta"`
		Name  string
		Files []struct {
			Filename string
			Hashes   map[string]string
		}
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || resp.Header.Get("Content-Type") != "application/vnd.pypi.simple.v1+json" {
		t.Fatalf("JSON page: %v, Content-Type %q", err, resp.Header.Get("Content-Type"))
	}
	if page.Name != "demo-pkg" || len(page.Files) != 1 || page.Files[0].Hashes["sha256"] != f.SHA256 || page.Meta["api-version"] == "" {
		t.Errorf("JSON page = %+v", page)
	}
	if resp, body := get("/simple/demo-pkg/", "text/html"); !strings.Contains(body, "#sha256="+f.SHA256) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("HTML page = %q", body)
	}
	if resp, _ := get("/simple/Demo.Pkg/", "application/vnd.pypi.simple.v1+json"); resp.StatusCode != 301 || resp.Header.Get("Location") != "/simple/demo-pkg/" {
		t.Errorf("non-normalized name: %d %q, want 301 to /simple/demo-pkg/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get("/simple/nothing/", "application/vnd.pypi.simple.v1+json"); resp.StatusCode != 404 {
		t.Errorf("unknown project: %d, want 404", resp.StatusCode)
	}
	if resp, body := get("/files/demo_pkg-1.0.tar.gz", "*/*"); resp.StatusCode != 200 || body != "x" {
		t.Errorf("file download: %d %q", resp.StatusCode, body)
	}
}

func TestAuthHookAndAttestationVerifier(t *testing.T) {
	t.Parallel()
	s := New(WithAuth(func(user, password string) error {
		if password == "pypi-expired" {
			return errors.New(MsgTokenExpired)
		}
		return nil
	}), WithAttestationVerifier(func(filename, sha256 string, att []byte) error {
		if filename != testFile || sha256 != sha(testBytes) {
			t.Errorf("verifier got %s %s", filename, sha256)
		}
		return errors.New("certificate does not match the publisher")
	}))
	defer s.Close()
	good := validParts(testFile, "bdist_wheel", "py3", testBytes)
	if code, _, msg := post(t, s.UploadURL(), good, basic("__token__", "pypi-expired")); code != 403 || msg != MsgTokenExpired {
		t.Errorf("expired token: %d %q", code, msg)
	}
	withAtt := with(good, part{name: "attestations", value: "[]"})
	if code, _, msg := post(t, s.UploadURL(), withAtt, basic("__token__", "x")); code != 400 || msg != "Invalid attestations supplied during upload: certificate does not match the publisher" {
		t.Errorf("attestations: %d %q", code, msg)
	}
	ups := s.Uploads()
	if got := ups[len(ups)-1]; got.Attestations != "[]" || got.User != "__token__" {
		t.Errorf("recorded upload = %+v", got)
	}
}

func TestScriptOrder(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	s.Script("*", Unavailable())
	s.Script(testFile, Fail(400, "first"), Pass2())
	tok := basic("__token__", "pypi-x")
	good := validParts(testFile, "bdist_wheel", "py3", testBytes)
	var got []int
	for range 3 {
		code, _, _ := post(t, s.UploadURL(), good, tok)
		got = append(got, code)
	}
	other := validParts("demo_pkg-1.0-py2-none-any.whl", "bdist_wheel", "py2", []byte("two"))
	code, _, _ := post(t, s.UploadURL(), other, tok)
	got = append(got, code)
	if diff := cmp.Diff([]int{400, 200, 200, 503}, got); diff != "" {
		t.Errorf("scripted answers mismatch (-want +got):\n%s", diff)
	}
	var attempts []int
	for _, u := range s.Uploads() {
		attempts = append(attempts, u.Attempt)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 1}, attempts); diff != "" {
		t.Errorf("attempt numbers mismatch (-want +got):\n%s", diff)
	}
}

// Pass2 is an explicit "process normally" entry.
func Pass2() Fault { return Fault{Kind: Pass} }

func TestParseVersion(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, norm, canon string }{
		{"1.0", "1.0", "1"}, {"v1.0.0", "1.0.0", "1"}, {"1.0.0RC1", "1.0.0rc1", "1rc1"}, {"1.0-post1", "1.0.post1", "1.post1"},
		{"1.0-1", "1.0.post1", "1.post1"}, {"1.0.dev", "1.0.dev0", "1.dev0"}, {"0!1.0alpha", "1.0a0", "1a0"}, {"2!1.0", "2!1.0", "2!1"},
		{"1.0+Ubuntu-1", "1.0+ubuntu.1", "1+ubuntu.1"}, {"2.0.0rc1.post2.dev3", "2.0.0rc1.post2.dev3", "2rc1.post2.dev3"},
	}
	for _, tc := range cases {
		v, ok := parseVersion(tc.in)
		if !ok || v.norm != tc.norm || v.canon != tc.canon {
			t.Errorf("parseVersion(%q) = %+v, %v; want %q, %q", tc.in, v, ok, tc.norm, tc.canon)
		}
	}
	if _, ok := parseVersion("not a version"); ok {
		t.Error("parseVersion(not a version) ok")
	}
}
