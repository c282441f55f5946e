package dist

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"unicode/utf8"
)

// ZIP record signatures (APPNOTE.TXT §4.3).
const (
	sigLocal     = 0x04034b50
	sigCentral   = 0x02014b50
	sigEOCD      = 0x06054b50
	sigEOCD64    = 0x06064b50
	sigEOCD64Loc = 0x07064b50
)

// errFraming carries the reason a ZIP's framing is refused.
type errFraming string

func (e errFraming) Error() string { return string(e) }

// zipFramingProblem walks a ZIP archive record by record from its first
// byte, as a streaming reader would, and checks that it describes the same
// files as the central directory that zip.Reader used: PyPI refuses
// archives whose two views can differ ("ZIP archive not accepted: …",
// pypi/warehouse warehouse/utils/zipfiles.py). Only headers are read; file
// data is skipped. cd maps each member name to its compressed and
// uncompressed sizes from the central directory. It returns "" when the
// framing is sound.
func zipFramingProblem(r io.ReadSeeker, cd map[string][2]uint64) string {
	w := &zipWalker{r: newBufSeeker(r), cd: cd, local: map[string]bool{}, central: map[string]bool{}}
	if err := w.walk(); err != nil {
		var f errFraming
		if errors.As(err, &f) {
			return string(f)
		}
		return "Malformed zip file"
	}
	return ""
}

type zipWalker struct {
	r              io.ReadSeeker
	cd             map[string][2]uint64
	local, central map[string]bool
	pos            int64
	// central directory as found, and as the end records declare it
	cdRecords       uint64
	cdOffset        int64
	cdSize          uint64
	eocdRecords     uint64
	eocdSize        uint64
	eocdOffset      uint64
	haveEOCD64      bool
	sawEOCD64Loc    bool
	cdOffsetPresent bool
}

func (w *zipWalker) read(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(w.r, b); err != nil {
		return nil, errFraming("Malformed zip file")
	}
	w.pos += int64(n)
	return b, nil
}

func (w *zipWalker) skip(n uint64) error {
	if n > 1<<62 {
		return errFraming("Malformed zip file")
	}
	p, err := w.r.Seek(int64(n), io.SeekCurrent)
	if err != nil {
		return err
	}
	w.pos = p
	return nil
}

func unprintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

func (w *zipWalker) walk() error {
	for {
		start := w.pos
		sb, err := w.read(4)
		if err != nil {
			return err
		}
		switch sig := binary.LittleEndian.Uint32(sb); sig {
		case sigLocal:
			if err := w.localHeader(); err != nil {
				return err
			}
		case sigCentral:
			if !w.cdOffsetPresent {
				w.cdOffset, w.cdOffsetPresent = start, true
			}
			w.cdRecords++
			if err := w.centralHeader(); err != nil {
				return err
			}
		case sigEOCD:
			if w.haveEOCD64 && !w.sawEOCD64Loc {
				return errFraming("Malformed zip file")
			}
			if !w.cdOffsetPresent {
				w.cdOffset, w.cdOffsetPresent = start, true
			}
			b, err := w.read(18)
			if err != nil {
				return err
			}
			onDisk, total := binary.LittleEndian.Uint16(b[4:]), binary.LittleEndian.Uint16(b[6:])
			size, offset := binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint32(b[12:])
			comment := binary.LittleEndian.Uint16(b[16:])
			if onDisk != total {
				return errFraming("Malformed zip file")
			}
			if !w.haveEOCD64 {
				w.eocdRecords, w.eocdSize, w.eocdOffset = uint64(total), uint64(size), uint64(offset)
			}
			if err := w.skip(uint64(comment)); err != nil {
				return err
			}
			if w.eocdRecords != w.cdRecords {
				return errFraming("Mismatched central directory records")
			}
			if w.eocdOffset != uint64(w.cdOffset) {
				return errFraming("Mismatched central directory offset")
			}
			if w.eocdSize != w.cdSize {
				return errFraming("Mismatched central directory size")
			}
			return w.end()
		case sigEOCD64:
			w.haveEOCD64 = true
			b, err := w.read(52)
			if err != nil {
				return err
			}
			size := binary.LittleEndian.Uint64(b[0:])
			onDisk, total := binary.LittleEndian.Uint64(b[20:]), binary.LittleEndian.Uint64(b[28:])
			if onDisk != total {
				return errFraming("Malformed zip file")
			}
			if size != 44 {
				return errFraming("ZIP64 extensible data not allowed")
			}
			w.eocdRecords = total
			w.eocdSize = binary.LittleEndian.Uint64(b[36:])
			w.eocdOffset = binary.LittleEndian.Uint64(b[44:])
		case sigEOCD64Loc:
			if _, err := w.read(16); err != nil {
				return err
			}
			w.sawEOCD64Loc = true
		default:
			return errFraming("Unknown record signature")
		}
	}
}

