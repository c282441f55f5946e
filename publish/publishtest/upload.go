package publishtest

import (
	"bytes"
	"cmp"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/blake2b"
)

const (
	maxTextBytes = 16 << 20 // all text fields together
	keepContent  = 32 << 20 // files up to this size are kept for /files/
)

// singleFields are the form fields Warehouse accepts once only.
var singleFields = map[string]bool{
	"metadata_version": true, "name": true, "version": true, "summary": true, "description": true,
	"description_content_type": true, "keywords": true, "home_page": true, "download_url": true,
	"author": true, "author_email": true, "maintainer": true, "maintainer_email": true,
	"license": true, "license_expression": true, "requires_python": true,
	"filetype": true, "pyversion": true, "md5_digest": true, "sha256_digest": true,
	"blake2_256_digest": true, ":action": true, "protocol_version": true, "comment": true,
	"attestations": true,
}

// introduced lists fields newer than Metadata-Version 2.1 with the version
// that introduced them (packaging refuses them under older versions).
var introduced = map[string]string{
	"dynamic":            "2.2",
	"license_expression": "2.4",
	"license_file":       "2.4",
	"import_name":        "2.5",
	"import_namespace":   "2.5",
}

var metadataVersions = map[string]bool{"1.0": true, "1.1": true, "1.2": true, "2.1": true, "2.2": true, "2.3": true, "2.4": true, "2.5": true}

const coreMetadataURL = "https://packaging.python.org/specifications/core-metadata"

type content struct {
	filename    string
	contentType string
	size        int64
	sha, blake  string
	md          string
	data        []byte
}

type form struct {
	fields   []Field
	values   map[string][]string
	tupleErr string
	content  *content
	attempt  int
	fault    Fault
}

func (f *form) get(name string) string {
	if v := f.values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// errHijacked ends a request whose connection was taken over.
var errHijacked = errors.New("connection hijacked")

func (s *Server) serveLegacyNoSlash(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.render(w, r, http.StatusNotFound, "The resource could not be found.", nil)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<30))
	loc := scheme(r) + "://" + r.Host + "/legacy/"
	s.render(w, r, http.StatusPermanentRedirect, MsgTrailingSlash, http.Header{"Location": {loc}})
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// render writes an error in the mode's style.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, msg string, extra http.Header) {
	var a *answer
	if s.mode == ThirdParty {
		a = bottleError(code, msg)
	} else {
		a = pyramidError(r, code, msg)
	}
	for k, v := range extra {
		a.header[k] = v
	}
	a.write(w, r)
}

func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	if !s.uploadRequest(w, r) {
		return
	}
	f, err := s.parse(w, r)
	if errors.Is(err, errHijacked) {
		return
	}
	if err != nil {
		s.render(w, r, http.StatusBadRequest, err.Error(), nil)
		return
	}
	up := newUpload(r, f)
	record := func(code int, msg string) {
		up.Status, up.Message = code, msg
		s.mu.Lock()
		s.uploads = append(s.uploads, up)
		s.mu.Unlock()
	}
	if s.faultBefore(w, r, f.fault, record) {
		return
	}
	code, msg := s.process(r, f)
	switch f.fault.Kind {
	case StoreThen503:
		if code == http.StatusOK {
			code, msg = http.StatusServiceUnavailable, "Service Unavailable"
		}
	case Truncated:
		record(code, msg+" (answer truncated)")
		truncateAnswer(w)
		return
	case StoreThenSlow:
		t := time.NewTimer(f.fault.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			record(code, msg+" (the client gave up before the answer)")
			return
		}
	}
	record(code, msg)
	if code == http.StatusOK {
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		return
	}
	s.render(w, r, code, msg, nil)
}

