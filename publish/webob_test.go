package publish

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// webobScript parses a multipart body with WebOb, the request library
// Warehouse reads upload forms with, and prints the form as JSON: one
// [name, value] per text field and [name, {filename, type, sha256}] per file.
const webobScript = `
import hashlib, json, sys
from webob import Request
body = open(sys.argv[1], "rb").read()
req = Request.blank("/legacy/", method="POST", body=body, content_type=sys.argv[2])
out = []
for name, value in req.POST.items():
    if hasattr(value, "file"):
        data = value.file.read()
        out.append([name, {"filename": value.filename, "type": value.type, "sha256": hashlib.sha256(data).hexdigest()}])
    else:
        out.append([name, value])
json.dump(out, sys.stdout)
`

// TestBodyParsedByWebOb feeds our multipart body to WebOb (apt-get install
// python3-webob) and checks that it sees exactly our fields, in order, and
// the file with its name, type and bytes.
func TestBodyParsedByWebOb(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	testtool.Python(t, "webob")
	t.Parallel()
	d := writeDist(t, "demo_pkg-1.0-py3-none-any.whl", []byte("PK\x03\x04\x00binary\r\n--not-a-boundary\xff"),
		"Metadata-Version: 2.4", "Name: demo_pkg", "Version: 1.0", "Summary: Ünïcode summary",
		"Classifier: A", "Classifier: B", "License-Expression: MIT", "Project-URL: Home, https://e.x",
		"line one\r\nline two\n\n  indented")
	o := UploadOptions{Attestations: []byte(`[{"version": 1}]`)}
	b, err := newBody(Fields(d, o), d.Filename, d.Path, d.Size, newBoundary())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(path, readBody(t, b), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), "/usr/bin/python3", "-c", webobScript, path, b.ContentType()).Output()
	if err != nil {
		t.Fatalf("webob: %v", err)
	}
	var got []any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("webob output %q: %v", out, err)
	}
	var want []any
	for _, f := range Fields(d, o) {
		want = append(want, []any{f.Name, f.Value})
	}
	want = append(want, []any{"content", map[string]any{"filename": d.Filename, "type": "application/octet-stream", "sha256": d.Digests.SHA256}})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("form as WebOb reads it mismatch (-want +got):\n%s", diff)
	}
}
