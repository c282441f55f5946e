package publish

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/internal/retry"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

var token = Static{User: "__token__", Password: "pypi-test-token"}

func newTestClient(t *testing.T, url string, opts ...Option) *Client {
	t.Helper()
	c, err := New(url, append([]Option{fastRetry, WithCredentials(token), WithUserAgent("pypi-publish/test")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func toPublishFields(in []publishtest.Field) []Field {
	out := make([]Field, len(in))
	for i, f := range in {
		out[i] = Field(f)
	}
	return out
}

func TestUploadSendsTwineCompatibleRequest(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "wheel bytes")
	c := newTestClient(t, s.UploadURL())
	res, err := c.Upload(t.Context(), d, UploadOptions{})
	if err != nil {
		t.Fatalf("Upload() error = %v", err)
	}
	if res.StatusCode != 200 || res.Attempts != 1 {
		t.Errorf("Upload() = %+v, want status 200 after 1 attempt", res)
	}
	ups := s.Uploads()
	if len(ups) != 1 {
		t.Fatalf("server saw %d uploads, want 1", len(ups))
	}
	u := ups[0]
	if diff := cmp.Diff(Fields(d, UploadOptions{}), toPublishFields(u.Fields)); diff != "" {
		t.Errorf("fields on the wire mismatch (-want +got):\n%s", diff)
	}
	checks := []struct{ what, got, want string }{
		{"user", u.User, "__token__"},
		{"Accept", u.Header.Get("Accept"), "application/json;q=0.9, text/plain;q=0.8"},
		{"User-Agent", u.Header.Get("User-Agent"), "pypi-publish/test"},
		{"content type", u.ContentType, "application/octet-stream"},
		{"sha256", u.SHA256, d.Digests.SHA256},
		{"Authorization recorded", u.Header.Get("Authorization"), ""},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.what, ch.got, ch.want)
		}
	}
	if len(s.Files()) != 1 {
		t.Errorf("server holds %d files, want 1", len(s.Files()))
	}
}

const existsMsg = "File already exists ('demo_pkg-1.0-py3-none-any.whl', with blake2_256 hash '00'). See https://pypi.org/help/#file-name-reuse for more information."

// TestUploadFaults runs every scripted fault of publishtest against Upload
// (UP-04, UP-19, UP-20, UP-21, UP-22).
func TestUploadFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		mode         publishtest.Mode
		faults       []publishtest.Fault
		opts         []Option
		wantErr      error // nil = success
		wantStatus   int   // *Error status when failing
		wantAttempts int   // POSTs the server saw for the file
		wantStored   int
	}{
		{name: "two_503_then_ok", faults: []publishtest.Fault{publishtest.Unavailable(), publishtest.Unavailable()}, wantAttempts: 3, wantStored: 1},
		{name: "503_until_exhausted", faults: []publishtest.Fault{publishtest.Unavailable(), publishtest.Unavailable(), publishtest.Unavailable(), publishtest.Unavailable()},
			wantErr: &Error{}, wantStatus: 503, wantAttempts: 4},
		{name: "429_retry_after", faults: []publishtest.Fault{publishtest.TooMany("1")}, wantAttempts: 2, wantStored: 1},
		{name: "reset_mid_body", faults: []publishtest.Fault{publishtest.ResetMidBody()}, wantAttempts: 2, wantStored: 1},
		// The index reads the whole file, then takes longer than the idle
		// timeout to answer: the idle timer has stopped, the file is sent
		// once (issue 12: it used to be abandoned and sent again).
		{name: "slow_answer_not_resent", faults: []publishtest.Fault{publishtest.Slow(400 * time.Millisecond)}, opts: []Option{WithIdleTimeout(100 * time.Millisecond)}, wantAttempts: 1, wantStored: 1},
		// No answer within the answer timeout: the outcome is unknown and
		// the file is sent again (Publish asks the index first when it has
		// a simple API; here the identical re-upload is accepted).
		{name: "answer_timeout_retried", faults: []publishtest.Fault{publishtest.Slow(10 * time.Second)}, opts: []Option{WithIdleTimeout(100 * time.Millisecond), WithAnswerTimeout(100 * time.Millisecond)}, wantAttempts: 2, wantStored: 1},
		{name: "truncated_answer_stored_then_identical_reupload", faults: []publishtest.Fault{publishtest.TruncatedAnswer()}, wantAttempts: 2, wantStored: 1},
		{name: "accepted_then_503_identical_reupload", faults: []publishtest.Fault{publishtest.AcceptThen503()}, wantAttempts: 2, wantStored: 1},
		{name: "redirect_not_followed", faults: []publishtest.Fault{publishtest.RedirectTo("/elsewhere/")}, wantErr: ErrRedirect, wantStatus: 308, wantAttempts: 1},
		{name: "garbage_json_not_retried", faults: []publishtest.Fault{publishtest.Garbage(400)}, wantErr: &Error{}, wantStatus: 400, wantAttempts: 1},
		{name: "file_exists", faults: []publishtest.Fault{publishtest.Fail(400, existsMsg)}, wantErr: ErrFileExists, wantStatus: 400, wantAttempts: 1},
		{name: "forbidden", faults: []publishtest.Fault{publishtest.Fail(403, publishtest.MsgInvalidAuth)}, wantErr: &Error{}, wantStatus: 403, wantAttempts: 1},
		{name: "conflict_pypiserver", mode: publishtest.ThirdParty, faults: []publishtest.Fault{publishtest.Fail(409, "Package 'demo_pkg-1.0-py3-none-any.whl' already exists!\n  You may start server with `--overwrite` option.")}, wantErr: ErrFileExists, wantStatus: 409, wantAttempts: 1},
		{name: "bare_conflict_is_not_exists", mode: publishtest.ThirdParty, faults: []publishtest.Fault{publishtest.Fail(409, "Conflict")}, wantErr: &Error{}, wantStatus: 409, wantAttempts: 1},
		{name: "not_implemented_not_retried", faults: []publishtest.Fault{publishtest.Fail(501, "Not Implemented")}, wantErr: &Error{}, wantStatus: 501, wantAttempts: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := publishtest.New(publishtest.WithMode(tc.mode))
			defer s.Close()
			d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", strings.Repeat("wheel bytes ", 2000))
			s.Script(d.Filename, tc.faults...)
			c := newTestClient(t, s.UploadURL(), tc.opts...)
			res, err := c.Upload(t.Context(), d, UploadOptions{})
			switch want := tc.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("Upload() error = %v, want success", err)
				}
				if res.Attempts != tc.wantAttempts {
					t.Errorf("Result.Attempts = %d, want %d", res.Attempts, tc.wantAttempts)
				}
			case *Error:
				var he *Error
				if !errors.As(err, &he) || he.StatusCode != tc.wantStatus {
					t.Fatalf("Upload() error = %v, want an *Error with status %d", err, tc.wantStatus)
				}
				_ = want
			default:
				var he *Error
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &he) || he.StatusCode != tc.wantStatus {
					t.Fatalf("Upload() error = %v, want %v with status %d", err, tc.wantErr, tc.wantStatus)
				}
			}
			if err != nil && !strings.Contains(err.Error(), d.Filename) {
				t.Errorf("error %q does not name the file", err)
			}
			if got := len(s.Uploads()); got != tc.wantAttempts {
				t.Errorf("server saw %d POSTs, want %d", got, tc.wantAttempts)
			}
			if got := len(s.Files()); got != tc.wantStored {
				t.Errorf("server holds %d files, want %d", got, tc.wantStored)
			}
		})
	}
}

