package publish

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pypiserverPage is bottle's error page as pypiserver 2.4.1 sends it.
func pypiserverPage(code int, reason, pre string) string {
	return fmt.Sprintf(`
    <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
    <html>
        <head>
            <title>Error: %d %s</title>
            <style type="text/css">
              html {background-color: #eee; font-family: sans;}
              body {background-color: #fff; border: 1px solid #ddd;
                    padding: 15px; margin: 15px;}
              pre {background-color: #eee; border: 1px solid #ddd; padding: 5px;}
            </style>
        </head>
        <body>
            <h1>Error: %d %s</h1>
            <p>Sorry, the requested URL <tt>&#039;http://127.0.0.1:18301/&#039;</tt>
               caused an error:</p>
            <pre>%s</pre>
        </body>
    </html>
`, code, reason, code, reason, pre)
}

func TestExtractMessage(t *testing.T) {
	t.Parallel()
	const exists = "File already exists ('demo-1.0.tar.gz', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information."
	cases := []struct {
		name   string
		status string // resp.Status; HTTP/2 gives the standard phrase
		code   int
		ctype  string
		body   string
		want   string
	}{
		{"json_code", "400 " + exists, 400, "application/json",
			`{"message": "The server could not comply.\n\n\n` + exists + `\n\n", "code": "400 ` + exists + `", "title": "Bad Request"}`, exists},
		{"json_code_over_http2", "400 Bad Request", 400, "application/json",
			`{"message": "x", "code": "400 ` + exists + `", "title": "Bad Request"}`, exists},
		{"json_code_latin1_replacement_prefers_message", "400 Bad Request", 400, "application/json",
			`{"message": "Expl.\n\n\nThe name 'пакет' is invalid.\n\n", "code": "400 The name '?????' is invalid.", "title": "Bad Request"}`, "The name 'пакет' is invalid."},
		{"json_message_only", "403 Forbidden", 403, "application/json", `{"message": "Access was denied to this resource."}`, "Access was denied to this resource."},
		{"problem_json", "422 Unprocessable Entity", 422, "application/problem+json", `{"title": "Invalid upload", "detail": "bad version"}`, "Invalid upload: bad version"},
		{"reason_phrase_when_body_is_garbage_json", "400 Invalid value for filetype.", 400, "application/json", `{"message": "unterm`, "Invalid value for filetype."},
		{"reason_phrase_plain", "400 Only one sdist may be uploaded per release.", 400, "text/html", "<html><title>400 Bad Request</title></html>", "Only one sdist may be uploaded per release."},
		{"html_title_over_http2", "400 Bad Request", 400, "text/html; charset=UTF-8",
			"<html>\n <head>\n  <title>400 " + strings.ReplaceAll(exists, "'", "&#x27;") + "</title>\n </head>\n <body><h1>x</h1></body></html>", exists},
		{"html_h1_when_title_is_generic", "409 Conflict", 409, "text/html",
			"<html><head><title>Error: 409 Conflict</title></head><body><h1>Package &#39;x&#39; already exists!</h1></body></html>", "Package 'x' already exists!"},
		{"text_plain_pyramid", "403 Forbidden", 403, "text/plain",
			"403 Invalid or non-existent authentication information.\n\nAccess was denied to this resource.\n\n\nInvalid or non-existent authentication information.\n", "Invalid or non-existent authentication information."},
		{"text_plain_other", "500 Internal Server Error", 500, "text/plain", "upstream   timed\nout", "upstream timed out"},
		{"empty_body_standard_phrase", "503 Service Unavailable", 503, "", "", "Service Unavailable"},
		{"nonstandard_code_no_body", "599 ", 599, "", "", "Unknown Status"},
		{"long_body_truncated", "502 Bad Gateway", 502, "text/plain", strings.Repeat("x", 5000), strings.Repeat("x", maxExcerpt) + "…"},
		// Real pages, as pypiserver 2.4.1 and devpi-server 6.19.1 send them
		// (docs/indexes.md).
		{"pypiserver_conflict_css_dropped", "409 Conflict", 409, "text/html; charset=UTF-8", pypiserverPage(409, "Conflict",
			"Package &#039;p-1.0-py3-none-any.whl&#039; already exists!\n  You may start server with `--overwrite` option."),
			"Package 'p-1.0-py3-none-any.whl' already exists! You may start server with `--overwrite` option."},
		{"pypiserver_wrong_password_none", "403 Forbidden", 403, "text/html; charset=UTF-8", pypiserverPage(403, "Forbidden", "None"), "Forbidden"},
		{"pypiserver_405", "405 Method Not Allowed", 405, "text/html; charset=UTF-8", pypiserverPage(405, "Method Not Allowed", "Method not allowed."), "Method not allowed."},
		{"devpi_unknown_stage_html", "404 Not Found", 404, "text/html; charset=UTF-8",
			"<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The stage user/nope could not be found.<br/><br/>\n\n\n\n </body>\n</html>",
			"The stage user/nope could not be found."},
		{"devpi_401_json", "401 Unauthorized", 401, "application/json",
			`{"message": "This server could not verify that you are authorized to access the document you requested.\n\n\n\n\n", "code": "401 Unauthorized", "title": "Unauthorized"}`,
			"This server could not verify that you are authorized to access the document you requested."},
		{"devpi_conflict_reason", "409 p-1.0.whl already exists in non-volatile index", 409, "application/json",
			`{"message": "", "code": "409 Conflict", "title": "Conflict"}`, "p-1.0.whl already exists in non-volatile index"},
		{"html_scripts_dropped", "500 Internal Server Error", 500, "text/html",
			"<html><head><script>var x = 1;</script><style>b{}</style></head><body><p>broken</p></body></html>", "broken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{Status: tc.status, StatusCode: tc.code, Header: http.Header{}}
			if tc.ctype != "" {
				resp.Header.Set("Content-Type", tc.ctype)
			}
			if got := extractMessage(resp, []byte(tc.body)); got != tc.want {
				t.Errorf("extractMessage() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorIsAndString(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://user:secret@upload.pypi.org/legacy/?token=x")
	mk := func(code int, msg string, pypi bool) *Error {
		return &Error{StatusCode: code, Method: "POST", URL: redactURL(u), Message: msg, pypi: pypi}
	}
	cases := []struct {
		name string
		err  *Error
		want []error
		temp bool
	}{
		{"exists_pypi", mk(400, "File already exists ('a', with blake2_256 hash 'b'). See …", true), []error{ErrFileExists}, false},
		{"exists_google", mk(400, "Requested entity already exists.", false), []error{ErrFileExists}, false},
		{"already_exist_wording_alone_is_not_exists", mk(400, "Classifier 'Foo' already exists in a deprecated form", false), nil, false},
		{"exists_wording_on_pypi_is_not_exists", mk(400, "Something already exists elsewhere", true), nil, false},
		{"bare_conflict_third_party_is_not_exists", mk(409, "Conflict", false), nil, false},
		{"conflict_pypiserver", mk(409, "Package 'a-1.whl' already exists!\n  You may start server with `--overwrite` option.", false), []error{ErrFileExists}, false},
		{"conflict_devpi", mk(409, "a-1.whl already exists in non-volatile index", false), []error{ErrFileExists}, false},
		{"conflict_gitea", mk(409, "package file already exists", false), []error{ErrFileExists}, false},
		{"exists_nexus", mk(400, "Repository does not allow updating assets: pypi-hosted", false), []error{ErrFileExists}, false},
		{"exists_gitlab", mk(400, "400 Bad request - Validation failed: File name has already been taken", false), []error{ErrFileExists}, false},
		{"exists_artifactory", mk(403, "Not enough permissions to delete/overwrite artifact 'r:p/1/p-1.whl' (user: 'u' needs DELETE permission).", false), []error{ErrFileExists}, false},
		{"exists_azure", mk(409, "The feed 'F' already contains file 'p-1.whl' in package 'p 1'.", false), []error{ErrFileExists}, false},
		{"conflict_pypi_is_name_conflict", mk(409, "The name 'x' conflicts with an existing project.", true), nil, false},
		{"reused", mk(400, "This filename was previously used by a file that has since been deleted. …", true), []error{ErrFilenameReused}, false},
		{"one_sdist", mk(400, "Only one sdist may be uploaded per release.", true), []error{ErrOneSdist}, false},
		{"redirect", mk(308, "Permanent Redirect", true), []error{ErrRedirect}, false},
		{"expired", mk(403, "Invalid API Token: token is expired", true), []error{ErrTokenExpired}, false},
		{"too_many", mk(429, "Too Many Requests", true), nil, true},
		{"unavailable", mk(503, "Service Unavailable", true), nil, true},
		{"not_implemented_is_permanent", mk(501, "Not Implemented", true), nil, false},
	}
	all := []error{ErrFileExists, ErrFilenameReused, ErrOneSdist, ErrRedirect, ErrTokenExpired}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []error
			wrapped := fmt.Errorf("failed to upload x: %w", tc.err)
			for _, s := range all {
				if errors.Is(wrapped, s) {
					got = append(got, s)
				}
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("sentinels mismatch (-want +got):\n%s", diff)
			}
			if tc.err.Temporary() != tc.temp {
				t.Errorf("Temporary() = %v, want %v", tc.err.Temporary(), tc.temp)
			}
			s := tc.err.Error()
			if strings.Contains(s, "secret") || strings.Contains(s, "token=x") {
				t.Errorf("Error() = %q leaks credentials or query", s)
			}
			if !strings.HasPrefix(s, "POST https://upload.pypi.org/legacy/: ") {
				t.Errorf("Error() = %q, want it to start with the method and URL", s)
			}
		})
	}
}

