package publish

import (
	"bufio"
	"errors"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Bounds of a simple API project page. The page is decoded as a stream:
// memory depends on the entries kept (see Index.Files), not on the page's
// size, so MaxSimplePage only bounds the time spent reading. The largest
// real pages are a few MiB (botocore: about 5,000 files, 3.5 MB of JSON;
// docs/indexes.md has the measurements).
const (
	// MaxSimplePage is how many bytes of one project page are read at most
	// (after any transfer decoding); a longer page is an error.
	MaxSimplePage = 256 << 20
	// MaxIndexFiles is how many entries one Files call keeps at most.
	MaxIndexFiles = 100_000

	maxFilenameLen = 1024    // a longer file name is skipped, not kept
	maxHashLen     = 256     // a longer digest is treated as absent
	maxReasonLen   = 4 << 10 // a longer yank reason is dropped (the file stays yanked)
	maxKeyLen      = 256     // JSON keys longer than this are skipped
	maxNumberLen   = 64      // JSON numbers longer than this are an error
	maxJSONDepth   = 256     // deeper nesting is an error
	maxTagLen      = 8 << 10 // an anchor tag longer than this is skipped
	maxAnchorText  = 4 << 10 // anchor text longer than this is skipped
)

// errPageTooLarge is a page longer than MaxSimplePage.
var errPageTooLarge = fmt.Errorf("page larger than %d MiB", MaxSimplePage>>20)

// pageReader counts the bytes of a page and fails after max.
type pageReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (p *pageReader) Read(b []byte) (int, error) {
	if p.n >= p.max {
		// One byte more tells a page of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := p.r.Read(one[:]); n > 0 {
			return 0, errPageTooLarge
		}
		return 0, io.EOF
	}
	if rest := p.max - p.n; int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	return n, err
}

// collector keeps the entries a filter wants, up to MaxIndexFiles.
type collector struct {
	keep  func(string) bool
	files []RemoteFile
}

func (c *collector) add(f RemoteFile) error {
	if f.Filename == "" || (c.keep != nil && !c.keep(f.Filename)) {
		return nil
	}
	if len(c.files) >= MaxIndexFiles {
		return fmt.Errorf("more than %d files listed", MaxIndexFiles)
	}
	c.files = append(c.files, f)
	return nil
}

// scanner reads a page byte by byte through a buffer.
type scanner struct {
	r *bufio.Reader
	// buf holds the last string str read; reused, so only the values
	// that are kept cost an allocation.
	buf []byte
}

func newScanner(r io.Reader) *scanner { return &scanner{r: bufio.NewReaderSize(r, 32<<10)} }

// ---- PEP 691 JSON ----

// decodeSimpleJSON reads a PEP 691 project page as a stream: the files'
// filename, hashes.sha256 and size; every other value is skipped without
// being kept. The meta api-version must have major version 1.
func decodeSimpleJSON(r io.Reader, keep func(string) bool) ([]RemoteFile, error) {
	s := newScanner(r)
	c := &collector{keep: keep}
	var version string
	seenMeta := false
	err := s.object(func(key string) error {
		// A repeated key replaces the earlier value, as in encoding/json.
		switch key {
		case "meta":
			seenMeta, version = true, ""
			return s.object(func(key string) error {
				if key == "api-version" {
					v, _, err := s.stringValue(64)
					version = v
					return err
				}
				return s.skipValue()
			})
		case "files":
			c.files = c.files[:0]
			return s.array(func() error {
				f, err := s.file()
				if err != nil {
					return err
				}
				return c.add(f)
			})
		}
		return s.skipValue()
	})
	if err != nil {
		return nil, fmt.Errorf("failed to decode simple API JSON: %w", err)
	}
	if major, _, _ := strings.Cut(version, "."); !seenMeta || major != "1" {
		return nil, fmt.Errorf("failed to decode simple API JSON: unsupported api-version %q", version)
	}
	return c.files, nil
}

// file reads one entry of "files".
func (s *scanner) file() (RemoteFile, error) {
	f := RemoteFile{Size: -1}
	err := s.object(func(key string) error {
		switch key {
		case "filename":
			name, _, err := s.stringValue(maxFilenameLen)
			f.Filename = name // "" when absent, not a string or too long
			return err
		case "size":
			n, err := s.numberValue()
			f.Size = -1
			if v, perr := strconv.ParseInt(n, 10, 64); err == nil && perr == nil && v >= 0 {
				f.Size = v
			}
			return err
		case "yanked":
			return s.yanked(&f)
		case "hashes":
			f.SHA256 = ""
			if b, err := s.peek(); err != nil || b != '{' {
				return s.skipValue()
			}
			return s.object(func(key string) error {
				if key != "sha256" {
					return s.skipValue()
				}
				h, _, err := s.stringValue(maxHashLen)
				f.SHA256 = strings.ToLower(h)
				return err
			})
		}
		return s.skipValue()
	})
	return f, err
}

