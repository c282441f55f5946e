package dist

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// MaxMetadataSize is the largest METADATA or PKG-INFO this package reads
// (16 MiB). Larger members make Read and ParseMetadata fail with ErrTooLarge
// instead of using unbounded memory.
const MaxMetadataSize = 16 << 20

// ParseMetadata parses core metadata (a wheel's METADATA or an sdist's
// PKG-INFO) the way packaging.metadata.parse_email reads it, which is what
// twine and PyPI use: Python's email parser with the compat32 policy.
//
//   - A header line is "Name: value", the name made of printable ASCII
//     without spaces or ':'. The value loses the spaces and tabs after the
//     colon. Lines starting with a space or tab continue the previous header
//     and are kept verbatim, line breaks and indentation included (nothing
//     is unfolded, nothing is dedented: packaging does neither, so the
//     Description header of old distutils files keeps its 8-space indent).
//     The final line break of a value is removed.
//   - An empty line ends the headers; so does any line that is not a header
//     (that line is then the first line of the body, as in Python).
//     Continuation lines before the first header, lines starting with ':'
//     and Unix "From " envelope lines are dropped, as Python drops them.
//   - Line breaks are "\r\n", "\r" and "\n" (not "\v", "\f" and the
//     other breaks of str.splitlines); they are kept as found inside values
//     and in the body.
//   - The body is kept verbatim in Metadata.Body.
//
// packaging puts headers and bodies that are not valid UTF-8 aside as
// malformed, and twine then refuses the file, so ParseMetadata rejects any
// input that is not UTF-8 (or that starts with a byte order mark, which makes
// Python read the whole file as a body) with ErrInvalidMetadata, naming the
// line. Input over MaxMetadataSize fails with ErrTooLarge. Metadata-Version is
// not required here (Read requires it). It never panics.
func ParseMetadata(b []byte) (*Metadata, error) {
	if len(b) > MaxMetadataSize {
		return nil, newReadError(ErrTooLarge, nil, "metadata is %d bytes, more than the %d MiB this action reads", len(b), MaxMetadataSize>>20)
	}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return nil, newReadError(ErrInvalidMetadata, nil, "metadata starts with a UTF-8 byte order mark, which Python's email parser does not skip (it would read no headers at all)")
	}
	if !utf8.Valid(b) {
		line, col := badUTF8(b)
		return nil, newReadError(ErrInvalidMetadata, nil, "metadata is not valid UTF-8 (line %d, byte %d); twine and PyPI read it as UTF-8 and reject it", line, col)
	}
	s := string(b)
	m := &Metadata{}
	var cur []string // lines of the header being collected
	flush := func() {
		if cur == nil {
			return
		}
		name, value, _ := strings.Cut(cur[0], ":")
		value = strings.TrimLeft(value, " \t") + strings.Join(cur[1:], "")
		value = strings.TrimRight(value, "\r\n")
		m.Headers = append(m.Headers, Header{Name: name, Value: value})
		cur = nil
	}
	pos := 0
	for pos < len(s) {
		end := lineEnd(s, pos)
		line := s[pos:end]
		if line[0] == ' ' || line[0] == '\t' {
			if cur != nil {
				cur = append(cur, line)
			}
			// Python records a defect and drops a continuation line
			// that has no header to continue.
			pos = end
			continue
		}
		flush()
		if strings.HasPrefix(line, "From ") {
			// A Unix "From " envelope line; Python skips it (and records
			// a defect when it is not the first line).
			pos = end
			continue
		}
		if !isHeaderLine(line) {
			m.BodyPresent = true
			if line[0] != '\r' && line[0] != '\n' {
				// Not a header and not the empty separator line: the
				// body starts here.
				m.Body = s[pos:]
			} else {
				m.Body = s[end:]
			}
			return m, nil
		}
		if line[0] != ':' {
			cur = []string{line}
		}
		pos = end
	}
	flush()
	return m, nil
}

// isHeaderLine reports whether line starts like a header: printable ASCII
// other than ':' and space, then ':' (Python's email.feedparser.headerRE).
func isHeaderLine(line string) bool {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == ':' {
			return true
		}
		if c < '!' || c > '~' {
			return false
		}
	}
	return false
}

// isBreak reports whether c ends a line for Python's email parser ("\r",
// "\n"; "\r\n" is one break).
func isBreak(c byte) bool { return c == '\n' || c == '\r' }

// lineEnd returns the index just after the line starting at pos, line break
// included ("\r\n" counts as one break).
func lineEnd(s string, pos int) int {
	for i := pos; i < len(s); i++ {
		if isBreak(s[i]) {
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				return i + 2
			}
			return i + 1
		}
	}
	return len(s)
}

// badUTF8 returns the 1-based line and byte-in-line of the first invalid
// UTF-8 sequence in b.
func badUTF8(b []byte) (line, col int) {
	line, start := 1, 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return line, i - start + 1
		}
		if b[i] == '\n' {
			line++
			start = i + 1
		}
		i += n
	}
	return line, 0
}
