package publishtest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/blake2b"
)

// Mode selects the server's rules.
type Mode int

const (
	// PyPI applies Warehouse's rules (the default).
	PyPI Mode = iota
	// ThirdParty behaves like pypiserver: 409 for an existing file name,
	// no naming policy, standard reason phrases, any credentials.
	ThirdParty
)

// Messages the server answers with, verbatim from Warehouse.
const (
	MsgInvalidAuth     = "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information."
	MsgPasswordAuth    = "Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers"
	MsgTokenExpired    = "Invalid API Token: token is expired"
	MsgDigestMismatch  = "The digest supplied does not match a digest calculated from the uploaded file."
	MsgOneSdist        = "Only one sdist may be uploaded per release."
	MsgFilenameReused  = "This filename was previously used by a file that has since been deleted. Use a different version. See https://pypi.org/help/#file-name-reuse for more information."
	MsgInvalidFile     = "Invalid distribution file."
	MsgNoFile          = "Upload payload does not have a file."
	MsgUnknownProtocol = "Unknown protocol version."
	MsgTrailingSlash   = "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)"
)

// Refusal is an error whose text is sent to the client verbatim, e.g.
// Refusal(MsgTokenExpired) from a WithAuth check. Server messages keep
// Warehouse's capitalization and punctuation, so they are not ordinary Go
// error strings.
type Refusal string

func (r Refusal) Error() string { return string(r) }

// Option configures a Server.
type Option func(*Server)

// WithMode sets the rules; the default is PyPI.
func WithMode(m Mode) Option { return func(s *Server) { s.mode = m } }

// WithAuth sets the credential check, called with the Basic user and
// password of each upload (after the PyPI-mode refusal of users other than
// __token__). A non-nil error refuses the upload with 403 and the error's
// text as the message, e.g. MsgTokenExpired. The default accepts, in PyPI
// mode, any password starting with "pypi-" (else MsgInvalidAuth) and, in
// ThirdParty mode, anything.
func WithAuth(check func(user, password string) error) Option {
	return func(s *Server) { s.auth = check }
}

// WithHandler adds a route to the server's mux (e.g. "/_/oidc/" for the
// trusted-publishing fake).
func WithHandler(pattern string, h http.Handler) Option {
	return func(s *Server) { s.extra = append(s.extra, route{pattern, h}) }
}

// WithAttestationVerifier checks the "attestations" field of uploads that
// carry one; an error refuses the upload with 400 "Invalid attestations
// supplied during upload: <error>". By default attestations are recorded,
// not checked.
func WithAttestationVerifier(verify func(filename, sha256 string, attestations []byte) error) Option {
	return func(s *Server) { s.verifyAtt = verify }
}

// WithListener serves on l instead of a new loopback listener (main's demo
// command uses this). The server closes l on Close.
func WithListener(l net.Listener) Option { return func(s *Server) { s.listener = l } }

// WithTLS serves HTTPS with HTTP/2 enabled; use Client() for a client that
// trusts it. Over HTTP/2 there is no reason phrase, so clients must read
// the message from the body.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// WithMaxFileSize refuses larger files with Warehouse's "File too large"
// message. The default is 100 MiB, PyPI's default limit.
func WithMaxFileSize(n int64) Option { return func(s *Server) { s.maxSize = n } }

// WithStart controls whether New starts listening (default true). With
// false, use Handler() in a server of your own; URL() is then "".
func WithStart(start bool) Option { return func(s *Server) { s.noStart = !start } }

type route struct {
	pattern string
	h       http.Handler
}

// Field is one text field of a received upload form.
type Field struct {
	Name  string
	Value string
}

// Upload records one POST to the upload endpoint.
type Upload struct {
	// Attempt numbers the POSTs carrying this file name, from 1.
	Attempt  int
	Filename string
	// Fields are the text fields in wire order; the content part is not
	// included.
	Fields []Field
	// ContentType is the content part's Content-Type.
	ContentType string
	// Size and the digests describe the bytes received.
	Size                    int64
	SHA256, Blake2b256, MD5 string
	// User is the Basic user name ("" without authentication); the
	// password is never recorded.
	User string
	// Attestations is the attestations field ("" when absent).
	Attestations string
	// Header holds the request headers without Authorization.
	Header http.Header
	// Status and Message are the answer given.
	Status  int
	Message string
}

