package dist

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// MaxMembers is the largest number of archive members Read accepts
// (500,000). The member list is kept in memory for the preflight checks.
const MaxMembers = 500_000

// Bounds on how much a .tar.gz may expand while Read streams through it: at
// most the larger of minTarExpansion bytes and tarExpansionRatio times the
// file size. Real sdists expand 3 to 10 times; a gzip bomb expands about
// 1000 times and is stopped early.
const (
	minTarExpansion   = 256 << 20
	tarExpansionRatio = 100
)

// readError is an error of Read: what is wrong (msg), the sentinel it
// matches (kind) and an optional cause.
type readError struct {
	kind error
	msg  string
	err  error
}

func (e *readError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *readError) Is(target error) bool { return target == e.kind }
func (e *readError) Unwrap() error        { return e.err }

func newReadError(kind error, err error, format string, args ...any) error {
	return &readError{kind: kind, msg: fmt.Sprintf(format, args...), err: err}
}

// Read opens the distribution file f.Path and returns it with its size,
// digests, metadata and archive member list.
//
//   - The digests (SHA-256, MD5, BLAKE2b-256) and Size come from one
//     streaming read of the file. A file that changes after Read is not
//     noticed here; the uploader sends Size bytes and the server checks the
//     digests.
//   - Wheels: the metadata is "<name>-<version>.dist-info/METADATA" with name
//     and version from the file name, else the one top-level
//     "*.dist-info/METADATA" whose name and version match after
//     normalization, else the only top-level "*.dist-info/METADATA".
//   - sdists (.tar.gz, .zip): the metadata is "<top>/PKG-INFO", which must be
//     a regular file. A .tar.gz is streamed once (hashing, decompressing and
//     listing in the same pass) and never held in memory; a .zip is hashed
//     in one pass, then only its central directory and metadata are read.
//   - Bounds: METADATA/PKG-INFO up to MaxMetadataSize, up to MaxMembers
//     members, and a .tar.gz may not expand more than 100 times its size
//     (at least 256 MiB are always allowed). Beyond them Read fails with
//     ErrTooLarge, fast and with bounded memory.
//   - The metadata must have a Metadata-Version header (as twine requires).
//
// f.Kind may be zero; it is then taken from the file name. Nothing is
// extracted, so member names such as "../x" are harmless. Errors name the
// file ("failed to read <Filename>: ...") and match ErrUnknownFormat,
// ErrInvalidArchive, ErrNoMetadata, ErrTooLarge or ErrInvalidMetadata with
// errors.Is. Read refuses paths that are not regular files (such as FIFOs)
// before opening them, so it does not block. It never panics.
func Read(f File) (*Distribution, error) {
	filename := f.Filename
	if filename == "" {
		filename = path.Base(strings.ReplaceAll(f.Path, string(os.PathSeparator), "/"))
	}
	d, err := read(f, filename)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", filename, err)
	}
	return d, nil
}

func read(f File, filename string) (*Distribution, error) {
	kind := f.Kind
	if kind == 0 {
		k, ok := kindOf(filename)
		if !ok {
			return nil, newReadError(ErrUnknownFormat, nil, "unknown distribution format %q: expected *.whl, *.tar.gz or *.zip", filename)
		}
		kind = k
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, newReadError(ErrInvalidArchive, nil, "%s is not a regular file (%s)", f.Path, describeMode(fi.Mode()))
	}
	file, err := os.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if fi, err = file.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, newReadError(ErrInvalidArchive, nil, "%s is not a regular file (%s)", f.Path, describeMode(fi.Mode()))
	}
	d := &Distribution{
		Path:         f.Path,
		Filename:     filename,
		Kind:         kind,
		Attestations: f.Attestations,
	}
	if err := decode(file, fi.Size(), d, MaxMembers); err != nil {
		return nil, err
	}
	// The digests must describe one version of the file: a file written
	// to while it was read is refused.
	after, err := file.Stat()
	if err != nil {
		return nil, err
	}
	if after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) {
		return nil, newReadError(ErrInvalidArchive, nil, "%s changed while it was being read; make sure nothing writes to packages-dir during this step", f.Path)
	}
	d.ModTime = fi.ModTime()
	return d, nil
}

// archiveFile is what decode reads: an *os.File, or a *bytes.Reader in the
// fuzz tests.
type archiveFile interface {
	io.Reader
	io.ReaderAt
}