func TestRedirectErrorNamesFix(t *testing.T) {
	t.Parallel()
	e := &Error{StatusCode: 308, Method: "POST", URL: "https://upload.pypi.org/legacy", Message: "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)", Location: "https://upload.pypi.org/legacy/"}
	if s := e.Error(); !strings.Contains(s, "missing its trailing slash") || !strings.Contains(s, "/legacy/") {
		t.Errorf("Error() = %q, want it to name the trailing-slash fix", s)
	}
	sit := Classify(e)
	if sit.ID != "UP-19" || !strings.Contains(sit.Hint, "https://upload.pypi.org/legacy/") {
		t.Errorf("Classify() = %+v, want UP-19 naming the fixed URL", sit)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"7", 7 * time.Second}, {"-1", 0}, {"junk", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"999999999", maxRetryAfter},
	}
	for _, tc := range cases {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tp := func(code int, msg, server string) error {
		return fmt.Errorf("failed to upload f: %w", &Error{StatusCode: code, URL: "https://h/u/", Message: msg, server: server})
	}
	e := func(code int, msg string) error {
		return fmt.Errorf("failed to upload f: %w", &Error{StatusCode: code, Message: msg, pypi: true})
	}
	cases := []struct {
		name string
		err  error
		id   string
		hint string // substring
	}{
		{"nil", nil, "", ""},
		{"exists", e(400, "File already exists ('f', with blake2_256 hash 'x'). See …"), "UP-04", "new version"},
		{"reused", e(400, "This filename was previously used by a file that has since been deleted. Use a different version."), "UP-05", "post-release"},
		{"one_sdist", e(400, "Only one sdist may be uploaded per release."), "UP-06", "skip-existing"},
		{"old_release", e(400, "Uploading new files to releases older than 14 days is not allowed."), "UP-07", "new version"},
		{"invalid_auth", e(403, "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."), "UP-08", "other index"},
		{"expired", e(403, "Invalid API Token: token is expired"), "UP-09", "expired"},
		{"not_allowed", e(403, "The given token isn't allowed to upload to project 'x'. See …"), "UP-10", "scope"},
		{"non_user", e(400, "Non-user identities cannot create new projects. This was probably caused by …"), "UP-11", "Name"},
		{"attestations", e(400, "Invalid attestations supplied during upload: bad"), "UP-12", "attestations: false"},
		{"render", e(400, "The description failed to render in the default format of reStructuredText. See …"), "UP-13", "twine check"},
		{"start_filename", e(400, "Start filename for 'Foo' with 'foo'."), "UP-14", "normalized"},
		{"too_large", e(400, "File too large. Limit for project 'x' is 100 MB. See …"), "UP-15", "limit increase"},
		{"lb_413", e(413, "Request Entity Too Large"), "UP-16", "1 GiB"},
		{"rate", e(429, "Too many new projects created"), "UP-17", "later"},
		{"method", e(405, "Method Not Allowed"), "UP-18", "https://upload.pypi.org/legacy/"},
		{"redirect", e(301, "Moved Permanently"), "UP-19", "Redirects"},
		{"server", e(503, "Service Unavailable"), "UP-20", "status"},
		{"pypi_409", e(409, "The name 'x' conflicts with an existing project."), "UP-21", "name"},
		{"other", e(418, "I'm a teapot"), "UP-22", ""},
		{"password", e(403, "Username/Password authentication is no longer supported. Migrate …"), "AU-01", "__token__"},
		{"transport", fmt.Errorf("failed to upload f: %w", &url.Error{Op: "Post", URL: "u", Err: io.ErrUnexpectedEOF}), "UP-20", "network"},
		{"idle", fmt.Errorf("failed to upload f: %w", errIdle), "UP-20", "network"},
		{"precheck_conflict", &ExistsError{Filename: "f", LocalSHA256: "a", RemoteSHA256: "b"}, "UP-04", "new version"},
		{"pypiserver_409", tp(409, "Package 'f' already exists!\n  You may start server with `--overwrite` option.", "pypiserver"), "UP-21", "skip-existing"},
		{"bare_409_third_party", tp(409, "Conflict", ""), "UP-21", "not one of the known"},
		{"gitlab_exists", tp(400, "Validation failed: File name has already been taken", "gitlab"), "UP-04", "never replaces"},
		{"pypiserver_wrong_password", tp(403, "Forbidden", "pypiserver"), "UP-23", "htpasswd"},
		{"devpi_401", tp(401, "This server could not verify that you are authorized", "devpi"), "UP-23", "devpi user's name and password"},
		{"devpi_acl", tp(403, "no permission to submit", "devpi"), "UP-23", "acl_upload"},
		{"gitlab_401", tp(401, "401 Unauthorized", "gitlab"), "UP-23", "write_package_registry"},
		{"codeartifact_401", tp(401, "Unauthorized", "codeartifact"), "UP-23", "get-authorization-token"},
		{"azure_401", tp(401, "Unauthorized", "azure"), "UP-23", "Packaging (Read & write)"},
		{"google_403", tp(403, "Forbidden", "google"), "UP-23", "oauth2accesstoken"},
		{"unknown_401", tp(401, "Unauthorized", ""), "UP-23", "a token for another index"},
		{"artifactory_overwrite_is_exists", tp(403, "Not enough permissions to delete/overwrite artifact 'x' (user: 'u' needs DELETE permission).", "artifactory"), "UP-04", "never replaces"},
		{"not_found", tp(404, "The stage user/nope could not be found.", "devpi"), "UP-24", "upload URL form"},
		{"simple_url_405", &Error{StatusCode: 405, URL: "http://h/simple/", Message: "x"}, "UP-18", "simple API"},
		{"simple_url_redirect", &Error{StatusCode: 302, URL: "http://h/u/i/+simple", Location: "http://h/u/i/+simple/", Message: "Found"}, "UP-19", "simple API"},
		{"proxy_407", tp(407, "Proxy Authentication Required", ""), "UP-27", "NO_PROXY"},
		{"plain_http_to_tls", tp(400, "Client sent an HTTP request to an HTTPS server.", ""), "UP-26", "https://"},
		{"scheme_mismatch", fmt.Errorf("failed to upload f: %w", &url.Error{Op: "Post", URL: "u", Err: http.ErrSchemeMismatch}), "UP-26", "http://"},
		{"plain_http_port", fmt.Errorf("failed to upload f: %w", &permanentError{errPlainHTTPPort}), "UP-26", "http://"},
		{"unknown_authority", fmt.Errorf("failed to upload f: %w", &url.Error{Op: "Post", URL: "u", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}), "UP-25", "REQUESTS_CA_BUNDLE"},
		{"hostname", fmt.Errorf("failed to upload f: %w", &url.Error{Op: "Post", URL: "u", Err: x509.HostnameError{Host: "h", Certificate: &x509.Certificate{}}}), "UP-25", "host name"},
		{"proxy_connect_407", fmt.Errorf("failed to upload f: %w", &url.Error{Op: "Post", URL: "u", Err: errors.New("Proxy Authentication Required")}), "UP-27", "proxy"},
		{"client_cert_wanted", fmt.Errorf("failed to upload f: %w", &url.Error{Op: "Post", URL: "u", Err: &net.OpError{Op: "remote error", Err: errors.New("tls: certificate required")}}), "UP-25", "TWINE_CLIENT_CERT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Classify(tc.err)
			if got.ID != tc.id || !strings.Contains(got.Hint, tc.hint) {
				t.Errorf("Classify() = %+v, want ID %q and a hint containing %q", got, tc.id, tc.hint)
			}
			if h := Hint(tc.err); h != got.Hint {
				t.Errorf("Hint() = %q, want Classify().Hint %q", h, got.Hint)
			}
		})
	}
}
