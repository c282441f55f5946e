// Package bench holds the Go micro-benchmarks of issue 8: hashing (dist.Hash:
// SHA-256, MD5 and BLAKE2b-256 in one pass), metadata reading (dist.Read,
// dist.ParseMetadata) and multipart encoding (publish.Client.Upload to an
// in-process streaming sink). They live here, not in dist/ or publish/, and
// use only those packages' exported API. Run them with
//
//	go test -run '^$' -bench . -benchmem ./bench
//
// The end-to-end comparison with twine is bench/run.sh; see bench/README.md.
package bench

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // reference speed of one of the three digests
	"crypto/sha256"
	"flag"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/pypi-publish/pypi-publish/bench/internal/sink"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/publish"
)

const mib = 1 << 20

var sizes = []int{1 * mib, 16 * mib, 64 * mib}

// payload returns n pseudo-random bytes (fixed seed).
func payload(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

// metadataText is a realistic METADATA: the headers a setuptools wheel
// carries plus a 16 KiB Markdown description in the body.
func metadataText(name, version string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)
	b.WriteString("Summary: A benchmark project with a typical amount of metadata\n")
	b.WriteString("Home-page: https://example.org/bench\nAuthor: Bench Authors\nAuthor-email: bench@example.org\n")
	b.WriteString("License: MIT\nProject-URL: Source, https://example.org/bench/src\n")
	for _, c := range []string{"Development Status :: 5 - Production/Stable", "License :: OSI Approved :: MIT License",
		"Programming Language :: Python :: 3", "Programming Language :: Python :: 3.12", "Typing :: Typed"} {
		fmt.Fprintf(&b, "Classifier: %s\n", c)
	}
	b.WriteString("Requires-Python: >=3.9\n")
	for _, r := range []string{"requests>=2.28", "tomli>=1.1; python_version < \"3.11\"", "rich>=12; extra == \"cli\""} {
		fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
	}
	b.WriteString("Provides-Extra: cli\nDescription-Content-Type: text/markdown\n\n# Bench\n\n")
	for i := 0; b.Len() < 16<<10; i++ {
		fmt.Fprintf(&b, "Paragraph %d of the long description, with `code`, *emphasis* and a [link](https://example.org/%d).\n\n", i, i)
	}
	return b.String()
}

// writeWheel writes a wheel with members small files plus one stored member
// of payloadSize bytes, and returns its path.
func writeWheel(tb testing.TB, dir string, members, payloadSize int) string {
	tb.Helper()
	name := fmt.Sprintf("bench_pkg-1.%d.%d-py3-none-any.whl", members, payloadSize)
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	add := func(n string, data []byte, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: method})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range members {
		add(fmt.Sprintf("bench_pkg/mod%03d.py", i), []byte(strings.Repeat("x = 1\n", 200)), zip.Deflate)
	}
	if payloadSize > 0 {
		add("bench_pkg/blob.bin", payload(payloadSize), zip.Store)
	}
	info := fmt.Sprintf("bench_pkg-1.%d.%d.dist-info/", members, payloadSize)
	add(info+"METADATA", []byte(metadataText("bench-pkg", fmt.Sprintf("1.%d.%d", members, payloadSize))), zip.Deflate)
	add(info+"WHEEL", []byte("Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"), zip.Deflate)
	add(info+"RECORD", nil, zip.Deflate)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkHash is dist.Hash (SHA-256 + MD5 + BLAKE2b-256 in one pass) over