// decode fills d's Size, Digests, Archive, MetadataPath and Metadata from
// file, read from its start; d.Filename and d.Kind must be set. maxMembers
// is MaxMembers except in tests.
func decode(file archiveFile, size int64, d *Distribution, maxMembers int) error {
	var (
		meta []byte
		err  error
	)
	if strings.HasSuffix(d.Filename, tarGzExt) {
		meta, err = readTarGz(file, size, d, maxMembers)
	} else {
		// .whl and .zip. A name with another suffix but Kind set is
		// read as a zip too; the preflight reports the name.
		meta, err = readZip(file, d, maxMembers)
	}
	if err != nil {
		return err
	}
	m, err := ParseMetadata(meta)
	if err != nil {
		return fmt.Errorf("failed to parse %s: %w", d.MetadataPath, err)
	}
	if _, ok := m.Get("Metadata-Version"); !ok {
		return newReadError(ErrNoMetadata, nil, "%s has no Metadata-Version header", d.MetadataPath)
	}
	d.Metadata = m
	return nil
}

// readZip hashes file in one pass, then reads the central directory and the
// metadata member (wheel METADATA or zip sdist PKG-INFO).
func readZip(file archiveFile, d *Distribution, maxMembers int) ([]byte, error) {
	h := newHasher()
	if err := hashCopy(h, file); err != nil {
		return nil, err
	}
	d.Size, d.Digests = h.n, h.digests()
	zr, err := zip.NewReader(file, h.n)
	if errors.Is(err, zip.ErrInsecurePath) {
		// Only reported with GODEBUG=zipinsecurepath=0; nothing is
		// extracted, so such names do not matter.
		err = nil
	}
	if err != nil {
		return nil, newReadError(ErrInvalidArchive, err, "not a valid zip archive")
	}
	if len(zr.File) > maxMembers {
		return nil, newReadError(ErrTooLarge, nil, "the archive has %d members, more than the %d this action reads", len(zr.File), maxMembers)
	}
	a := &Archive{Format: "zip", Members: make([]Member, 0, len(zr.File))}
	for _, zf := range zr.File {
		a.Members = append(a.Members, Member{
			Name:           zf.Name,
			Size:           int64(min(zf.UncompressedSize64, 1<<62)),
			CompressedSize: int64(min(zf.CompressedSize64, 1<<62)),
			Method:         zf.Method,
			Dir:            strings.HasSuffix(zf.Name, "/") || zf.Mode().IsDir(),
		})
	}
	d.Archive = a
	var mf *zip.File
	if d.Kind == Wheel {
		mf, err = wheelMetadataMember(zr.File, d.Filename)
	} else {
		mf, err = sdistZipMetadataMember(zr.File)
	}
	if err != nil {
		return nil, err
	}
	d.MetadataPath = mf.Name
	if d.Kind == Wheel {
		if err := readEntryPoints(zr.File, path.Dir(mf.Name)+"/entry_points.txt", d); err != nil {
			return nil, err
		}
	}
	if mf.UncompressedSize64 > MaxMetadataSize {
		return nil, newReadError(ErrTooLarge, nil, "%s declares %d bytes, more than the %d MiB this action reads", mf.Name, mf.UncompressedSize64, MaxMetadataSize>>20)
	}
	rc, err := mf.Open()
	if err != nil {
		return nil, newReadError(ErrInvalidArchive, err, "failed to open %s", mf.Name)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxMetadataSize+1))
	if err != nil {
		return nil, newReadError(ErrInvalidArchive, err, "failed to decompress %s", mf.Name)
	}
	if len(b) > MaxMetadataSize {
		return nil, newReadError(ErrTooLarge, nil, "%s is more than the %d MiB this action reads", mf.Name, MaxMetadataSize>>20)
	}
	return b, nil
}

// maxEntryPoints bounds what is read of a wheel's entry_points.txt.
const maxEntryPoints = 1 << 20

// readEntryPoints keeps the wheel's .dist-info/entry_points.txt, if any,
// for the preflight (PyPI validates it on upload).
func readEntryPoints(files []*zip.File, name string, d *Distribution) error {
	for _, zf := range files {
		if zf.Name != name {
			continue
		}
		if zf.UncompressedSize64 > maxEntryPoints {
			return newReadError(ErrTooLarge, nil, "%s declares %d bytes, more than the %d MiB this action reads", zf.Name, zf.UncompressedSize64, maxEntryPoints>>20)
		}
		rc, err := zf.Open()
		if err != nil {
			return newReadError(ErrInvalidArchive, err, "failed to open %s", zf.Name)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxEntryPoints+1))
		if err != nil {
			return newReadError(ErrInvalidArchive, err, "failed to decompress %s", zf.Name)
		}
		if len(b) > maxEntryPoints {
			return newReadError(ErrTooLarge, nil, "%s is more than the %d MiB this action reads", zf.Name, maxEntryPoints>>20)
		}
		d.EntryPoints = b
		return nil
	}
	return nil
}

