package publish

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden (go test ./publish -run TestMultipart -update)")

const goldenBoundary = "pypi-publish-golden-boundary"

func TestMultipartGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		golden string
		file   string
		body   string
		lines  []string
		opts   UploadOptions
	}{
		{
			name: "wheel", golden: "wheel.golden", file: "demo_pkg-1.0-py3-none-any.whl", body: "PK\x03\x04 not really a zip\r\n--" + "\x00\xff",
			lines: []string{"Metadata-Version: 2.1", "Name: demo_pkg", "Version: 1.0", "Summary: Demo", "Classifier: A", "Classifier: B", "Multi\nline\r\nbody ü"},
		},
		{
			name: "sdist_with_attestations", golden: "sdist_attestations.golden", file: "demo_pkg-1.0.tar.gz", body: "\x1f\x8b fake gzip",
			lines: []string{"Metadata-Version: 2.4", "Name: demo-pkg", "Version: 1.0", "License-File: LICENSE"},
			opts:  UploadOptions{Attestations: []byte(`[{"version":1,"envelope":{}}]`)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := writeDist(t, tc.file, []byte(tc.body), tc.lines...)
			b, err := newBody(Fields(d, tc.opts), d.Filename, d.Path, d.Size, goldenBoundary)
			if err != nil {
				t.Fatal(err)
			}
			got := readBody(t, b)
			if int64(len(got)) != b.Len() {
				t.Errorf("body is %d bytes, Len() = %d", len(got), b.Len())
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("multipart body mismatch (-want +got):\n%s", diff)
			}
			// The standard library must read back the same fields and file.
			parts := parseMultipart(t, b.ContentType(), got)
			wantParts := append(Fields(d, tc.opts), Field{"content", tc.body})
			if diff := cmp.Diff(wantParts, parts); diff != "" {
				t.Errorf("parsed parts mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func readBody(t testing.TB, b *body) []byte {
	t.Helper()
	rc, err := b.open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func parseMultipart(t *testing.T, contentType string, body []byte) []Field {
	t.Helper()
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var out []Field
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		v, _ := io.ReadAll(p)
		if p.FormName() == "content" && p.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("content part Content-Type = %q, want application/octet-stream", p.Header.Get("Content-Type"))
		}
		out = append(out, Field{p.FormName(), string(v)})
	}
}

func TestBodyReopensAndDetectsChangedFile(t *testing.T) {
	t.Parallel()
	d := writeDist(t, "p-1.tar.gz", []byte("0123456789"), "Name: p")
	b, err := newBody(Fields(d, UploadOptions{}), d.Filename, d.Path, d.Size, newBoundary())
	if err != nil {
		t.Fatal(err)
	}
	first, second := readBody(t, b), readBody(t, b)
	if !bytes.Equal(first, second) {
		t.Error("reopened body differs")
	}
	for _, content := range []string{"012", "0123456789abc"} {
		if err := os.WriteFile(d.Path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		rc, err := b.open()
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, errSizeChanged) {
			t.Errorf("reading body of a file changed to %d bytes: err = %v, want errSizeChanged", len(content), err)
		}
	}
}

func TestNewBodyRefusesBoundaryInValue(t *testing.T) {
	t.Parallel()
	_, err := newBody([]Field{{"summary", "x--b--y"}}, "f.whl", "/nonexistent", 0, "--b")
	if err == nil {
		t.Error("newBody with the boundary inside a value: err = nil, want an error")
	}
}

func TestQuoteParam(t *testing.T) {
	t.Parallel()
	if got, want := quoteParam("a\"b\r\nc"), "a%22b%0D%0Ac"; got != want {
		t.Errorf("quoteParam = %q, want %q", got, want)
	}
}

// BenchmarkMultipart encodes a 64 MiB file to io.Discard; memory must stay
// flat (a few KiB per op), whatever the file size.
func BenchmarkMultipart(b *testing.B) {
	const size = 64 << 20
	d := writeDist(b, "big-1.0-py3-none-any.whl", bytes.Repeat([]byte{'x'}, size),
		"Metadata-Version: 2.1", "Name: big", "Version: 1.0")
	fields := Fields(d, UploadOptions{})
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		body, err := newBody(fields, d.Filename, d.Path, d.Size, newBoundary())
		if err != nil {
			b.Fatal(err)
		}
		rc, err := body.open()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}

// TestUpload_contentChangedInPlace: a file rewritten with other bytes of
// the same size after it was hashed is caught while streaming, before the
// closing boundary, so the index stores nothing and the upload is not
// retried (issue 5, bad input).
func TestUpload_contentChangedInPlace(t *testing.T) {
	t.Parallel()
	srv := publishtest.New()
	defer srv.Close()
	d := projectDist(t, "demo_pkg-1.0.tar.gz", "1.0", "0123456789")
	// As dist.Read records it: the modification time when hashed.
	d.ModTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(d.Path, d.ModTime, d.ModTime); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.Path, []byte("9876543210"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := New(srv.UploadURL(), WithCredentials(Static{User: "__token__", Password: "pypi-test"}), WithRetry(retry.Backoff{Attempts: 3, Min: time.Millisecond, Max: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Upload(context.Background(), d, UploadOptions{})
	if !errors.Is(err, errContentChanged) {
		t.Fatalf("Upload() = %v, want errContentChanged", err)
	}
	if n := len(srv.Files()); n != 0 {
		t.Errorf("index holds %d files, want 0", n)
	}
	if n := len(srv.Uploads()); n > 1 {
		t.Errorf("index saw %d attempts, want at most 1 (no retry)", n)
	}
}