// yanked reads PEP 691's "yanked": true, or a reason string (yanked);
// false, null or any other value leave the file not yanked.
func (s *scanner) yanked(f *RemoteFile) error {
	b, err := s.peek()
	if err != nil {
		return err
	}
	f.Yanked, f.YankedReason = false, ""
	switch b {
	case '"':
		s.r.ReadByte()
		reason, _, err := s.str(maxReasonLen) // longer: yanked, reason dropped
		f.Yanked, f.YankedReason = err == nil, cutReason(reason)
		return err
	case 't':
		s.r.ReadByte()
		err := s.literal('t')
		f.Yanked = err == nil
		return err
	}
	return s.skipValue()
}

// cutReason keeps at most MaxYankedReason bytes of a yank reason, cut at
// a character boundary.
func cutReason(r string) string {
	r = strings.ToValidUTF8(r, "\uFFFD")
	if len(r) <= MaxYankedReason {
		return r
	}
	n := MaxYankedReason
	for n > 0 && !utf8.RuneStart(r[n]) {
		n--
	}
	return r[:n] + "…"
}

var errSyntax = errors.New("invalid JSON")

// space returns the next byte that is not JSON white space.
func (s *scanner) space() (byte, error) {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, unexpected(err)
		}
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b, nil
	}
}

// peek returns the next byte that is not white space without consuming it.
func (s *scanner) peek() (byte, error) {
	b, err := s.space()
	if err != nil {
		return 0, err
	}
	return b, s.r.UnreadByte()
}

// unexpected turns io.EOF into io.ErrUnexpectedEOF: a page never ends in
// the middle of a value.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// object reads an object, calling member with each key after its colon;
// member must consume the value. A value that is not an object is an error.
func (s *scanner) object(member func(key string) error) error {
	b, err := s.space()
	if err != nil {
		return err
	}
	if b != '{' {
		return fmt.Errorf("%w: expected an object", errSyntax)
	}
	b, err = s.space()
	if err != nil || b == '}' {
		return err
	}
	for {
		if b != '"' {
			return fmt.Errorf("%w: expected a key", errSyntax)
		}
		kb, ok, err := s.strBytes(maxKeyLen)
		if err != nil {
			return err
		}
		key := internKey(kb)
		if b, err = s.space(); err != nil {
			return err
		}
		if b != ':' {
			return fmt.Errorf("%w: expected ':'", errSyntax)
		}
		if !ok {
			key = "" // too long to be one we read
		}
		if err := member(key); err != nil {
			return err
		}
		if b, err = s.space(); err != nil {
			return err
		}
		switch b {
		case '}':
			return nil
		case ',':
			if b, err = s.space(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: expected ',' or '}'", errSyntax)
		}
	}
}

// internKey returns the keys the decoder reads without allocating; any
// other key is "" (skipped).
func internKey(b []byte) string {
	switch string(b) {
	case "meta":
		return "meta"
	case "api-version":
		return "api-version"
	case "files":
		return "files"
	case "filename":
		return "filename"
	case "size":
		return "size"
	case "hashes":
		return "hashes"
	case "sha256":
		return "sha256"
	case "yanked":
		return "yanked"
	}
	return ""
}

// array reads an array, calling elem for each element; elem must consume
// it.
func (s *scanner) array(elem func() error) error {
	b, err := s.space()
	if err != nil {
		return err
	}
	if b != '[' {
		return fmt.Errorf("%w: expected an array", errSyntax)
	}
	if b, err = s.space(); err != nil || b == ']' {
		return err
	}
	for {
		if err := s.r.UnreadByte(); err != nil {
			return err
		}
		if err := elem(); err != nil {
			return err
		}
		if b, err = s.space(); err != nil {
			return err
		}
		switch b {
		case ']':
			return nil
		case ',':
			// The next element's first byte, unread at the loop's top.
			if _, err = s.space(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: expected ',' or ']'", errSyntax)
		}
	}
}

// stringValue reads a string value; ok is false when it is longer than
// max bytes (it is then skipped) or not a string (null counts as absent).
func (s *scanner) stringValue(max int) (string, bool, error) {
	b, err := s.space()
	if err != nil {
		return "", false, err
	}
	if b != '"' {
		if err := s.r.UnreadByte(); err != nil {
			return "", false, err
		}
		return "", false, s.skipValue()
	}
	return s.str(max)
}

// numberValue reads a number's text; any other value is skipped and gives
// "".
func (s *scanner) numberValue() (string, error) {
	b, err := s.space()
	if err != nil {
		return "", err
	}
	if err := s.r.UnreadByte(); err != nil {
		return "", err
	}
	if b != '-' && (b < '0' || b > '9') {
		return "", s.skipValue()
	}
	return s.number()
}

// number reads the characters of a number.
func (s *scanner) number() (string, error) {
	var n []byte
	for {
		b, err := s.r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if !strings.ContainsRune("+-.eE0123456789", rune(b)) {
			if err := s.r.UnreadByte(); err != nil {
				return "", err
			}
			break
		}
		if len(n) >= maxNumberLen {
			return "", fmt.Errorf("%w: number too long", errSyntax)
		}
		n = append(n, b)
	}
	if len(n) == 0 {
		return "", fmt.Errorf("%w: expected a number", errSyntax)
	}
	return string(n), nil
}

// str reads the rest of a string whose opening quote was read, decoding
// escapes. Past max bytes it keeps scanning to the closing quote without
// storing anything and reports ok false.
func (s *scanner) str(max int) (string, bool, error) {
	b, ok, err := s.strBytes(max)
	if !ok || err != nil {
		return "", false, err
	}
	return string(b), true, nil
}

// strBytes is str returning s.buf, valid until the next call.
func (s *scanner) strBytes(max int) ([]byte, bool, error) {
	out := s.buf[:0]
	ok := true
	var rb [utf8.UTFMax]byte
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return nil, false, unexpected(err)
		}
		p := rb[:1]
		switch {
		case b == '"':
			s.buf = out[:0]
			return out, ok, nil
		case b < 0x20:
			return nil, false, fmt.Errorf("%w: control character in string", errSyntax)
		case b != '\\':
			rb[0] = b
		default:
			r, err := s.escape()
			if err != nil {
				return nil, false, err
			}
			p = utf8.AppendRune(rb[:0], r)
		}
		if ok && len(out)+len(p) > max {
			ok, out = false, out[:0]
		}
		if ok {
			out = append(out, p...)
		}
	}
}