// wheelMetadataMember finds the wheel's .dist-info/METADATA member.
func wheelMetadataMember(files []*zip.File, filename string) (*zip.File, error) {
	var candidates []*zip.File // top-level */METADATA in *.dist-info
	for _, zf := range files {
		dir, base, ok := strings.Cut(zf.Name, "/")
		if ok && base == "METADATA" && strings.HasSuffix(dir, ".dist-info") && len(dir) > len(".dist-info") {
			candidates = append(candidates, zf)
		}
	}
	w, nameErr := ParseWheelFilename(filename)
	want := ""
	if nameErr == nil {
		want = w.Name + "-" + w.Version + ".dist-info/METADATA"
		for _, zf := range candidates {
			if zf.Name == want {
				return zf, nil
			}
		}
		var matches []*zip.File
		for _, zf := range candidates {
			stem := strings.TrimSuffix(path.Dir(zf.Name), ".dist-info")
			if i := strings.LastIndexByte(stem, '-'); i > 0 &&
				NormalizeName(stem[:i]) == NormalizeName(w.Name) && stem[i+1:] == w.Version {
				matches = append(matches, zf)
			}
		}
		if len(matches) == 1 {
			return matches[0], nil
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	if len(candidates) == 0 {
		if want != "" {
			return nil, newReadError(ErrNoMetadata, nil, "no %s (nor any other *.dist-info/METADATA) in the wheel", want)
		}
		return nil, newReadError(ErrNoMetadata, nil, "no *.dist-info/METADATA in the wheel")
	}
	names := make([]string, len(candidates))
	for i, zf := range candidates {
		names[i] = zf.Name
	}
	return nil, newReadError(ErrNoMetadata, nil, "several METADATA files and none named after the file name (%s): %s", want, strings.Join(names, ", "))
}

// sdistZipMetadataMember finds "<top>/PKG-INFO" in a zip sdist, where <top>
// is the first member's top-level directory.
func sdistZipMetadataMember(files []*zip.File) (*zip.File, error) {
	if len(files) == 0 {
		return nil, newReadError(ErrNoMetadata, nil, "the archive is empty")
	}
	top := ""
	for _, zf := range files {
		if top = topDir(zf.Name); top != "" {
			break
		}
	}
	want := top + "/PKG-INFO"
	var found *zip.File
	for _, zf := range files {
		if cleanMember(zf.Name) == want {
			found = zf
			break
		}
	}
	if found == nil {
		if err := noTopFolder(files[0].Name, !files[0].Mode().IsDir()); err != nil {
			return nil, err
		}
		return nil, newReadError(ErrNoMetadata, nil, "no %s in the archive", want)
	}
	if !found.Mode().IsRegular() || strings.HasSuffix(found.Name, "/") {
		return nil, newReadError(ErrNoMetadata, nil, "%s is not a regular file", found.Name)
	}
	return found, nil
}

// cleanMember removes a leading "./" (repeatedly) from an archive member
// name, as tar writers sometimes add one.
func cleanMember(name string) string {
	for strings.HasPrefix(name, "./") {
		name = name[2:]
	}
	return name
}

// topDir returns the first path element of an archive member name.
func topDir(name string) string {
	name = cleanMember(name)
	top, _, _ := strings.Cut(name, "/")
	return top
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

var errExpansion = errors.New("expansion limit reached")

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, errExpansion
	}
	return n, err
}

// readTarGz streams file once: every byte read is hashed, the gzip stream is
// decompressed and the tar members are listed; PKG-INFO is kept when seen.
func readTarGz(file io.Reader, size int64, d *Distribution, maxMembers int) ([]byte, error) {
	h := newHasher()
	src := bufio.NewReaderSize(io.TeeReader(file, h), 64<<10)
	limit := max(int64(minTarExpansion), min(size, 1<<50)*tarExpansionRatio)
	finish := func() error {
		// Hash whatever the decompressor did not need.
		if _, err := io.Copy(io.Discard, src); err != nil {
			return err
		}
		d.Size, d.Digests = h.n, h.digests()
		return nil
	}
	gz, err := gzip.NewReader(src)
	if err != nil {
		if ferr := finish(); ferr != nil {
			return nil, ferr
		}
		return nil, newReadError(ErrInvalidArchive, err, "not a valid gzip file")
	}
	cr := &countingReader{r: gz, limit: limit}
	a := &Archive{Format: "tar.gz"}
	pk, err := walkTar(tar.NewReader(cr), a, maxMembers, limit)
	if err != nil {
		return nil, err
	}
	// Read the gzip stream to its end, so its checksum and length are
	// verified, then hash the rest of the file.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		if errors.Is(err, errExpansion) {
			return nil, bombError(limit)
		}
		return nil, newReadError(ErrInvalidArchive, err, "not a valid gzip file")
	}
	if err := finish(); err != nil {
		return nil, err
	}
	d.Archive = a
	if pk.name == "" {
		if len(a.Members) == 0 {
			return nil, newReadError(ErrNoMetadata, nil, "the archive is empty")
		}
		if err := noTopFolder(a.Members[0].Name, !a.Members[0].Dir); err != nil {
			return nil, err
		}
		return nil, newReadError(ErrNoMetadata, nil, "no %s/PKG-INFO in the archive", pk.top)
	}
	d.MetadataPath = pk.name
	if pk.err != nil {
		return nil, pk.err
	}
	return pk.data, nil
}