// bytes in memory; MB/s is per input byte.
func BenchmarkHash(b *testing.B) {
	for _, n := range sizes {
		data := payload(n)
		b.Run(fmt.Sprintf("size=%dMiB", n/mib), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				if _, _, err := dist.Hash(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// hashFile is the file BenchmarkHashFile reads; run.sh passes the wheel it
// also gives to sha256sum.
var hashFile = flag.String("hashfile", "", "file for BenchmarkHashFile (default: a generated 64 MiB file)")

// BenchmarkHashFile is dist.Hash reading a file (page cache warm): -hashfile,
// or a generated 64 MiB file. run.sh holds it against `sha256sum` on the same
// file.
func BenchmarkHashFile(b *testing.B) {
	p := *hashFile
	if p == "" {
		p = filepath.Join(b.TempDir(), "blob")
		if err := os.WriteFile(p, payload(64*mib), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := dist.Hash(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkHashAlone measures each of the three hashes alone, to show which
// one bounds the single pass.
func BenchmarkHashAlone(b *testing.B) {
	data := payload(16 * mib)
	b2 := func() hash.Hash { h, _ := blake2b.New256(nil); return h }
	for _, h := range []struct {
		name string
		new  func() hash.Hash
	}{{"sha256", sha256.New}, {"md5", md5.New}, {"blake2b-256", b2}} {
		b.Run(h.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				hh := h.new()
				hh.Write(data)
				hh.Sum(nil)
			}
		})
	}
}

// BenchmarkParseMetadata parses a 16 KiB METADATA with typical headers.
func BenchmarkParseMetadata(b *testing.B) {
	text := []byte(metadataText("bench-pkg", "1.0"))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := dist.ParseMetadata(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead is dist.Read of a wheel: hashing, the central directory and
// METADATA. "members=N" has N small deflated modules, "payload=M" one stored
// member of M MiB.
func BenchmarkRead(b *testing.B) {
	dir := b.TempDir()
	for _, c := range []struct{ members, payload int }{{10, 0}, {1000, 0}, {10, 16 * mib}} {
		p := writeWheel(b, dir, c.members, c.payload)
		fi, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("members=%d/payload=%dMiB", c.members, c.payload/mib), func(b *testing.B) {
			b.SetBytes(fi.Size())
			for b.Loop() {
				if _, err := dist.Read(dist.File{Path: p, Filename: filepath.Base(p), Kind: dist.Wheel}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpload is publish.Client.Upload of one wheel to an in-process
// streaming sink over loopback HTTP: form fields, multipart framing, the file
// streamed from disk and the sink's parse. MB/s is per file byte.
func BenchmarkUpload(b *testing.B) {
	srv := httptest.NewServer(&sink.Sink{})
	b.Cleanup(srv.Close)
	c, err := publish.New(srv.URL+"/legacy/",
		publish.WithCredentials(publish.Static{User: "__token__", Password: "pypi-bench"}),
		publish.WithRetry(retry.Backoff{Attempts: 1}))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, n := range append([]int{0}, sizes...) {
		p := writeWheel(b, dir, 10, n)
		d, err := dist.Read(dist.File{Path: p, Filename: filepath.Base(p), Kind: dist.Wheel})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("payload=%dMiB", n/mib), func(b *testing.B) {
			b.SetBytes(d.Size)
			for b.Loop() {
				if _, err := c.Upload(context.Background(), d, publish.UploadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFields renders the upload form's text fields of one wheel.
func BenchmarkFields(b *testing.B) {
	p := writeWheel(b, b.TempDir(), 10, 0)
	d, err := dist.Read(dist.File{Path: p, Filename: filepath.Base(p), Kind: dist.Wheel})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = publish.Fields(d, publish.UploadOptions{})
	}
}

// TestWheelFixture keeps the generator honest: dist.Read accepts what the
// benchmarks feed it, and the digests agree with an independent hash.
func TestWheelFixture(t *testing.T) {
	t.Parallel()
	p := writeWheel(t, t.TempDir(), 3, 1000)
	d, err := dist.Read(dist.File{Path: p, Filename: filepath.Base(p), Kind: dist.Wheel})
	if err != nil {
		t.Fatalf("dist.Read(%s) failed: %v", filepath.Base(p), err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	if got, want := d.Digests.SHA256, fmt.Sprintf("%x", h.Sum(nil)); got != want {
		t.Errorf("dist.Read SHA256 = %s, want %s", got, want)
	}
	if got, want := d.Version(), "1.3.1000"; got != want {
		t.Errorf("dist.Read Version = %q, want %q", got, want)
	}
}
