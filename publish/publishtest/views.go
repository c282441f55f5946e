package publishtest

import (
	"html"
	"net/http"
	"strings"
)

// The read views (the simple API, the JSON API and the Integrity API) show
// the stored files, changed by the faults below: what verify-after-upload
// meets when an index, or a cache in front of it, serves something other
// than what was uploaded.

// ProvenanceFault is what the Integrity API serves for a file.
type ProvenanceFault int

// The provenance faults.
const (
	// ProvenanceServed serves the provenance built from the upload (the
	// default).
	ProvenanceServed ProvenanceFault = iota
	// ProvenanceMissing answers 404 "No provenance available for <file>",
	// as Warehouse does for a file stored without attestations.
	ProvenanceMissing
	// ProvenanceForeignPublisher serves the uploaded attestations under
	// another publisher (GitHub mallory/other, workflow evil.yml).
	ProvenanceForeignPublisher
	// ProvenanceOther serves another attestation instead of the uploaded
	// one (its signature changed).
	ProvenanceOther
	// ProvenanceExtra serves the uploaded attestations and, in a second
	// bundle, another one (PEP 740 lets an index add attestations).
	ProvenanceExtra
	// ProvenanceDisabled answers 403 "Attestations temporarily disabled".
	ProvenanceDisabled
)

// ViewFault changes what the read views serve for one file.
type ViewFault struct {
	// Hide leaves the file out of the simple and JSON APIs; the Integrity
	// API does not know it.
	Hide bool
	// SHA256 and Size, when set, are listed instead of the real ones.
	SHA256 string
	Size   int64
	// Provenance is what the Integrity API serves.
	Provenance ProvenanceFault
	// Yanked marks the file yanked in the simple and JSON APIs (PEP 592,
	// PEP 691), with YankedReason as the reason when it is not empty.
	Yanked       bool
	YankedReason string
}

// yankedJSON is the simple API's "yanked" value: false, true, or the
// reason.
func (f ViewFault) yankedJSON() any {
	switch {
	case !f.Yanked:
		return false
	case f.YankedReason != "":
		return f.YankedReason
	}
	return true
}

// yankedAttr is the anchor attribute of a yanked file on a PEP 503 page,
// "" for one that is not yanked.
func (f ViewFault) yankedAttr() string {
	switch {
	case !f.Yanked:
		return ""
	case f.YankedReason != "":
		return ` data-yanked="` + html.EscapeString(f.YankedReason) + `"`
	}
	return " data-yanked"
}

// ScriptView sets the fault of the read views for filename; the zero
// ViewFault removes it.
func (s *Server) ScriptView(filename string, f ViewFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == (ViewFault{}) {
		delete(s.views, filename)
		return
	}
	s.views[filename] = f
}

// Stale makes the read views answer from a cache made now: files stored
// after this call are left out of the next n view requests that would have
// shown them (a request counts once, whatever it hides); then the views
// catch up. Requests that hide nothing do not count.
func (s *Server) Stale(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.staleLeft, s.staleSeq = n, s.seq
}

// Read records one request to a read view.
type Read struct {
	// Path is the request path; Status the answer's status code.
	Path   string
	Status int
	// Header holds the request headers without Authorization.
	Header http.Header
}

// Reads returns the requests to the read views (/simple/, /pypi/,
// /integrity/) so far, in arrival order.
func (s *Server) Reads() []Read {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Read(nil), s.reads...)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// recordRead wraps a read view's handler to record its requests.
func (s *Server) recordRead(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h(sw, r)
		hdr := r.Header.Clone()
		hdr.Del("Authorization")
		s.mu.Lock()
		s.reads = append(s.reads, Read{Path: r.URL.Path, Status: sw.status, Header: hdr})
		s.mu.Unlock()
	}
}

// viewFiles returns copies of the stored files that match, as the read
// views show them now: hidden and stale files left out, listed digests and
// sizes replaced. A request that leaves out a file because of Stale uses
// up one of its reads.
func (s *Server) viewFiles(match func(*File) bool) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	staleHid := false
	for _, f := range s.files {
		if !match(f) {
			continue
		}
		vf := s.views[f.Filename]
		if s.staleLeft > 0 && f.seq > s.staleSeq {
			staleHid = true
			continue
		}
		if vf.Hide {
			continue
		}
		c := *f
		if vf.SHA256 != "" {
			c.SHA256 = vf.SHA256
		}
		if vf.Size != 0 {
			c.Size = vf.Size
		}
		out = append(out, c)
	}
	if staleHid {
		s.staleLeft--
	}
	return out
}

// viewFault returns the fault scripted for filename.
func (s *Server) viewFault(filename string) ViewFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.views[filename]
}

// inProject matches the files of a normalized project name.
func inProject(name string) func(*File) bool {
	return func(f *File) bool { return normalize(f.Project) == name }
}

// splitPath splits a request path after prefix into its segments.
func splitPath(path, prefix string) []string {
	return strings.Split(strings.Trim(strings.TrimPrefix(path, prefix), "/"), "/")
}