// uploadRequest answers requests that are not uploads at all (wrong path,
// method, no length) and reports whether r is one.
func (s *Server) uploadRequest(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.URL.Path != "/legacy/":
		s.render(w, r, http.StatusNotFound, "The resource could not be found.", nil)
	case r.Method != http.MethodPost:
		s.render(w, r, http.StatusMethodNotAllowed, "The method "+r.Method+" is not allowed for this resource.", nil)
	case r.ContentLength < 0:
		s.render(w, r, http.StatusLengthRequired, "Length Required", nil)
	default:
		return true
	}
	return false
}

// newUpload is the record of a parsed upload request, without its
// credentials.
func newUpload(r *http.Request, f *form) Upload {
	up := Upload{Attempt: f.attempt, Fields: f.fields, User: basicUser(r), Header: r.Header.Clone()}
	up.Header.Del("Authorization")
	if c := f.content; c != nil {
		up.Filename, up.ContentType, up.Size, up.SHA256, up.Blake2b256, up.MD5 = c.filename, c.contentType, c.size, c.sha, c.blake, c.md
	}
	up.Attestations = f.get("attestations")
	return up
}

// faultBefore plays the scripted faults that answer before Warehouse's
// checks run; it reports whether it answered (or the client gave up).
func (s *Server) faultBefore(w http.ResponseWriter, r *http.Request, ft Fault, record func(int, string)) bool {
	switch ft.Kind {
	case Status:
		record(ft.Status, ft.Message)
		var h http.Header
		if ft.RetryAfter != "" {
			h = http.Header{"Retry-After": {ft.RetryAfter}}
		}
		s.render(w, r, ft.Status, ft.Message, h)
		return true
	case Redirect:
		code := cmp.Or(ft.Status, http.StatusPermanentRedirect)
		record(code, "redirect to "+ft.Location)
		s.render(w, r, code, http.StatusText(code), http.Header{"Location": {ft.Location}})
		return true
	case GarbageJSON:
		code := cmp.Or(ft.Status, http.StatusBadRequest)
		record(code, "garbage")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(`{"message": "unterminated`))
		return true
	case SlowHeaders:
		t := time.NewTimer(ft.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			record(0, "client gave up")
			return true
		}
	}
	return false
}

// truncateAnswer sends the start of a status line and drops the
// connection.
func truncateAnswer(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, rw, err := hj.Hijack(); err == nil {
			rw.WriteString("HTTP/1.1 20")
			rw.Flush()
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func basicUser(r *http.Request) string {
	u, _, ok := r.BasicAuth()
	if !ok {
		return ""
	}
	return u
}

// credentials extracts the upload's credentials like Warehouse: Basic, or
// "token"/"bearer" with a bare token.
func credentials(r *http.Request) (user, pass string, ok bool) {
	if u, p, ok := r.BasicAuth(); ok {
		return u, p, true
	}
	scheme, tok, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if found && (strings.EqualFold(scheme, "token") || strings.EqualFold(scheme, "bearer")) && tok != "" {
		return "__token__", strings.TrimSpace(tok), true
	}
	return "", "", false
}

// parse reads the multipart form as Warehouse (WebOb + sanitize) sees it.
// Scripted Reset faults act here, in the middle of the file.
func (s *Server) parse(w http.ResponseWriter, r *http.Request) (*form, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, Refusal(MsgNoFile)
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	f := &form{values: map[string][]string{}}
	var text int64
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Refusal(fmt.Sprintf("Invalid multipart body: %v", err))
		}
		name := p.FormName()
		_, dparams, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		_, isFile := dparams["filename"]
		switch {
		case name == "content" && isFile:
			if f.content != nil {
				return nil, Refusal("'content' has invalid data")
			}
			c, err := s.readContent(w, r, p, dparams["filename"], f)
			if err != nil {
				return nil, err
			}
			f.content = c
		case name == "gpg_signature" && isFile:
			_, _ = io.Copy(io.Discard, p)
		case isFile:
			if f.tupleErr == "" {
				f.tupleErr = name + ": Should not be a tuple."
			}
			_, _ = io.Copy(io.Discard, p)
		default:
			b, err := io.ReadAll(io.LimitReader(p, maxTextBytes-text+1))
			if err != nil {
				return nil, Refusal(fmt.Sprintf("Invalid multipart body: %v", err))
			}
			text += int64(len(b))
			if text > maxTextBytes {
				return nil, Refusal("Form fields too large.")
			}
			f.fields = append(f.fields, Field{name, string(b)})
			f.values[name] = append(f.values[name], string(b))
		}
	}
	return f, nil
}

