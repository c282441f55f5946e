package publish

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"golang.org/x/crypto/blake2b"
)

// fastRetry keeps retry tests fast.
var fastRetry = WithRetry(retry.Backoff{Attempts: 4, Min: time.Millisecond, Max: 2 * time.Millisecond})

// meta builds Metadata from "Header: value" lines; a line without ": " is
// the body.
func meta(lines ...string) *dist.Metadata {
	m := &dist.Metadata{}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, ": ")
		if !ok {
			m.Body, m.BodyPresent = l, true
			continue
		}
		m.Headers = append(m.Headers, dist.Header{Name: k, Value: v})
	}
	return m
}

// digestsOf computes the three digests as dist.Read does.
func digestsOf(b []byte) dist.Digests {
	s := sha256.Sum256(b)
	bl := blake2b.Sum256(b)
	m := md5.Sum(b)
	return dist.Digests{SHA256: hex.EncodeToString(s[:]), Blake2b256: hex.EncodeToString(bl[:]), MD5: hex.EncodeToString(m[:])}
}

// writeDist writes content to a file named filename in a new temporary
// directory and describes it with the given metadata lines.
func writeDist(t testing.TB, filename string, content []byte, lines ...string) *dist.Distribution {
	t.Helper()
	p := filepath.Join(t.TempDir(), filename)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	kind := dist.Sdist
	if strings.HasSuffix(filename, ".whl") {
		kind = dist.Wheel
	}
	return &dist.Distribution{Path: p, Filename: filename, Kind: kind, Size: int64(len(content)), Digests: digestsOf(content), Metadata: meta(lines...)}
}

// projectDist is a valid PyPI upload of project "demo-pkg" version v.
func projectDist(t testing.TB, filename, v string, content string) *dist.Distribution {
	t.Helper()
	return writeDist(t, filename, []byte(content), "Metadata-Version: 2.1", "Name: demo-pkg", "Version: "+v, "Summary: A demo")
}