// escape reads one escape sequence after its backslash.
func (s *scanner) escape() (rune, error) {
	b, err := s.r.ReadByte()
	if err != nil {
		return 0, unexpected(err)
	}
	switch b {
	case '"', '\\', '/':
		return rune(b), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := s.hex4()
		if err != nil || !utf16.IsSurrogate(r) {
			return r, err
		}
		// A surrogate pair is two escapes; a lone half is U+FFFD.
		if p, _ := s.r.Peek(2); string(p) != `\u` {
			return utf8.RuneError, nil
		}
		s.r.Discard(2)
		r2, err := s.hex4()
		if err != nil {
			return 0, err
		}
		return utf16.DecodeRune(r, r2), nil
	}
	return 0, fmt.Errorf("%w: bad escape", errSyntax)
}

func (s *scanner) hex4() (rune, error) {
	var r rune
	for range 4 {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, unexpected(err)
		}
		v, ok := hexVal(b)
		if !ok {
			return 0, fmt.Errorf("%w: bad \\u escape", errSyntax)
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

func hexVal(b byte) (byte, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

// skipValue skips one value of any kind, keeping nothing but a stack of
// open brackets (at most maxJSONDepth).
func (s *scanner) skipValue() error {
	var stack []byte
	for {
		b, err := s.space()
		if err != nil {
			return err
		}
		switch {
		case b == '{' || b == '[':
			if len(stack) >= maxJSONDepth {
				return fmt.Errorf("%w: nested more than %d deep", errSyntax, maxJSONDepth)
			}
			stack = append(stack, b)
			continue // an element (or the end) follows
		case b == '}' || b == ']':
			if len(stack) == 0 || (b == '}') != (stack[len(stack)-1] == '{') {
				return fmt.Errorf("%w: unbalanced %q", errSyntax, b)
			}
			stack = stack[:len(stack)-1]
		case b == '"':
			if _, _, err := s.strBytes(0); err != nil {
				return err
			}
		case b == '-' || (b >= '0' && b <= '9'):
			s.r.UnreadByte()
			if _, err := s.number(); err != nil {
				return err
			}
		case b == 't' || b == 'f' || b == 'n':
			if err := s.literal(b); err != nil {
				return err
			}
		case (b == ',' || b == ':') && len(stack) > 0:
			continue
		default:
			return fmt.Errorf("%w: unexpected %q", errSyntax, b)
		}
		if len(stack) == 0 {
			return nil
		}
	}
}

// literal reads the rest of true, false or null.
func (s *scanner) literal(first byte) error {
	want := map[byte]string{'t': "rue", 'f': "alse", 'n': "ull"}[first]
	for i := 0; i < len(want); i++ {
		b, err := s.r.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		if b != want[i] {
			return fmt.Errorf("%w: bad literal", errSyntax)
		}
	}
	return nil
}

// ---- PEP 503 HTML ----

var (
	hrefRe = regexp.MustCompile(`(?is)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
	// sha256Frag is the hash fragment of a file URL: "#sha256=<hex>", or
	// "#sha256-<hex>" as older Gitea templates wrote it.
	sha256Frag = regexp.MustCompile(`(?i)(?:^|&)sha256[=-]([0-9a-f]{64})(?:$|&)`)
	// yankedRe is PEP 592's data-yanked attribute, with its reason as the
	// value when there is one.
	yankedRe = regexp.MustCompile(`(?is)\sdata-yanked(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?(?:\s|/|$)`)
)

// decodeSimpleHTML reads a PEP 503 project page as a stream: each anchor's
// text is a file name, its href's fragment may carry "sha256=<hex>".
// Tags and texts longer than their bounds are skipped without being kept.
func decodeSimpleHTML(r io.Reader, keep func(string) bool) ([]RemoteFile, error) {
	s := newScanner(r)
	c := &collector{keep: keep}
	for {
		tag, err := s.nextAnchor()
		if err == io.EOF {
			return c.files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("failed to read simple API page: %w", err)
		}
		text, ok, err := s.anchorText()
		if err != nil {
			if err == io.EOF {
				return c.files, nil
			}
			return nil, fmt.Errorf("failed to read simple API page: %w", err)
		}
		if tag == "" || !ok {
			continue
		}
		name := text
		if strings.ContainsAny(name, "<&") {
			name = html.UnescapeString(tagRe.ReplaceAllString(name, ""))
		}
		name = strings.TrimSpace(name)
		if name == "" || (keep != nil && !keep(name)) {
			continue
		}
		if err := c.add(anchorFile(tag, name)); err != nil {
			return nil, err
		}
	}
}

// anchorFile builds the entry of one anchor from its tag and file name.
func anchorFile(tag, name string) RemoteFile {
	f := RemoteFile{Filename: name, Size: -1}
	if y := yankedRe.FindStringSubmatch(tag); y != nil {
		f.Yanked, f.YankedReason = true, cutReason(html.UnescapeString(y[1]+y[2]+y[3]))
	}
	m := hrefRe.FindStringSubmatch(tag)
	if m == nil {
		return f
	}
	href := html.UnescapeString(m[1] + m[2] + m[3])
	if _, frag, ok := strings.Cut(href, "#"); ok {
		if h := sha256Frag.FindStringSubmatch(frag); h != nil {
			f.SHA256 = strings.ToLower(h[1])
		}
	}
	return f
}

// nextAnchor skips to the next <a …> tag and returns its text ("" when it
// was longer than maxTagLen); io.EOF at the end of the page.
func (s *scanner) nextAnchor() (string, error) {
	for {
		if _, err := s.r.ReadSlice('<'); err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			return "", err
		}
		p, err := s.r.Peek(2)
		if err != nil && len(p) < 2 {
			return "", io.EOF
		}
		if (p[0] != 'a' && p[0] != 'A') || !isTagEnd(p[1]) {
			continue
		}
		return s.until('>', maxTagLen)
	}
}

func isTagEnd(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '>' || b == '/'
}

// anchorText reads up to the next "</a" and past its ">"; ok is false when
// the text was longer than maxAnchorText.
func (s *scanner) anchorText() (string, bool, error) {
	var out []byte
	ok := true
	for {
		chunk, err := s.r.ReadSlice('<')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return "", false, err
		}
		if ok {
			if len(out)+len(chunk) > maxAnchorText {
				ok, out = false, nil
			} else {
				out = append(out, chunk...)
			}
		}
		if err != nil { // buffer full: more text follows
			continue
		}
		p, _ := s.r.Peek(2)
		if len(p) == 2 && p[0] == '/' && (p[1] == 'a' || p[1] == 'A') {
			if _, err := s.until('>', 16); err != nil && err != io.EOF {
				return "", false, err
			}
			if !ok {
				return "", false, nil
			}
			return strings.TrimSuffix(string(out), "<"), true, nil
		}
	}
}

// until reads through the next delim and returns what came before it, or
// "" when that was longer than max (it is skipped, not kept).
func (s *scanner) until(delim byte, max int) (string, error) {
	var out []byte
	ok := true
	for {
		chunk, err := s.r.ReadSlice(delim)
		if ok {
			if len(out)+len(chunk) > max+1 {
				ok, out = false, nil
			} else {
				out = append(out, chunk...)
			}
		}
		switch {
		case err == nil:
			if !ok {
				return "", nil
			}
			return string(out[:len(out)-1]), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return "", err
		}
	}
}
