package sink

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type part struct {
	name, filename, contentType, value string
}

func form(t *testing.T, parts []part) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := `form-data; name="` + p.name + `"`
		if p.filename != "" {
			cd += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.value); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

func validParts(content string) []part {
	sum := sha256.Sum256([]byte(content))
	return []part{
		{name: "name", value: "demo"},
		{name: "version", value: "1.0"},
		{name: "filetype", value: "bdist_wheel"},
		{name: "description", value: "line one\r\n--not-a-boundary\r\n"},
		{name: "sha256_digest", value: hex.EncodeToString(sum[:])},
		{name: ":action", value: "file_upload"},
		{name: "protocol_version", value: "1"},
		{name: "content", filename: "demo-1.0-py3-none-any.whl", contentType: "application/octet-stream", value: content},
	}
}

func TestSink(t *testing.T) {
	t.Parallel()
	content := strings.Repeat("PK\x03\x04 wheel bytes \r\n-- ", 100000)
	withPart := func(p part) []part {
		ps := validParts(content)
		for i := range ps {
			if ps[i].name == p.name {
				ps[i] = p
			}
		}
		return ps
	}
	cases := []struct {
		name       string
		auth       string
		parts      []part
		raw        string
		wantStatus int
		wantStats  Stats
	}{
		{name: "upload_ok", auth: "basic", parts: validParts(content), wantStatus: 200,
			wantStats: Stats{Requests: 1, Uploads: 1, ContentBytes: int64(len(content)), MaxInFlight: 1,
				Files: []FileStat{{Filename: "demo-1.0-py3-none-any.whl", Size: int64(len(content))}}}},
		{name: "empty_content", auth: "basic", parts: validParts(""), wantStatus: 200,
			wantStats: Stats{Requests: 1, Uploads: 1, MaxInFlight: 1,
				Files: []FileStat{{Filename: "demo-1.0-py3-none-any.whl"}}}},
		{name: "password_auth", auth: "user", parts: validParts(content), wantStatus: 403,
			wantStats: Stats{Requests: 1, Rejected: 1, MaxInFlight: 1, Errors: []string{"username/password authentication is no longer supported"}}},
		{name: "no_auth", parts: validParts(content), wantStatus: 403,
			wantStats: Stats{Requests: 1, Rejected: 1, MaxInFlight: 1, Errors: []string{"invalid or non-existent authentication information"}}},
		{name: "bad_action", auth: "basic", parts: withPart(part{name: ":action", value: "submit"}), wantStatus: 400,
			wantStats: Stats{Requests: 1, Rejected: 1, MaxInFlight: 1, Errors: []string{`invalid value for :action: "submit"`}}},
		{name: "image_content", auth: "basic",
			parts:      withPart(part{name: "content", filename: "demo-1.0-py3-none-any.whl", contentType: "image/png", value: content}),
			wantStatus: 400,
			wantStats:  Stats{Requests: 1, Rejected: 1, MaxInFlight: 1, Errors: []string{"invalid distribution file"}}},
		{name: "wrong_digest", auth: "basic", parts: withPart(part{name: "sha256_digest", value: strings.Repeat("0", 64)}), wantStatus: 400,
			wantStats: Stats{Requests: 1, Rejected: 1, MaxInFlight: 1}},
		{name: "raw_post", raw: content, wantStatus: 200,
			wantStats: Stats{Requests: 1, Raw: 1, MaxInFlight: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(&Sink{Verify: true})
			t.Cleanup(srv.Close)
			ctype, body := "application/octet-stream", []byte(tc.raw)
			if tc.parts != nil {
				ctype, body = form(t, tc.parts)
			}
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/legacy/", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", ctype)
			switch tc.auth {
			case "basic":
				req.SetBasicAuth("__token__", "pypi-bench")
			case "user":
				req.SetBasicAuth("someone", "secret")
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("POST status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			resp, err = srv.Client().Get(srv.URL + "/_sink/stats")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got Stats
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if tc.wantStatus == 200 && got.BodyBytes != int64(len(body)) && tc.auth != "" {
				t.Errorf("BodyBytes = %d, want %d", got.BodyBytes, len(body))
			}
			if tc.name == "wrong_digest" && (len(got.Errors) != 1 || !strings.Contains(got.Errors[0], "sha256_digest")) {
				t.Errorf("Errors = %q, want one naming sha256_digest", got.Errors)
			}
			ignore := func(p cmp.Path) bool {
				switch p.Last().String() {
				case ".FirstRequestNS", ".LastResponseNS", ".UserAgents", ".BodyBytes":
					return true
				}
				return tc.name == "wrong_digest" && p.Last().String() == ".Errors"
			}
			if diff := cmp.Diff(tc.wantStats, got, cmp.FilterPath(ignore, cmp.Ignore())); diff != "" {
				t.Errorf("stats mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSinkSave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := httptest.NewServer(&Sink{SaveDir: dir})
	t.Cleanup(srv.Close)
	content := strings.Repeat("\r\n--\r\n-", 300000)
	ctype, body := form(t, validParts(content))
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/legacy/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.SetBasicAuth("__token__", "pypi-bench")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST status = %d, want 200", resp.StatusCode)
	}
	got, err := os.ReadFile(filepath.Join(dir, "demo-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != content {
		t.Errorf("saved file has %d bytes, want the %d bytes sent", len(got), len(content))
	}
}

func TestCopyUntil(t *testing.T) {
	t.Parallel()
	delim := "\r\n--abcdef"
	cases := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "immediate", in: delim + "rest", want: ""},
		{name: "partial_matches", in: "x\r\n--abcdeX\r\n--abc\r\n" + delim + "tail", want: "x\r\n--abcdeX\r\n--abc\r\n"},
		{name: "across_buffer_edges", in: strings.Repeat("0123456789\r\n--a", 50) + delim, want: strings.Repeat("0123456789\r\n--a", 50)},
		{name: "no_delimiter", in: strings.Repeat("z", 100), wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			br := bufio.NewReaderSize(strings.NewReader(tc.in), 16)
			var got bytes.Buffer
			err := copyUntil(br, []byte(delim), &got, -1)
			if (err != nil) != tc.wantErr {
				t.Fatalf("copyUntil error = %v, wantErr %t", err, tc.wantErr)
			}
			if !tc.wantErr && got.String() != tc.want {
				t.Errorf("copyUntil copied %q, want %q", got.String(), tc.want)
			}
		})
	}
}

// BenchmarkReadForm is the sink's parse of a 64 MiB upload from memory: it
// must be far faster than loopback HTTP so the sink is never the bottleneck.
func BenchmarkReadForm(b *testing.B) {
	content := make([]byte, 64<<20)
	for i := range content {
		content[i] = byte(i * 7919 >> 3)
	}
	var bb bytes.Buffer
	mw := multipart.NewWriter(&bb)
	for _, p := range validParts("") {
		if p.name == "content" {
			continue
		}
		if err := mw.WriteField(p.name, p.value); err != nil {
			b.Fatal(err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="content"; filename="demo-1.0-py3-none-any.whl"`)
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		b.Fatal(err)
	}
	w.Write(content)
	mw.Close()
	body := bb.Bytes()
	s := &Sink{}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		up, err := s.readForm(bytes.NewReader(body), mw.Boundary())
		if err != nil || up.size != int64(len(content)) {
			b.Fatalf("readForm: %v, size %d", err, up.size)
		}
	}
}