func (s *Server) readContent(w http.ResponseWriter, r *http.Request, p *multipart.Part, filename string, f *form) (*content, error) {
	s.mu.Lock()
	s.attempts[filename]++
	f.attempt = s.attempts[filename]
	s.mu.Unlock()
	f.fault = s.fault(filename, f.attempt)
	c := &content{filename: filename, contentType: p.Header.Get("Content-Type")}
	hs, hb, hm := sha256.New(), mustBlake(), md5.New()
	var keep bytes.Buffer
	dst := io.MultiWriter(hs, hb, hm, &limitedBuffer{b: &keep, max: keepContent})
	if f.fault.Kind == Reset {
		// Take a little of the file, then drop the connection.
		_, _ = io.CopyN(io.Discard, p, 512)
		s.mu.Lock()
		s.uploads = append(s.uploads, Upload{Attempt: f.attempt, Filename: filename, Fields: f.fields, User: basicUser(r), Message: "connection reset mid-body"})
		s.mu.Unlock()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return nil, errHijacked
			}
		}
		panic(http.ErrAbortHandler)
	}
	n, err := io.Copy(dst, p)
	if err != nil {
		return nil, Refusal(fmt.Sprintf("Invalid multipart body: %v", err))
	}
	c.size = n
	c.sha, c.blake, c.md = hex.EncodeToString(hs.Sum(nil)), hex.EncodeToString(hb.Sum(nil)), hex.EncodeToString(hm.Sum(nil))
	if n <= keepContent {
		c.data = keep.Bytes()
	}
	return c, nil
}

func mustBlake() hash.Hash {
	h, err := blake2b.New256(nil)
	if err != nil {
		panic(err) // only fails for keys longer than 64 bytes
	}
	return h
}

type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.b.Len()+len(p) <= l.max {
		l.b.Write(p)
	}
	return len(p), nil
}

var (
	hex64 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	hex32 = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
)

func seeMetadata(msg string) string {
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg + " See " + coreMetadataURL + " for more information."
}

// process applies Warehouse's checks in order (warehouse/forklift/legacy.py)
// and stores the file; it returns the answer. Each step returns code 0 to
// let the next one run.
func (s *Server) process(r *http.Request, f *form) (int, string) {
	pypi := s.mode == PyPI
	steps := []func() (int, string){
		func() (int, string) { return routeAction(f) },
		func() (int, string) { return sanitize(f) },
		func() (int, string) { return s.authenticate(r, pypi) },
		func() (int, string) { return checkMetadata(f, pypi) },
		func() (int, string) { return checkFileFields(f) },
		func() (int, string) { return s.checkContent(f) },
	}
	for _, step := range steps {
		if code, msg := step(); code != 0 {
			return code, msg
		}
	}
	return s.store(f, pypi)
}

// routeAction is the :action routing, which comes before the view.
func routeAction(f *form) (int, string) {
	switch action := f.get(":action"); action {
	case "file_upload":
		return 0, ""
	case "submit", "submit_pkg_info":
		return http.StatusGone, "Project pre-registration is no longer required or supported, upload your files instead."
	case "doc_upload":
		return http.StatusGone, "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."
	default:
		return http.StatusNotFound, "The resource could not be found."
	}
}

// sanitize is step 1: no file parts but the file, and "UNKNOWN" values
// dropped.
func sanitize(f *form) (int, string) {
	if f.tupleErr != "" {
		return http.StatusBadRequest, f.tupleErr
	}
	for k, vs := range f.values {
		var kept []string
		for _, v := range vs {
			if strings.TrimSpace(v) != "UNKNOWN" {
				kept = append(kept, v)
			}
		}
		f.values[k] = kept
	}
	return 0, ""
}