// Value returns the first value of a field and whether it was sent.
func (u Upload) Value(name string) (string, bool) {
	for _, f := range u.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// File is a file the server holds.
type File struct {
	Project  string // display name (the last uploaded "name")
	Version  string // as uploaded
	Filename string
	Filetype string // "sdist" or "bdist_wheel"
	Size     int64
	SHA256   string
	Blake2   string
	MD5      string
	Uploaded time.Time
	// Attestations is the attestations field it was uploaded with (a JSON
	// array; "" for none): the Integrity API builds its provenance from it.
	Attestations string
	content      []byte
	seq          int // order of storing, for Stale
}

// Server is the fake index. Its methods are safe for concurrent use.
type Server struct {
	mode      Mode
	auth      func(user, password string) error
	verifyAtt func(filename, sha256 string, att []byte) error
	extra     []route
	listener  net.Listener
	tls       bool
	noStart   bool
	maxSize   int64
	srv       *httptest.Server
	handler   http.Handler

	mu       sync.Mutex
	files    []*File
	deleted  map[string]bool
	uploads  []Upload
	attempts map[string]int
	script   map[string][]Fault

	// The read views (views.go).
	publisher *Publisher
	views     map[string]ViewFault
	seq       int // files stored so far
	staleLeft int
	staleSeq  int
	reads     []Read
}

// New returns a started server (see WithStart). It never panics on options.
func New(opts ...Option) *Server {
	s := &Server{
		maxSize:  100 << 20,
		deleted:  map[string]bool{},
		attempts: map[string]int{},
		script:   map[string][]Fault{},
		views:    map[string]ViewFault{},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.auth == nil {
		if s.mode == ThirdParty {
			s.auth = func(string, string) error { return nil }
		} else {
			s.auth = func(_, password string) error {
				if !strings.HasPrefix(password, "pypi-") {
					return Refusal(MsgInvalidAuth)
				}
				return nil
			}
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/legacy/", s.serveUpload)
	mux.HandleFunc("/legacy", s.serveLegacyNoSlash)
	mux.HandleFunc("/simple/", s.recordRead(s.serveSimple))
	mux.HandleFunc("/pypi/", s.recordRead(s.serveJSONAPI))
	mux.HandleFunc("/integrity/", s.recordRead(s.serveIntegrity))
	mux.HandleFunc("/files/", s.serveFile)
	for _, r := range s.extra {
		mux.Handle(r.pattern, r.h)
	}
	s.handler = mux
	if s.noStart {
		return s
	}
	s.srv = httptest.NewUnstartedServer(mux)
	if s.listener != nil {
		s.srv.Listener.Close()
		s.srv.Listener = s.listener
	}
	if s.tls {
		s.srv.EnableHTTP2 = true
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	return s
}

// URL is the server's base URL, e.g. "http://127.0.0.1:34567".
func (s *Server) URL() string {
	if s.srv == nil {
		return ""
	}
	return s.srv.URL
}

// UploadURL is URL() + "/legacy/".
func (s *Server) UploadURL() string { return s.URL() + "/legacy/" }

// SimpleURL is URL() + "/simple/", the simple API root.
func (s *Server) SimpleURL() string { return s.URL() + "/simple/" }

// Handler returns the server's handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Client returns an HTTP client for the server (trusting its certificate
// with WithTLS).
func (s *Server) Client() *http.Client {
	if s.srv == nil {
		return http.DefaultClient
	}
	return s.srv.Client()
}

// Close shuts the server down.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// Uploads returns every upload received so far, in arrival order.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// Files returns the files the server holds, sorted by name.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Filename < out[j].Filename })
	return out
}

// Seed stores a file as if it had been uploaded, bypassing all checks.
func (s *Server) Seed(project, version, filename string, content []byte) File {
	f := &File{Project: project, Version: version, Filename: filename, Size: int64(len(content)), Uploaded: time.Now().UTC(), content: content}
	f.SHA256, f.Blake2, f.MD5 = digests(content)
	f.Filetype = "bdist_wheel"
	if !strings.HasSuffix(strings.ToLower(filename), ".whl") {
		f.Filetype = "sdist"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	f.seq = s.seq
	s.files = append(s.files, f)
	return *f
}

// Delete removes a file; its name can never be uploaded again (PyPI mode).
func (s *Server) Delete(filename string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.files {
		if f.Filename == filename {
			s.files = append(s.files[:i], s.files[i+1:]...)
			break
		}
	}
	s.deleted[filename] = true
}

func digests(b []byte) (sha, blake, md string) {
	s := sha256.Sum256(b)
	bl := blake2b.Sum256(b)
	m := md5.Sum(b)
	return hex.EncodeToString(s[:]), hex.EncodeToString(bl[:]), hex.EncodeToString(m[:])
}

var _ error = Refusal("")