func TestUploadHonoursRetryAfterCapped(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	s.Script(d.Filename, publishtest.TooMany("3"), publishtest.TooMany("120"))
	var mu sync.Mutex
	var waits []time.Duration
	record := Option(func(o *options) {
		o.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		}
		o.jitter = func() float64 { return 0 }
	})
	c := newTestClient(t, s.UploadURL(), WithRetry(retry.Backoff{Attempts: 4, Min: time.Second, Max: 30 * time.Second}), record)
	var events []Event
	if _, err := c.upload(t.Context(), d, UploadOptions{}, hooks{event: func(e Event) { events = append(events, e) }}); err != nil {
		t.Fatalf("upload() error = %v", err)
	}
	if diff := cmp.Diff([]time.Duration{3 * time.Second, 30 * time.Second}, waits); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
	if len(events) != 2 || events[0].Kind != EventRetry || events[0].Attempt != 2 || events[0].Attempts != 4 {
		t.Errorf("events = %+v, want two retry events starting with attempt 2 of 4", events)
	}
}

// countingTransport fails the first n round trips with a transport error
// after draining the body, then answers 200; it checks each attempt's body.
type countingTransport struct {
	mu     sync.Mutex
	fail   int
	calls  int
	bodies []string
	auth   []string
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.bodies = append(c.bodies, string(b))
	c.auth = append(c.auth, r.Header.Get("Authorization"))
	if int64(len(b)) != r.ContentLength {
		return nil, errors.New("body length differs from ContentLength")
	}
	if c.calls <= c.fail {
		return nil, io.ErrUnexpectedEOF
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

var _ http.RoundTripper = (*countingTransport)(nil)

func TestUploadRetriesTransportErrorsWithSameBody(t *testing.T) {
	t.Parallel()
	rt := &countingTransport{fail: 2}
	c := newTestClient(t, "https://upload.example.org/legacy/", WithHTTPClient(&http.Client{Transport: rt}))
	d := projectDist(t, "demo_pkg-1.0.tar.gz", "1.0", "sdist bytes")
	res, err := c.Upload(t.Context(), d, UploadOptions{})
	if err != nil {
		t.Fatalf("Upload() error = %v", err)
	}
	if res.Attempts != 3 || rt.calls != 3 {
		t.Errorf("attempts = %d, round trips = %d, want 3 and 3", res.Attempts, rt.calls)
	}
	for i := 1; i < len(rt.bodies); i++ {
		if rt.bodies[i] != rt.bodies[0] {
			t.Errorf("attempt %d sent a different body", i+1)
		}
	}
	if !strings.Contains(rt.bodies[0], "sdist bytes") {
		t.Error("the file's bytes are not in the body")
	}
}

func TestUploadRefreshesExpiredToken(t *testing.T) {
	t.Parallel()
	var current atomic.Value
	current.Store("pypi-old")
	s := publishtest.New(publishtest.WithAuth(func(user, password string) error {
		if password != current.Load().(string) {
			return errors.New(publishtest.MsgTokenExpired)
		}
		return nil
	}))
	defer s.Close()
	current.Store("pypi-new")
	creds := &refreshing{password: "pypi-old", next: "pypi-new"}
	c := newTestClient(t, s.UploadURL(), WithCredentials(creds))
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	res, err := c.Upload(t.Context(), d, UploadOptions{})
	if err != nil {
		t.Fatalf("Upload() error = %v", err)
	}
	if !res.Refreshed || res.Attempts != 2 || creds.refreshes != 1 {
		t.Errorf("Result = %+v, refreshes = %d; want refreshed once, 2 attempts", res, creds.refreshes)
	}

	// A refresh that does not help fails with ErrTokenExpired (UP-09).
	current.Store("pypi-never")
	creds2 := &refreshing{password: "pypi-old", next: "pypi-newer"}
	c2 := newTestClient(t, s.UploadURL(), WithCredentials(creds2))
	d2 := projectDist(t, "demo_pkg-1.0.tar.gz", "1.0", "y")
	if _, err := c2.Upload(t.Context(), d2, UploadOptions{}); !errors.Is(err, ErrTokenExpired) || creds2.refreshes != 1 {
		t.Errorf("Upload() error = %v after %d refreshes, want ErrTokenExpired after 1", err, creds2.refreshes)
	}
}

type refreshing struct {
	mu        sync.Mutex
	password  string
	next      string
	refreshes int
}

func (r *refreshing) Credentials(context.Context) (string, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return "__token__", r.password, nil
}

func (r *refreshing) Refresh(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshes++
	r.password = r.next
	return nil
}

var (
	_ Credentials = (*refreshing)(nil)
	_ Refresher   = (*refreshing)(nil)
)

func TestCredentialsNeverSentToAnotherHost(t *testing.T) {
	t.Parallel()
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("credentials reached another host: %s %s", r.Method, r.URL)
		}
	}))
	defer other.Close()
	s := publishtest.New()
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	s.Script(d.Filename, publishtest.RedirectTo(other.URL+"/legacy/"))
	c := newTestClient(t, s.UploadURL())
	_, err := c.Upload(t.Context(), d, UploadOptions{})
	if !errors.Is(err, ErrRedirect) {
		t.Errorf("Upload() error = %v, want ErrRedirect", err)
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests, want 0", n)
	}
	if !strings.Contains(err.Error(), other.URL) {
		t.Errorf("error %q does not name the Location", err)
	}

	// The index client does not follow a redirect to another host either.
	redir := httptest.NewServer(http.RedirectHandler(other.URL+"/simple/demo-pkg/", http.StatusMovedPermanently))
	defer redir.Close()
	idx, err := NewIndex(redir.URL+"/simple/", fastRetry, WithCredentials(token))
	if err != nil {
		t.Fatal(err)
	}
	// Another host is another index: the project is not on this one.
	if files, err := idx.Files(t.Context(), "demo-pkg", nil); err != nil || len(files) != 0 {
		t.Errorf("Files() across hosts = %v, %v; want no files, no error", files, err)
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests, want 0", n)
	}
}