// authenticate is step 2.
func (s *Server) authenticate(r *http.Request, pypi bool) (int, string) {
	user, pass, ok := credentials(r)
	if !ok {
		return http.StatusForbidden, MsgInvalidAuth
	}
	if pypi && user != "__token__" {
		return http.StatusForbidden, MsgPasswordAuth
	}
	if err := s.auth(user, pass); err != nil {
		return http.StatusForbidden, err.Error()
	}
	return 0, ""
}

// checkMetadata is steps 3 to 5 for the metadata fields: the protocol
// version, single-valued fields (in precedence order metadata_version,
// name, version, then alphabetical), the metadata version, name and
// version, and fields newer than the metadata version.
func checkMetadata(f *form, pypi bool) (int, string) {
	if pv := f.get("protocol_version"); pv != "" && pv != "1" {
		return http.StatusBadRequest, MsgUnknownProtocol
	}
	for _, k := range precedence(f.values) {
		if singleFields[k] && len(f.values[k]) > 1 {
			return http.StatusBadRequest, seeMetadata(fmt.Sprintf("'%s' has invalid data", k))
		}
	}
	mv := f.get("metadata_version")
	if mv == "" {
		return http.StatusBadRequest, seeMetadata("'metadata-version' is a required field")
	}
	if !metadataVersions[mv] {
		return http.StatusBadRequest, seeMetadata(fmt.Sprintf("'%s' is not a valid metadata version", mv))
	}
	name := f.get("name")
	if !nameRe.MatchString(name) {
		return http.StatusBadRequest, fmt.Sprintf("'%s' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. See %s for more information.", abbreviate(name), coreMetadataURL)
	}
	ver := f.get("version")
	if ver == "" {
		return http.StatusBadRequest, seeMetadata("'version' is a required field")
	}
	pv, ok := parseVersion(ver)
	if !ok {
		return http.StatusBadRequest, seeMetadata(fmt.Sprintf("'%s' is invalid for 'version'", ver))
	}
	if pypi && pv.local {
		return http.StatusBadRequest, fmt.Sprintf("The use of local versions in '%s' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.", ver)
	}
	for _, k := range []string{"dynamic", "import_name", "import_namespace", "license_expression", "license_file"} {
		if len(f.values[k]) > 0 && versionLess(mv, introduced[k]) {
			return http.StatusBadRequest, seeMetadata(fmt.Sprintf("%s introduced in metadata version %s, not %s", strings.ReplaceAll(k, "_", "-"), introduced[k], mv))
		}
	}
	return 0, ""
}

// checkFileFields is the rest of steps 4 and 5: filetype, pyversion, the
// digests' form and the summary.
func checkFileFields(f *form) (int, string) {
	filetype := f.get("filetype")
	if filetype != "sdist" && filetype != "bdist_wheel" {
		return http.StatusBadRequest, "Invalid value for filetype. Error: Use a known file type."
	}
	switch py := f.get("pyversion"); {
	case filetype != "sdist" && py == "":
		return http.StatusBadRequest, "Invalid value for pyversion. Error: Python version is required for binary distribution uploads."
	case filetype == "sdist" && py != "" && py != "source":
		return http.StatusBadRequest, "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."
	}
	for _, d := range []struct{ field, algo string }{{"blake2_256_digest", "BLAKE2"}, {"md5_digest", "MD5"}, {"sha256_digest", "SHA256"}} {
		v := f.get(d.field)
		re := hex64
		if d.field == "md5_digest" {
			re = hex32
		}
		if v != "" && !re.MatchString(v) {
			return http.StatusBadRequest, fmt.Sprintf("Invalid value for %s. Error: Use a valid, hex-encoded, %s message digest.", d.field, d.algo)
		}
	}
	if f.get("md5_digest") == "" && f.get("sha256_digest") == "" && f.get("blake2_256_digest") == "" {
		return http.StatusBadRequest, "Error: Include at least one message digest."
	}
	if s := f.get("summary"); len([]rune(s)) > 512 || strings.ContainsAny(s, "\r\n") {
		return http.StatusBadRequest, seeMetadata("'summary' must be a single line of at most 512 characters")
	}
	return 0, ""
}

