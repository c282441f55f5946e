package test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
)

// This file generates distributions for the differential tests against
// Warehouse: a small valid wheel and sdist, and mutations of every rule the
// preflight knows (each metadata field, name and version forms, file names
// and tags, archive layout). Everything is written by this code; nothing is
// taken from a build backend, so each case changes exactly one thing.

// genHeader is one metadata header as written.
type genHeader struct{ Name, Value string }

// genMeta is a METADATA / PKG-INFO file: headers in order and a body.
type genMeta struct {
	Headers []genHeader
	Body    string
	// Raw, when set, is written instead of Headers and Body.
	Raw string
}

// baseMeta is a valid METADATA of the given Metadata-Version for
// gen-pkg 1.0 with a Markdown description.
func baseMeta(mv string) genMeta {
	m := genMeta{Headers: []genHeader{
		{"Metadata-Version", mv},
		{"Name", "gen-pkg"},
		{"Version", "1.0"},
		{"Summary", "A generated distribution"},
	}, Body: "# gen-pkg\n\nGenerated for the differential tests.\n"}
	if mv != "1.0" && mv != "1.1" && mv != "1.2" {
		m.Headers = append(m.Headers, genHeader{"Description-Content-Type", "text/markdown"})
	}
	return m
}

// with returns m with the header name set to value: the first header of
// that name is replaced, or the header is appended.
func (m genMeta) with(name, value string) genMeta {
	out := m
	out.Headers = append([]genHeader(nil), m.Headers...)
	for i, h := range out.Headers {
		if strings.EqualFold(h.Name, name) {
			out.Headers[i].Value = value
			return out
		}
	}
	out.Headers = append(out.Headers, genHeader{name, value})
	return out
}

// add returns m with one more header (repeated fields).
func (m genMeta) add(name, value string) genMeta {
	out := m
	out.Headers = append(append([]genHeader(nil), m.Headers...), genHeader{name, value})
	return out
}

// without returns m without any header of that name.
func (m genMeta) without(name string) genMeta {
	out := m
	out.Headers = nil
	for _, h := range m.Headers {
		if !strings.EqualFold(h.Name, name) {
			out.Headers = append(out.Headers, h)
		}
	}
	return out
}

// body returns m with another description body.
func (m genMeta) body(b string) genMeta {
	out := m
	out.Body = b
	return out
}