func TestUploadToLegacyWithoutSlash(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	c := newTestClient(t, s.URL()+"/legacy")
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	_, err := c.Upload(t.Context(), d, UploadOptions{})
	if !errors.Is(err, ErrRedirect) {
		t.Fatalf("Upload() error = %v, want ErrRedirect", err)
	}
	if !strings.Contains(err.Error(), "missing its trailing slash") || !strings.Contains(err.Error(), s.UploadURL()) {
		t.Errorf("error %q does not name the trailing-slash fix", err)
	}
	if sit := Classify(err); sit.ID != "UP-19" || !strings.Contains(sit.Hint, s.UploadURL()) {
		t.Errorf("Classify() = %+v, want UP-19 naming %s", sit, s.UploadURL())
	}
}

func TestUploadOverHTTP2ReadsJSONCode(t *testing.T) {
	t.Parallel()
	s := publishtest.New(publishtest.WithTLS())
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	s.Script(d.Filename, publishtest.Fail(400, existsMsg))
	c := newTestClient(t, s.UploadURL(), WithHTTPClient(s.Client()))
	_, err := c.Upload(t.Context(), d, UploadOptions{})
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("Upload() error = %v, want *Error", err)
	}
	if he.Message != existsMsg {
		t.Errorf("Message = %q, want %q", he.Message, existsMsg)
	}
	if !errors.Is(err, ErrFileExists) {
		t.Errorf("errors.Is(%v, ErrFileExists) = false", err)
	}
	// The next attempt is processed: a normal upload over HTTP/2.
	if res, err := c.Upload(t.Context(), d, UploadOptions{}); err != nil || res.StatusCode != 200 {
		t.Errorf("Upload() over HTTP/2 = %+v, %v; want 200", res, err)
	}
	if ups := s.Uploads(); ups[len(ups)-1].Header.Get("Content-Length") == "" && ups[len(ups)-1].Size == 0 {
		t.Errorf("upload over HTTP/2 not recorded: %+v", ups[len(ups)-1])
	}
}