// pkgInfo is what walkTar found of an sdist's <top>/PKG-INFO.
type pkgInfo struct {
	top  string // the first top-level folder named by a member
	name string // the member's name as written; "" when there is none
	data []byte
	err  error // the member is unusable (not a regular file)
}

// walkTar lists the tar members into a and reads <top>/PKG-INFO on the
// way. limit is the expansion limit, for the message.
func walkTar(tr *tar.Reader, a *Archive, maxMembers int, limit int64) (pkgInfo, error) {
	var pk pkgInfo
	for {
		hdr, err := tr.Next()
		if errors.Is(err, tar.ErrInsecurePath) {
			err = nil // only with GODEBUG=tarinsecurepath=0; nothing is extracted
		}
		if err == io.EOF {
			return pk, nil
		}
		if err != nil {
			if errors.Is(err, errExpansion) {
				return pk, bombError(limit)
			}
			return pk, newReadError(ErrInvalidArchive, err, "not a valid tar.gz archive")
		}
		if len(a.Members) >= maxMembers {
			return pk, newReadError(ErrTooLarge, nil, "the archive has more than %d members, the most this action reads", maxMembers)
		}
		a.Members = append(a.Members, Member{
			Name:     hdr.Name,
			Size:     hdr.Size,
			TypeFlag: hdr.Typeflag,
			Dir:      hdr.Typeflag == tar.TypeDir,
		})
		if pk.top == "" {
			pk.top = topDir(hdr.Name) // the first member that names one
		}
		if pk.name != "" || cleanMember(hdr.Name) != pk.top+"/PKG-INFO" {
			continue
		}
		pk.name = hdr.Name
		if err := pk.read(hdr, tr); err != nil {
			return pk, err
		}
	}
}

// read takes PKG-INFO's contents from tr, or records why it cannot.
func (pk *pkgInfo) read(hdr *tar.Header, tr *tar.Reader) error {
	switch {
	case hdr.Typeflag != tar.TypeReg: // the reader reports old-style regular files as TypeReg too
		pk.err = newReadError(ErrNoMetadata, nil, "%s is not a regular file", hdr.Name)
	case hdr.Size > MaxMetadataSize:
		return newReadError(ErrTooLarge, nil, "%s is %d bytes, more than the %d MiB this action reads", hdr.Name, hdr.Size, MaxMetadataSize>>20)
	default:
		data, err := io.ReadAll(io.LimitReader(tr, MaxMetadataSize+1))
		if err != nil {
			return newReadError(ErrInvalidArchive, err, "failed to decompress %s", hdr.Name)
		}
		pk.data = data
	}
	return nil
}

// bombError is the error for an archive that expands past limit.
func bombError(limit int64) error {
	return newReadError(ErrTooLarge, nil, "the archive expands to more than %d MiB (over %d times its size); this looks like a decompression bomb", limit>>20, tarExpansionRatio)
}

// describeMode names a non-regular file mode for error messages.
func describeMode(m os.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	case m&os.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

// noTopFolder returns the error for an sdist whose first member is a file
// outside any folder, or nil.
func noTopFolder(first string, isFile bool) error {
	if isFile && !strings.Contains(cleanMember(first), "/") {
		return newReadError(ErrNoMetadata, nil, "no PKG-INFO found: the archive's first member, %q, is not in a folder; an sdist keeps everything, PKG-INFO included, in one <name>-<version>/ folder", first)
	}
	return nil
}