func (m genMeta) value(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// String renders the file as a build backend writes it.
func (m genMeta) String() string {
	if m.Raw != "" {
		return m.Raw
	}
	var b strings.Builder
	for _, h := range m.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	if m.Body != "" {
		b.WriteString("\n")
		b.WriteString(m.Body)
	}
	return b.String()
}

// genMember is one archive member.
type genMember struct {
	Name string
	Data []byte
	// Method is the zip compression method written in the headers
	// (default deflate); any method other than 0 and 8 is written with the
	// data stored.
	Method uint16
	Dir    bool
	// TypeFlag overrides the tar type flag (e.g. 'S' for a sparse member).
	TypeFlag byte
}

// genFile is one distribution file to generate.
type genFile struct {
	Filename string
	Kind     dist.Kind
	Meta     genMeta
	// Members replaces the default members when not nil; the metadata
	// member is added unless NoMetadata.
	Members []genMember
	// Extra members are added to the defaults.
	Extra []genMember
	// Drop names default members to leave out (e.g. "RECORD", "WHEEL",
	// "METADATA" for a wheel; "PKG-INFO" for an sdist).
	Drop []string
	// DistInfo overrides the .dist-info directory name (wheel).
	DistInfo string
	// Top overrides the sdist's top-level directory.
	Top string
	// Zip quirks. Non-ASCII names get the UTF-8 flag unless NoUTF8Flag.
	DataDescriptor, Comment, Trailing, NoUTF8Flag bool
	// Corrupt writes bytes that are no archive at all.
	Corrupt bool
	// Source, when set, is a real distribution copied as it is.
	Source string
}

// genCase is one differential test case: files uploaded in order to a
// fresh index.
type genCase struct {
	ID    string
	Rule  string // the rule or field the case exercises
	Files []genFile
}

// fixedTime is the modification time of every generated member.
var fixedTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// distInfoName is the .dist-info directory of a wheel file name.
func distInfoName(filename string) string {
	parts := strings.SplitN(filename, "-", 3)
	if len(parts) < 3 {
		return "broken.dist-info"
	}
	return parts[0] + "-" + parts[1] + ".dist-info"
}

// sdistTop is the top-level directory of an sdist file name.
func sdistTop(filename string) string {
	s := strings.TrimSuffix(strings.TrimSuffix(filename, ".tar.gz"), ".zip")
	return s
}

func dropped(f genFile, name string) bool {
	for _, d := range f.Drop {
		if d == name {
			return true
		}
	}
	return false
}

// members returns the archive members of f in order.
func (f genFile) members() []genMember {
	meta := []byte(f.Meta.String())
	if f.Kind == dist.Wheel {
		di := f.DistInfo
		if di == "" {
			di = distInfoName(f.Filename)
		}
		ms := f.Members
		if ms == nil {
			ms = []genMember{{Name: "gen_pkg/__init__.py", Data: []byte("__version__ = \"1.0\"\n")}}
		}
		ms = append(append([]genMember(nil), ms...), f.Extra...)
		if !dropped(f, "METADATA") {
			ms = append(ms, genMember{Name: di + "/METADATA", Data: meta})
		}
		if !dropped(f, "WHEEL") {
			ms = append(ms, genMember{Name: di + "/WHEEL", Data: []byte("Wheel-Version: 1.0\nGenerator: pypi-publish-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")})
		}
		if !dropped(f, "RECORD") {
			var rec strings.Builder
			for _, m := range ms {
				sum := sha256.Sum256(m.Data)
				fmt.Fprintf(&rec, "%s,sha256=%s,%d\n", m.Name, base64.RawURLEncoding.EncodeToString(sum[:]), len(m.Data))
			}
			fmt.Fprintf(&rec, "%s/RECORD,,\n", di)
			ms = append(ms, genMember{Name: di + "/RECORD", Data: []byte(rec.String())})
		}
		return ms
	}
	top := f.Top
	if top == "" {
		top = sdistTop(f.Filename)
	}
	ms := f.Members
	if ms == nil {
		ms = []genMember{
			{Name: top + "/pyproject.toml", Data: []byte("[project]\nname = \"gen-pkg\"\nversion = \"1.0\"\n")},
			{Name: top + "/gen_pkg/__init__.py", Data: []byte("__version__ = \"1.0\"\n")},
		}
	}
	ms = append(append([]genMember(nil), ms...), f.Extra...)
	if !dropped(f, "PKG-INFO") {
		ms = append([]genMember{{Name: top + "/PKG-INFO", Data: meta}}, ms...)
	}
	return ms
}

// write creates f in dir and returns its path.
func (f genFile) write(t *testing.T, dir string) string {
	t.Helper()
	var b []byte
	var err error
	switch {
	case f.Source != "":
		b, err = os.ReadFile(f.Source)
	case f.Corrupt:
		b = []byte("this is not an archive\n")
	case f.Kind == dist.Wheel || strings.HasSuffix(f.Filename, ".zip"):
		b, err = f.zipBytes()
	default:
		b, err = f.tarGzBytes()
	}
	if err != nil {
		t.Fatalf("generate %s: %v", f.Filename, err)
	}
	p := filepath.Join(dir, f.Filename)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipBytes writes a zip with sizes and CRC in the local headers (no data
// descriptors, as PyPI requires) unless DataDescriptor is set.
func (f genFile) zipBytes() ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range f.members() {
		if f.DataDescriptor {
			fw, err := w.CreateHeader(&zip.FileHeader{Name: m.Name, Method: zip.Deflate, Modified: fixedTime})
			if err != nil {
				return nil, err
			}
			if _, err := fw.Write(m.Data); err != nil {
				return nil, err
			}
			continue
		}
		method := m.Method
		data := m.Data
		if m.Method == 0 && !m.Dir {
			method = zip.Deflate
		}
		if method == zip.Deflate {
			var c bytes.Buffer
			level := flate.BestCompression
			if len(m.Data) > 1<<20 {
				level = flate.BestSpeed
			}
			fw, _ := flate.NewWriter(&c, level)
			fw.Write(m.Data)
			fw.Close()
			data = c.Bytes()
		}
		name := m.Name
		if m.Dir && !strings.HasSuffix(name, "/") {
			name += "/"
		}
		h := &zip.FileHeader{
			Name: name, Method: method, Modified: fixedTime,
			CRC32: crc32.ChecksumIEEE(m.Data), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(m.Data)),
		}
		if !f.NoUTF8Flag && strings.ContainsFunc(name, func(r rune) bool { return r >= 0x80 }) {
			h.Flags |= 0x800
		}
		if m.Dir {
			h.SetMode(0o755 | os.ModeDir)
		} else {
			h.SetMode(0o644)
		}
		fw, err := w.CreateRaw(h)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(data); err != nil {
			return nil, err
		}
	}
	if f.Comment {
		if err := w.SetComment("generated"); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if f.Trailing {
		out = append(out, []byte("trailing data")...)
	}
	return out, nil
}

// tarGzBytes writes a PAX tar.gz; a member with TypeFlag 'S' gets that
// flag patched into its header (Go's writer refuses sparse entries).
func (f genFile) tarGzBytes() ([]byte, error) {
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	var patch []int // header offsets to mark sparse
	for _, m := range f.members() {
		h := &tar.Header{Name: m.Name, Mode: 0o644, Size: int64(len(m.Data)), ModTime: fixedTime, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if m.Dir {
			h = &tar.Header{Name: m.Name + "/", Mode: 0o755, ModTime: fixedTime, Typeflag: tar.TypeDir, Format: tar.FormatUSTAR}
		}
		if m.TypeFlag == 'S' {
			patch = append(patch, tb.Len())
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if !m.Dir {
			if _, err := tw.Write(m.Data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	raw := tb.Bytes()
	for _, off := range patch {
		hdr := raw[off : off+512]
		hdr[156] = 'S'
		copy(hdr[148:156], "        ")
		var sum int64
		for _, c := range hdr {
			sum += int64(c)
		}
		copy(hdr[148:156], fmt.Sprintf("%06o\x00 ", sum))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.ModTime = fixedTime
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return gz.Bytes(), nil
}

// wheelFile is the default wheel for m, named after its Name and Version.
func wheelFile(m genMeta) genFile {
	return genFile{Filename: wheelName(m.value("Name"), m.value("Version"), "py3-none-any"), Kind: dist.Wheel, Meta: m}
}

// sdistFile is the default sdist for m (PEP 625 name).
func sdistFile(m genMeta) genFile {
	return genFile{Filename: fileStem(m.value("Name")) + "-" + m.value("Version") + ".tar.gz", Kind: dist.Sdist, Meta: m}
}

func fileStem(name string) string {
	return strings.ReplaceAll(dist.NormalizeName(name), "-", "_")
}

func wheelName(name, version, tags string) string {
	return fileStem(name) + "-" + version + "-" + tags + ".whl"
}