// checkContent is steps 6 and 14 to 17: the file part, its name,
// extension, content type, size and digests.
func (s *Server) checkContent(f *form) (int, string) {
	c := f.content
	if c == nil {
		return http.StatusBadRequest, MsgNoFile
	}
	fn, filetype := c.filename, f.get("filetype")
	for _, ch := range fn {
		if ch < 32 || ch == 127 {
			return http.StatusBadRequest, "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name."
		}
	}
	if strings.ContainsAny(fn, "/\\") {
		return http.StatusBadRequest, "Cannot upload a file with '/' or '\\' in the name."
	}
	lower := strings.ToLower(fn)
	ext := ""
	for _, e := range []string{".tar.gz", ".zip", ".whl"} {
		if strings.HasSuffix(lower, e) {
			ext = e
		}
	}
	switch {
	case ext == "":
		return http.StatusBadRequest, "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information"
	case (ext == ".whl") != (filetype == "bdist_wheel"):
		return http.StatusBadRequest, fmt.Sprintf("Invalid file extension: Extension %s is invalid for filetype %s. See https://www.python.org/dev/peps/pep-0527 for more information.", ext, filetype)
	}
	if ct := strings.ToLower(c.contentType); ct == "" || strings.HasPrefix(ct, "image/") {
		return http.StatusBadRequest, MsgInvalidFile
	}
	if c.size > s.maxSize {
		return http.StatusBadRequest, fmt.Sprintf("File too large. Limit for project '%s' is %d MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information.", f.get("name"), s.maxSize>>20)
	}
	if (f.get("sha256_digest") != "" && !strings.EqualFold(f.get("sha256_digest"), c.sha)) ||
		(f.get("blake2_256_digest") != "" && !strings.EqualFold(f.get("blake2_256_digest"), c.blake)) ||
		(f.get("md5_digest") != "" && !strings.EqualFold(f.get("md5_digest"), c.md)) {
		return http.StatusBadRequest, MsgDigestMismatch
	}
	return 0, ""
}

// store is steps 18 to 25 (duplicates, a reused name, one sdist per
// release, file names, attestations) and stores the file.
func (s *Server) store(f *form, pypi bool) (int, string) {
	c, name, ver, filetype := f.content, f.get("name"), f.get("version"), f.get("filetype")
	fn := c.filename
	s.mu.Lock()
	defer s.mu.Unlock()
	// 18. duplicates.
	for _, old := range s.files {
		if old.Filename != fn && (!pypi || old.Blake2 != c.blake) {
			continue
		}
		if !pypi {
			return http.StatusConflict, fmt.Sprintf("Package '%s' already exists!\n  You may start server with `--overwrite` option.", fn)
		}
		if old.Filename == fn && old.SHA256 == c.sha && old.Blake2 == c.blake {
			return http.StatusOK, ""
		}
		return http.StatusBadRequest, fmt.Sprintf("File already exists ('%s', with blake2_256 hash '%s'). See https://pypi.org/help/#file-name-reuse for more information.", fn, c.blake)
	}
	if pypi {
		if code, msg := s.pypiFileRules(fn, filetype, name, ver); code != 0 {
			return code, msg
		}
	}
	// 25. attestations.
	if att := f.get("attestations"); att != "" && s.verifyAtt != nil {
		if err := s.verifyAtt(fn, c.sha, []byte(att)); err != nil {
			return http.StatusBadRequest, "Invalid attestations supplied during upload: " + err.Error()
		}
	}
	// The display name follows the latest upload.
	for _, old := range s.files {
		if normalize(old.Project) == normalize(name) {
			old.Project = name
		}
	}
	s.seq++
	s.files = append(s.files, &File{Project: name, Version: ver, Filename: fn, Filetype: filetype, Size: c.size,
		SHA256: c.sha, Blake2: c.blake, MD5: c.md, Uploaded: time.Now().UTC(), content: c.data,
		Attestations: f.get("attestations"), seq: s.seq})
	return http.StatusOK, ""
}