func TestUploadCancelStopsAtOnce(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	s.Script(d.Filename, publishtest.Slow(time.Minute))
	c := newTestClient(t, s.UploadURL())
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.Upload(ctx, d, UploadOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Upload() error = %v, want context.Canceled", err)
	}
}

func TestUploadLocalErrorsNotRetried(t *testing.T) {
	t.Parallel()
	rt := &countingTransport{}
	c := newTestClient(t, "https://upload.example.org/legacy/", WithHTTPClient(&http.Client{Transport: rt}))
	d := projectDist(t, "demo_pkg-1.0.tar.gz", "1.0", "x")
	d.Path += ".missing"
	if _, err := c.Upload(t.Context(), d, UploadOptions{}); err == nil || rt.calls != 0 {
		t.Errorf("Upload() of a missing file: err = %v after %d round trips, want an error and none", err, rt.calls)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "ftp://x/legacy/", "https:///legacy/", "://bad"} {
		if _, err := New(u); err == nil {
			t.Errorf("New(%q): err = nil, want an error", u)
		}
	}
	if _, err := New("https://upload.pypi.org/legacy/", WithRetry(retry.Backoff{Min: time.Second, Max: time.Millisecond})); err == nil {
		t.Error("New with Min > Max: err = nil, want an error")
	}
	if _, err := New("http://localhost:8080/legacy/", nil, WithUserAgent("x/1")); err != nil {
		t.Errorf("New with a nil option: %v", err)
	}
}

