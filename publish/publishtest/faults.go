package publishtest

import (
	"net/http"
	"time"
)

// FaultKind is what a scripted attempt does.
type FaultKind int

// The fault kinds.
const (
	// Pass processes the upload normally.
	Pass FaultKind = iota
	// Status answers Status with Message (rendered like the server's other
	// errors) and, if set, a Retry-After header. Nothing is stored.
	Status
	// Reset closes the connection after reading part of the file.
	Reset
	// SlowHeaders waits Delay (or until the client gives up) before
	// processing the upload normally.
	SlowHeaders
	// Truncated processes (and stores) the upload, then sends a cut-off
	// status line and closes the connection: the outcome is unknown to the
	// client.
	Truncated
	// Redirect answers Status (default 308) with Location.
	Redirect
	// GarbageJSON answers Status (default 400) with an application/json
	// body that is not JSON.
	GarbageJSON
	// StoreThen503 stores a valid upload, then answers 503.
	StoreThen503
	// StoreThenSlow processes (and stores) the upload, then waits Delay
	// (or until the client gives up) before it answers: an index that
	// takes long to answer a file it already has.
	StoreThenSlow
)

// Fault is one scripted answer.
type Fault struct {
	Kind       FaultKind
	Status     int
	Message    string
	RetryAfter string
	Delay      time.Duration
	Location   string
}

// Script sets the answers for the attempts at uploading filename: attempt n
// (counting from the first POST of that name) gets faults[n-1]; later
// attempts are processed normally. The file name "*" scripts every file that
// has no script of its own. A later call replaces the script.
func (s *Server) Script(filename string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[filename] = faults
}

// fault returns the scripted fault for an attempt.
func (s *Server) fault(filename string, attempt int) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.script[filename]
	if !ok {
		f = s.script["*"]
	}
	if attempt-1 < len(f) {
		return f[attempt-1]
	}
	return Fault{}
}

// Fault constructors for the common cases.

// Fail answers code with msg.
func Fail(code int, msg string) Fault { return Fault{Kind: Status, Status: code, Message: msg} }

// Unavailable answers 503 Service Unavailable.
func Unavailable() Fault {
	return Fault{Kind: Status, Status: http.StatusServiceUnavailable, Message: http.StatusText(http.StatusServiceUnavailable)}
}

// TooMany answers 429 with the given Retry-After value.
func TooMany(retryAfter string) Fault {
	return Fault{Kind: Status, Status: http.StatusTooManyRequests, Message: "Too many requests", RetryAfter: retryAfter}
}

// ResetMidBody closes the connection in the middle of the file.
func ResetMidBody() Fault { return Fault{Kind: Reset} }

// Slow delays the answer by d.
func Slow(d time.Duration) Fault { return Fault{Kind: SlowHeaders, Delay: d} }

// TruncatedAnswer stores the file and cuts the answer off.
func TruncatedAnswer() Fault { return Fault{Kind: Truncated} }

// RedirectTo answers 308 with Location loc.
func RedirectTo(loc string) Fault {
	return Fault{Kind: Redirect, Status: http.StatusPermanentRedirect, Location: loc}
}

// Garbage answers code with a broken JSON body.
func Garbage(code int) Fault { return Fault{Kind: GarbageJSON, Status: code} }

// AcceptThen503 stores the file and answers 503.
func AcceptThen503() Fault { return Fault{Kind: StoreThen503} }

// SlowAfterStore stores the file and answers after d.
func SlowAfterStore(d time.Duration) Fault { return Fault{Kind: StoreThenSlow, Delay: d} }