// localHeader checks one local file header against the central directory
// and skips the member's data.
func (w *zipWalker) localHeader() error {
	b, err := w.read(26)
	if err != nil {
		return err
	}
	flags := binary.LittleEndian.Uint16(b[2:])
	method := binary.LittleEndian.Uint16(b[4:])
	sz := memberSizes{
		c: uint64(binary.LittleEndian.Uint32(b[14:])),
		u: uint64(binary.LittleEndian.Uint32(b[18:])),
	}
	nameLen := int(binary.LittleEndian.Uint16(b[22:]))
	extraLen := int(binary.LittleEndian.Uint16(b[24:]))
	name, err := w.read(nameLen)
	if err != nil {
		return err
	}
	extra, err := w.read(extraLen)
	if err != nil {
		return err
	}
	if unprintable(name) {
		return errFraming("Invalid character in filename")
	}
	if err := localExtras(extra, method, &sz); err != nil {
		return err
	}
	if flags&0x08 != 0 {
		return errFraming("ZIP contains a data descriptor")
	}
	if !validUTF8(name) {
		return errFraming("Filename not unicode")
	}
	sizes, ok := w.cd[string(name)]
	if !ok {
		return errFraming("Filename not in central directory")
	}
	if sizes[0] != sz.c {
		return errFraming("Mis-matched data size")
	}
	if sizes[1] != sz.u {
		return errFraming("Mis-matched file size")
	}
	if w.local[string(name)] {
		return errFraming("Duplicate filename in local headers")
	}
	w.local[string(name)] = true
	return w.skip(sz.c)
}

// memberSizes are a member's compressed (c) and uncompressed (u) sizes.
type memberSizes struct{ c, u uint64 }

// localExtras walks the extra fields of a local header: a ZIP64 field
// updates sz, an Info-ZIP Unicode Path must be a printable UTF-8 name, and
// neither may appear twice.
func localExtras(extra []byte, method uint16, sz *memberSizes) error {
	seen := map[uint16]bool{}
	for len(extra) > 0 {
		if len(extra) < 4 {
			return errFraming("Malformed zip file")
		}
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if n+4 > len(extra) {
			return errFraming("Malformed zip file")
		}
		if seen[id] && (id == 0x0001 || id == 0x7075) {
			return errFraming("Invalid duplicate extra in local file")
		}
		seen[id] = true
		data := extra[4 : 4+n]
		switch id {
		case 0x0001: // ZIP64 sizes
			if err := localZip64(data, method, sz); err != nil {
				return err
			}
		case 0x7075: // Info-ZIP Unicode Path
			if n >= 5 {
				uname := data[5:]
				if unprintable(uname) {
					return errFraming("Invalid character in filename")
				}
				if !validUTF8(uname) {
					return errFraming("Filename not valid UTF-8")
				}
			}
		}
		extra = extra[4+n:]
	}
	return nil
}

// localZip64 applies a local header's ZIP64 extra field to sz.
func localZip64(data []byte, method uint16, sz *memberSizes) error {
	switch len(data) {
	case 0:
		if sz.c == 0xFFFFFFFF || sz.u == 0xFFFFFFFF {
			return errFraming("Malformed zip file")
		}
	case 8:
		if method != 0 {
			return errFraming("Malformed zip file")
		}
		u := binary.LittleEndian.Uint64(data)
		sz.c = u
		if sz.u == 0xFFFFFFFF {
			sz.u = u
		}
	case 16, 24, 28:
		if sz.u == 0xFFFFFFFF {
			sz.u = binary.LittleEndian.Uint64(data)
		}
		sz.c = binary.LittleEndian.Uint64(data[8:])
	default:
		return errFraming("Malformed zip file")
	}
	return nil
}

func (w *zipWalker) centralHeader() error {
	b, err := w.read(42)
	if err != nil {
		return err
	}
	nameLen := int(binary.LittleEndian.Uint16(b[24:]))
	extraLen := int(binary.LittleEndian.Uint16(b[26:]))
	commentLen := binary.LittleEndian.Uint16(b[28:])
	if commentLen != 0 {
		return errFraming("Comment in central directory")
	}
	name, err := w.read(nameLen)
	if err != nil {
		return err
	}
	if _, err := w.read(extraLen); err != nil {
		return err
	}
	if unprintable(name) {
		return errFraming("Invalid character in filename")
	}
	w.cdSize += uint64(46 + nameLen + extraLen)
	if w.central[string(name)] {
		return errFraming("Duplicate filename in central directory")
	}
	if !w.local[string(name)] {
		return errFraming("Missing filename in local headers")
	}
	w.central[string(name)] = true
	return nil
}

// end checks that nothing follows the end of the archive.
func (w *zipWalker) end() error {
	if len(w.central) != len(w.local) {
		return errFraming("Mis-matched local headers and central directory")
	}
	end, err := w.r.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if end != w.pos {
		return errFraming("Trailing data")
	}
	return nil
}

// validUTF8 reports whether b is valid UTF-8.
func validUTF8(b []byte) bool { return utf8.Valid(b) }

// bufSeeker buffers reads of a ReadSeeker and turns short forward seeks
// into discards, so walking the headers of a wheel with a thousand members
// costs a few reads instead of thousands.
type bufSeeker struct {
	r   io.ReadSeeker
	br  *bufio.Reader
	pos int64 // position of the next byte br returns
}

func newBufSeeker(r io.ReadSeeker) *bufSeeker {
	return &bufSeeker{r: r, br: bufio.NewReaderSize(r, 64<<10)}
}

func (b *bufSeeker) Read(p []byte) (int, error) {
	n, err := b.br.Read(p)
	b.pos += int64(n)
	return n, err
}

// Seek supports io.SeekCurrent forward and io.SeekEnd with offset 0, the
// two moves the walker makes.
func (b *bufSeeker) Seek(off int64, whence int) (int64, error) {
	switch {
	case whence == io.SeekCurrent && off >= 0 && off <= int64(b.br.Buffered()):
		n, err := b.br.Discard(int(off))
		b.pos += int64(n)
		return b.pos, err
	case whence == io.SeekCurrent:
		p, err := b.r.Seek(b.pos+off, io.SeekStart)
		b.br.Reset(b.r)
		b.pos = p
		return p, err
	default:
		p, err := b.r.Seek(off, whence)
		b.br.Reset(b.r)
		b.pos = p
		return p, err
	}
}
