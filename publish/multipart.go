package publish

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// body is an upload request body: a pre-rendered prefix (every text field and
// the file part's header), the file streamed from disk, and a pre-rendered
// suffix (the closing boundary). Its length is known in advance and it can be
// opened again for a retry, so nothing but the prefix is held in memory.
type body struct {
	boundary string
	prefix   []byte
	suffix   []byte
	path     string
	size     int64
	// modTime is the file's modification time when it was hashed; when set,
	// the reader checks the file still has it (and its size) when opened and
	// again at the end of the file, before the closing boundary, so a file
	// rewritten since it was hashed never completes an upload. A stat costs
	// nothing, where re-hashing while sending halved the throughput (bench/).
	// The index checks the digests as well.
	modTime time.Time
}

// newBody renders the multipart framing for fields and a file part named
// "content" with the given file name. The file itself is read only by open.
func newBody(fields []Field, filename, path string, size int64, boundary string) (*body, error) {
	var p bytes.Buffer
	for _, f := range fields {
		if strings.Contains(f.Value, boundary) {
			return nil, fmt.Errorf("failed to encode field %q: value contains the multipart boundary", f.Name)
		}
		fmt.Fprintf(&p, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", boundary, quoteParam(f.Name), f.Value)
	}
	fmt.Fprintf(&p, "--%s\r\nContent-Disposition: form-data; name=\"content\"; filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n", boundary, quoteParam(filename))
	return &body{
		boundary: boundary,
		prefix:   p.Bytes(),
		suffix:   []byte("\r\n--" + boundary + "--\r\n"),
		path:     path,
		size:     size,
	}, nil
}

// ContentType is the request's Content-Type header value.
func (b *body) ContentType() string { return "multipart/form-data; boundary=" + b.boundary }

// Len is the exact number of bytes open's reader yields.
func (b *body) Len() int64 { return int64(len(b.prefix)) + b.size + int64(len(b.suffix)) }

// open returns a fresh reader over the whole body. It fails when the file
// cannot be opened, and its reader fails if the file's size changed since it
// was read.
func (b *body) open() (io.ReadCloser, error) {
	f, err := os.Open(b.path)
	if err != nil {
		return nil, fmt.Errorf("failed to open distribution: %w", err)
	}
	er := &exactReader{r: f, n: b.size}
	if !b.modTime.IsZero() {
		er.check = func() error { return unchanged(f, b.size, b.modTime) }
		if err := er.check(); err != nil {
			f.Close()
			return nil, err
		}
	}
	return &bodyReader{
		r:     io.MultiReader(bytes.NewReader(b.prefix), er, bytes.NewReader(b.suffix)),
		close: f.Close,
	}, nil
}

type bodyReader struct {
	r     io.Reader
	close func() error
}

func (r *bodyReader) Read(p []byte) (int, error) { return r.r.Read(p) }
func (r *bodyReader) Close() error               { return r.close() }

// errSizeChanged reports a distribution that changed on disk during upload.
var errSizeChanged = errors.New("the file's size changed since it was read")

// errContentChanged reports a distribution that was written to after it
// was hashed (its modification time moved).
var errContentChanged = errors.New("the file was modified after it was hashed, so its digests no longer describe it")

// unchanged checks that f still has the size and modification time it had
// when it was hashed.
func unchanged(f *os.File, size int64, mod time.Time) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	switch {
	case fi.Size() != size:
		return errSizeChanged
	case !fi.ModTime().Equal(mod):
		return errContentChanged
	}
	return nil
}

// exactReader yields exactly n bytes of r, or fails. With check set, it
// calls it at the end of the file, before reporting EOF.
type exactReader struct {
	r     io.Reader
	n     int64
	check func() error
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		// The file must end here: one extra byte means it grew.
		var one [1]byte
		if k, _ := e.r.Read(one[:]); k > 0 {
			return 0, errSizeChanged
		}
		if e.check != nil {
			if err := e.check(); err != nil {
				return 0, err
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	k, err := e.r.Read(p)
	e.n -= int64(k)
	if err == io.EOF {
		if e.n > 0 {
			return k, errSizeChanged
		}
		err = nil
	}
	return k, err
}

// quoteParam escapes a Content-Disposition parameter value the way browsers
// (and urllib3, which twine uses) do: '"' becomes %22 and line breaks
// %0D/%0A, so a value can never end the header.
func quoteParam(s string) string { return paramQuoter.Replace(s) }

// paramQuoter is built once: a Replacer per field was 7% of the CPU time
// of a small upload (bench/).
var paramQuoter = strings.NewReplacer("\"", "%22", "\r", "%0D", "\n", "%0A")

// newBoundary returns a random multipart boundary.
func newBoundary() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "pypi-publish-" + hex.EncodeToString(b[:])
}