// pypiFileRules is steps 19 to 24, PyPI's only; s.mu is held.
func (s *Server) pypiFileRules(fn, filetype, name, ver string) (int, string) {
	// 19. reuse of a deleted name.
	if s.deleted[fn] {
		return http.StatusBadRequest, MsgFilenameReused
	}
	// 21. one sdist per release.
	if filetype == "sdist" {
		for _, old := range s.files {
			if old.Filetype == "sdist" && normalize(old.Project) == normalize(name) && sameVersion(old.Version, ver) {
				return http.StatusBadRequest, MsgOneSdist
			}
		}
	}
	// 23/24. file names.
	if msg := checkFilename(fn, filetype, name, ver); msg != "" {
		return http.StatusBadRequest, msg
	}
	return 0, ""
}

func sameVersion(a, b string) bool {
	va, ok1 := parseVersion(a)
	vb, ok2 := parseVersion(b)
	if !ok1 || !ok2 {
		return a == b
	}
	return va.canon == vb.canon
}

func versionLess(a, b string) bool {
	var a1, a2, b1, b2 int
	fmt.Sscanf(a, "%d.%d", &a1, &a2)
	fmt.Sscanf(b, "%d.%d", &b1, &b2)
	return a1 < b1 || (a1 == b1 && a2 < b2)
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// precedence orders field names: metadata_version, name, version, then the
// rest alphabetically.
func precedence(values map[string][]string) []string {
	first := []string{"metadata_version", "name", "version"}
	var rest []string
	for k := range values {
		if k != "metadata_version" && k != "name" && k != "version" {
			rest = append(rest, k)
		}
	}
	sortStrings(rest)
	return append(first, rest...)
}

// checkFilename applies Warehouse's wheel and sdist (PEP 625) naming
// rules; "" means the name is fine.
func checkFilename(fn, filetype, project, ver string) string {
	norm := normalize(project)
	want := underscored(project)
	mv, _ := parseVersion(ver)
	if filetype == "bdist_wheel" {
		parts := strings.Split(strings.TrimSuffix(fn, fn[len(fn)-4:]), "-")
		if len(parts) != 5 && len(parts) != 6 {
			return fmt.Sprintf("Invalid wheel filename (wrong number of parts): '%s'", fn)
		}
		if normalize(parts[0]) != norm {
			return fmt.Sprintf("Start filename for '%s' with '%s'.", project, want)
		}
		if parts[0] != want {
			return fmt.Sprintf("Filename '%s' should contain the normalized project name '%s', not '%s'.", fn, want, parts[0])
		}
		fv, ok := parseVersion(parts[1])
		if !ok {
			return fmt.Sprintf("Invalid wheel filename (invalid version): '%s'", fn)
		}
		if fv.norm != mv.norm {
			return fmt.Sprintf("Version in filename should be '%s' not '%s'.", ver, parts[1])
		}
		return ""
	}
	stem := fn
	if l := strings.ToLower(fn); strings.HasSuffix(l, ".tar.gz") {
		stem = fn[:len(fn)-7]
	} else {
		stem = fn[:len(fn)-4]
	}
	i := strings.LastIndex(stem, "-")
	if i <= 0 {
		return "Invalid source distribution filename: " + fn
	}
	if normalize(stem[:i]) != norm {
		return fmt.Sprintf("Start filename for '%s' with '%s'.", project, want)
	}
	expected := want + "-" + mv.norm + ".tar.gz"
	if fn != expected {
		return fmt.Sprintf("Filename '%s' is invalid, should be '%s'.", fn, expected)
	}
	return ""
}
