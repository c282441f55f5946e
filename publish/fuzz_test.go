package publish

import (
	"bytes"
	"net/http"
	"testing"
)

// FuzzExtractMessage: any answer gives a non-empty message, never a panic.
func FuzzExtractMessage(f *testing.F) {
	f.Add(400, "application/json", `{"code": "400 File already exists", "message": "x"}`)
	f.Add(403, "text/html", "<html><title>403 Forbidden</title><h1>nope</h1></html>")
	f.Add(500, "text/plain", "500 oops\n\nmore")
	f.Add(422, "application/problem+json", `{"title": "t", "detail": "d"}`)
	f.Fuzz(func(t *testing.T, code int, ctype, body string) {
		if code < 100 || code > 999 {
			return
		}
		resp := &http.Response{StatusCode: code, Status: "", Header: http.Header{"Content-Type": {ctype}}}
		if m := extractMessage(resp, []byte(body)); m == "" {
			t.Errorf("extractMessage(%d, %q, %q) = \"\"", code, ctype, body)
		}
	})
}

// FuzzParseSimple: simple pages never panic the parsers.
func FuzzParseSimple(f *testing.F) {
	f.Add([]byte(`{"meta":{"api-version":"1.1"},"files":[{"filename":"a","hashes":{"sha256":"00"}}]}`))
	f.Add([]byte(`<a href="x#sha256=00">a</a>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeSimpleJSON(bytes.NewReader(b), nil)
		_, _ = decodeSimpleHTML(bytes.NewReader(b), nil)
	})
}