func TestUploadDoesNotRetryUntrustedCertificate(t *testing.T) {
	t.Parallel()
	s := publishtest.New(publishtest.WithTLS())
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	c := newTestClient(t, s.UploadURL()) // the default client does not trust the test CA
	var events []Event
	_, err := c.upload(t.Context(), d, UploadOptions{}, hooks{event: func(e Event) { events = append(events, e) }})
	if err == nil || len(events) != 0 {
		t.Errorf("upload() = %v with %d retries, want a certificate error and no retry", err, len(events))
	}
}

// TestUploadKeepsNonLatin1Message: the status line and JSON code lose
// characters outside ISO-8859-1; the JSON message keeps them.
func TestUploadKeepsNonLatin1Message(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	const msg = "The name 'пакет' isn't allowed. See https://pypi.org/help/#project-name for more information."
	s.Script(d.Filename, publishtest.Fail(400, msg))
	_, err := newTestClient(t, s.UploadURL()).Upload(t.Context(), d, UploadOptions{})
	var he *Error
	if !errors.As(err, &he) || he.Message != msg {
		t.Errorf("Upload() error = %v, want the message %q", err, msg)
	}
}

// TestUploadMinRate checks the send limit of WithMinRate: an index that
// keeps reading, but only a little at a time, never trips the idle timer,
// so the attempt must end when the idle timeout plus the file's size at
// the minimum rate has passed. The idle timeout is long (8 s, limit 8.5 s)
// so that a loaded machine pausing the reader cannot trip the idle timer
// first.
func TestUploadMinRate(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 32<<10)
		for {
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := r.Body.Read(buf); err != nil {
				return
			}
		}
	}))
	// A small receive buffer and a 32 MiB file: far more than the socket
	// buffers take at once, so the sender has to wait for the reader
	// (640 KiB/s) and is still sending when the limit passes.
	srv.Listener = smallBufferListener{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: the handler returns, Close does not wait
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", strings.Repeat("x", 32<<20))
	c := newTestClient(t, srv.URL+"/legacy/", WithRetry(retry.Backoff{Attempts: 1, Min: time.Millisecond, Max: time.Millisecond}),
		WithIdleTimeout(8*time.Second), WithMinRate(64<<20), WithAnswerTimeout(time.Minute))
	_, err := c.Upload(t.Context(), d, UploadOptions{})
	if !errors.Is(err, errSendTooSlow) {
		t.Fatalf("Upload() error = %v, want the send limit (%v)", err, errSendTooSlow)
	}
}

// smallBufferListener gives each accepted connection a 64 KiB receive
// buffer.
type smallBufferListener struct{ net.Listener }

func (l smallBufferListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(64 << 10)
	}
	return c, err
}
