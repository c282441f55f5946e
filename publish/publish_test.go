package publish

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	wheel := &dist.Distribution{Filename: "p-1.0-py3-none-any.whl", Kind: dist.Wheel, Digests: dist.Digests{SHA256: "aa"}, Metadata: meta("Name: p", "Version: 1.0")}
	sdist := &dist.Distribution{Filename: "p-1.0.tar.gz", Kind: dist.Sdist, Digests: dist.Digests{SHA256: "bb"}, Metadata: meta("Name: p", "Version: 1.0")}
	cases := []struct {
		name       string
		d          *dist.Distribution
		remote     []RemoteFile
		want       verdict
		wantRemote string
		wantIs     error
	}{
		{"absent", wheel, []RemoteFile{{"p-0.9-py3-none-any.whl", "cc", -1, false, ""}}, absent, "", nil},
		{"identical", wheel, []RemoteFile{{"p-1.0-py3-none-any.whl", "AA", -1, false, ""}}, identical, "", nil},
		{"different_bytes", wheel, []RemoteFile{{"p-1.0-py3-none-any.whl", "cc", -1, false, ""}}, conflict, "", ErrFileExists},
		{"no_hash_listed_server_decides", wheel, []RemoteFile{{"p-1.0-py3-none-any.whl", "", -1, false, ""}}, absent, "", nil},
		{"second_sdist_same_version", sdist, []RemoteFile{{"p-1.0.0.zip", "cc", -1, false, ""}}, conflict, "p-1.0.0.zip", ErrOneSdist},
		{"sdist_other_version", sdist, []RemoteFile{{"p-1.1.tar.gz", "cc", -1, false, ""}}, absent, "", nil},
		{"wheel_beside_existing_sdist", wheel, []RemoteFile{{"p-1.0.tar.gz", "cc", -1, false, ""}}, absent, "", nil},
		{"sdist_identical", sdist, []RemoteFile{{"p-1.0.tar.gz", "bb", -1, false, ""}}, identical, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ee := decide(tc.d, tc.remote)
			if got != tc.want {
				t.Errorf("decide() = %v, want %v", got, tc.want)
			}
			if tc.wantIs != nil && (ee == nil || !errors.Is(ee, tc.wantIs) || ee.Remote != tc.wantRemote) {
				t.Errorf("decide() error = %v, want %v with remote %q", ee, tc.wantIs, tc.wantRemote)
			}
		})
	}
}

type outcomeSummary struct {
	File   string
	Status Status
}

func summarize(out []Outcome) []outcomeSummary {
	var s []outcomeSummary
	for _, o := range out {
		s = append(s, outcomeSummary{o.Dist.Filename, o.Status})
	}
	return s
}

// threeDists is one release: two wheels and an sdist of demo-pkg 1.0.
func threeDists(t *testing.T) []*dist.Distribution {
	return []*dist.Distribution{
		projectDist(t, "demo_pkg-1.0-py2-none-any.whl", "1.0", "wheel two"),
		projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "wheel three"),
		projectDist(t, "demo_pkg-1.0.tar.gz", "1.0", "sdist"),
	}
}

type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) kinds(kind string) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for _, e := range l.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// TestPublishPrecheck is the decision table of the existing-file check
// (UP-02, UP-03, UP-04, UP-06).
func TestPublishPrecheck(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		seed      func(s *publishtest.Server, ds []*dist.Distribution)
		skip      bool
		want      []Status
		wantErr   error
		wantPosts int
		wantWarn  int
	}{
		{name: "unknown_project_uploads_all", seed: func(*publishtest.Server, []*dist.Distribution) {},
			want: []Status{StatusUploaded, StatusUploaded, StatusUploaded}, wantPosts: 3},
		{name: "identical_skipped_without_skip_existing", seed: func(s *publishtest.Server, ds []*dist.Distribution) {
			s.Seed("demo-pkg", "1.0", ds[0].Filename, []byte("wheel two"))
		}, want: []Status{StatusSkippedIdentical, StatusUploaded, StatusUploaded}, wantPosts: 2},
		{name: "different_bytes_stop_before_any_upload", seed: func(s *publishtest.Server, ds []*dist.Distribution) {
			s.Seed("demo-pkg", "1.0", ds[1].Filename, []byte("other bytes"))
		}, want: []Status{StatusNotAttempted, StatusFailed, StatusNotAttempted}, wantErr: ErrFileExists, wantPosts: 0},
		{name: "different_bytes_skipped_with_warning", skip: true, seed: func(s *publishtest.Server, ds []*dist.Distribution) {
			s.Seed("demo-pkg", "1.0", ds[1].Filename, []byte("other bytes"))
		}, want: []Status{StatusUploaded, StatusSkippedExisting, StatusUploaded}, wantPosts: 2, wantWarn: 1},
		{name: "second_sdist_stops", seed: func(s *publishtest.Server, ds []*dist.Distribution) {
			s.Seed("demo-pkg", "1.0", "demo_pkg-1.0.0.zip", []byte("zip sdist"))
		}, want: []Status{StatusNotAttempted, StatusNotAttempted, StatusFailed}, wantErr: ErrOneSdist, wantPosts: 0},
		{name: "second_sdist_skipped", skip: true, seed: func(s *publishtest.Server, ds []*dist.Distribution) {
			s.Seed("demo-pkg", "1.0", "demo_pkg-1.0.0.zip", []byte("zip sdist"))
		}, want: []Status{StatusUploaded, StatusUploaded, StatusSkippedExisting}, wantPosts: 2, wantWarn: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := publishtest.New()
			defer s.Close()
			ds := threeDists(t)
			tc.seed(s, ds)
			idx, err := NewIndex(s.SimpleURL(), fastRetry)
			if err != nil {
				t.Fatal(err)
			}
			var log eventLog
			out, err := Publish(t.Context(), newTestClient(t, s.UploadURL()), ds, PublishOptions{Index: idx, SkipExisting: tc.skip, OnEvent: log.add})
			var got []Status
			for _, o := range out {
				got = append(got, o.Status)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statuses mismatch (-want +got):\n%s", diff)
			}
			if (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Errorf("Publish() error = %v, want %v", err, tc.wantErr)
			}
			if n := len(s.Uploads()); n != tc.wantPosts {
				t.Errorf("server saw %d POSTs, want %d", n, tc.wantPosts)
			}
			warns := log.kinds(EventWarning)
			if len(warns) != tc.wantWarn {
				t.Errorf("got %d warning events, want %d: %+v", len(warns), tc.wantWarn, warns)
			}
			for _, w := range warns {
				if strings.Contains(w.Message, "different contents") && (!strings.Contains(w.Message, ds[1].Digests.SHA256) || !strings.Contains(w.Message, "new version")) {
					t.Errorf("warning %q lacks the local digest or the fix", w.Message)
				}
			}
		})
	}
}

// staleIndex serves 404 for the first n simple-API requests (a stale CDN
// cache), then the real pages of h.
func staleIndex(t *testing.T, h http.Handler, n int32) string {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/simple/"
}

// TestPublishSettlesAnswers covers settling answers by hash: "already
// exists" answers settled by hash, never by text alone (UP-03..UP-06, UP-21).
func TestPublishSettlesAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		mode     publishtest.Mode
		pypi     bool   // client applies PyPI rules
		seed     []byte // bytes already on the server for the wheel
		fault    *publishtest.Fault
		deleted  bool
		index    bool // a stale index (first listing empty)
		skip     bool
		want     Status
		wantIs   error
		wantNote string
	}{
		{name: "third_party_409_identical_is_success", mode: publishtest.ThirdParty, seed: []byte("wheel two"), index: true, want: StatusSkippedIdentical},
		{name: "third_party_409_different_fails_with_digests", mode: publishtest.ThirdParty, seed: []byte("older"), index: true, want: StatusFailed, wantIs: ErrFileExists},
		{name: "third_party_409_different_skipped", mode: publishtest.ThirdParty, seed: []byte("older"), index: true, skip: true, want: StatusSkippedExisting, wantNote: "different contents"},
		{name: "third_party_409_no_index_fails", mode: publishtest.ThirdParty, seed: []byte("older"), want: StatusFailed, wantIs: ErrFileExists},
		{name: "third_party_409_no_index_skipped", mode: publishtest.ThirdParty, seed: []byte("older"), skip: true, want: StatusSkippedExisting, wantNote: "already exists"},
		{name: "pypi_exists_different_no_index_fails", seed: []byte("older"), want: StatusFailed, wantIs: ErrFileExists},
		{name: "pypi_exists_stale_index_then_digests", seed: []byte("older"), index: true, skip: true, want: StatusSkippedExisting, wantNote: "different contents"},
		{name: "pypi_409_is_name_conflict_even_with_skip", pypi: true, fault: &publishtest.Fault{Kind: publishtest.Status, Status: 409, Message: "The name 'demo-pkg' conflicts with an existing project. See https://pypi.org/help/#project-name for more information."}, skip: true, want: StatusFailed},
		{name: "filename_reuse_fails_even_with_skip", deleted: true, skip: true, want: StatusFailed, wantIs: ErrFilenameReused},
		{name: "one_sdist_answer_skipped", fault: &publishtest.Fault{Kind: publishtest.Status, Status: 400, Message: publishtest.MsgOneSdist}, skip: true, want: StatusSkippedExisting},
		{name: "one_sdist_answer_fails", fault: &publishtest.Fault{Kind: publishtest.Status, Status: 400, Message: publishtest.MsgOneSdist}, want: StatusFailed, wantIs: ErrOneSdist},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := publishtest.New(publishtest.WithMode(tc.mode))
			defer s.Close()
			d := projectDist(t, "demo_pkg-1.0-py2-none-any.whl", "1.0", "wheel two")
			if tc.seed != nil {
				s.Seed("demo-pkg", "1.0", d.Filename, tc.seed)
			}
			if tc.deleted {
				s.Delete(d.Filename)
			}
			if tc.fault != nil {
				s.Script(d.Filename, *tc.fault)
			}
			o := PublishOptions{SkipExisting: tc.skip}
			if tc.index {
				idx, err := NewIndex(staleIndex(t, s.Handler(), 1), fastRetry)
				if err != nil {
					t.Fatal(err)
				}
				o.Index = idx
			}
			out, err := Publish(t.Context(), newTestClient(t, s.UploadURL(), WithPyPIRules(tc.pypi)), []*dist.Distribution{d}, o)
			if got := out[0].Status; got != tc.want {
				t.Fatalf("status = %v (err %v), want %v", got, out[0].Err, tc.want)
			}
			if (tc.want == StatusFailed) != (err != nil) {
				t.Errorf("Publish() error = %v, want an error only for failures", err)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("Publish() error = %v, want %v", err, tc.wantIs)
			}
			if !strings.Contains(out[0].Note, tc.wantNote) {
				t.Errorf("Note = %q, want it to contain %q", out[0].Note, tc.wantNote)
			}
			var ee *ExistsError
			if errors.As(err, &ee) && (ee.LocalSHA256 != d.Digests.SHA256 || ee.RemoteSHA256 == "") {
				t.Errorf("ExistsError = %+v, want both digests", ee)
			}
		})
	}
}

// TestPublishOutcomeUnknown: a file stored but answered 503 is found by hash
// before the retry and not sent again.
func TestPublishOutcomeUnknown(t *testing.T) {
	t.Parallel()
	for _, fault := range []publishtest.Fault{publishtest.AcceptThen503(), publishtest.TruncatedAnswer()} {
		s := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
		d := projectDist(t, "demo_pkg-1.0-py2-none-any.whl", "1.0", "wheel two")
		s.Script(d.Filename, fault)
		idx, err := NewIndex(s.SimpleURL(), fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Publish(t.Context(), newTestClient(t, s.UploadURL()), []*dist.Distribution{d}, PublishOptions{Index: idx})
		if err != nil {
			t.Fatalf("Publish() error = %v", err)
		}
		if out[0].Status != StatusUploaded || out[0].Result == nil || !out[0].Result.Confirmed {
			t.Errorf("outcome = %+v, want uploaded and confirmed by the index", out[0])
		}
		if n := len(s.Uploads()); n != 1 {
			t.Errorf("server saw %d POSTs, want 1 (the file must not be sent twice)", n)
		}
		s.Close()
	}
}

// TestPublishAnswerLost: after an attempt whose answer was lost, a retry
// answered "already exists" is the previous attempt's upload (UP-29):
// confirmed by hash with a simple API, reported as probable with a warning
// without one; an index slower than the answer timeout is asked before the
// file is sent again.
func TestPublishAnswerLost(t *testing.T) {
	t.Parallel()
	t.Run("no_simple_api", func(t *testing.T) {
		t.Parallel()
		s := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
		defer s.Close()
		d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "wheel bytes")
		s.Script(d.Filename, publishtest.AcceptThen503())
		var events []Event
		out, err := Publish(t.Context(), newTestClient(t, s.UploadURL()), []*dist.Distribution{d}, PublishOptions{OnEvent: func(e Event) { events = append(events, e) }})
		if err != nil {
			t.Fatalf("Publish() error = %v", err)
		}
		if out[0].Status != StatusUploaded || !out[0].Result.Probable || !strings.Contains(out[0].Note, "probably uploaded by the previous attempt") {
			t.Errorf("outcome = %+v, want uploaded, probably by the previous attempt", out[0])
		}
		warned := false
		for _, e := range events {
			warned = warned || (e.Kind == EventProbable && strings.Contains(e.Message, "Not confirmed by hash"))
		}
		if !warned {
			t.Errorf("no warning that the upload is not confirmed: %+v", events)
		}
	})
	t.Run("slow_index_asked_first", func(t *testing.T) {
		t.Parallel()
		s := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
		defer s.Close()
		d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "wheel bytes")
		s.Script(d.Filename, publishtest.SlowAfterStore(10*time.Second))
		idx, err := NewIndex(s.SimpleURL(), fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		c := newTestClient(t, s.UploadURL(), WithAnswerTimeout(200*time.Millisecond))
		out, err := Publish(t.Context(), c, []*dist.Distribution{d}, PublishOptions{Index: idx})
		if err != nil {
			t.Fatalf("Publish() error = %v", err)
		}
		if out[0].Status != StatusUploaded || !out[0].Result.Confirmed || !strings.Contains(out[0].Note, "probably uploaded by the previous attempt") {
			t.Errorf("outcome = %+v, want uploaded and confirmed by hash", out[0])
		}
		if n := len(s.Uploads()); n != 1 {
			t.Errorf("server saw %d POSTs, want 1 (the slow index must not get the file twice)", n)
		}
	})
}

func TestPublishStopsAtFirstFailure(t *testing.T) {
	t.Parallel()
	for _, conc := range []int{1, 4} {
		t.Run(fmt.Sprint("concurrency_", conc), func(t *testing.T) {
			t.Parallel()
			s := publishtest.New()
			defer s.Close()
			ds := threeDists(t)
			s.Script(ds[0].Filename, publishtest.Fail(403, publishtest.MsgInvalidAuth))
			out, err := Publish(t.Context(), newTestClient(t, s.UploadURL()), ds, PublishOptions{Concurrency: conc})
			want := []outcomeSummary{{ds[0].Filename, StatusFailed}, {ds[1].Filename, StatusNotAttempted}, {ds[2].Filename, StatusNotAttempted}}
			if diff := cmp.Diff(want, summarize(out)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			if Classify(err).ID != "UP-08" {
				t.Errorf("Classify(%v) = %+v, want UP-08", err, Classify(err))
			}
		})
	}
}

func TestPublishConcurrency(t *testing.T) {
	t.Parallel()
	s := publishtest.New(publishtest.WithStart(false))
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		s.Handler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	var ds []*dist.Distribution
	for i := range 7 {
		ds = append(ds, projectDist(t, fmt.Sprintf("demo_pkg-1.0-py%d-none-any.whl", i), "1.0", fmt.Sprint("wheel ", i)))
	}
	var log eventLog
	out, err := Publish(t.Context(), newTestClient(t, srv.URL+"/legacy/"), ds, PublishOptions{Concurrency: 3, OnEvent: log.add})
	if err != nil {
		t.Fatalf("Publish() error = %v", err)
	}
	for i, o := range out {
		if o.Dist != ds[i] || o.Status != StatusUploaded {
			t.Errorf("outcome %d = %s %s, want %s uploaded", i, o.Dist.Filename, o.Status, ds[i].Filename)
		}
	}
	if ups := s.Uploads(); len(ups) != 7 || ups[0].Filename != ds[0].Filename {
		t.Errorf("server saw %d uploads starting with %q, want 7 starting with the first file", len(ups), ups[0].Filename)
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak uploads in flight = %d, want 2..3", p)
	}
	if n := len(log.kinds(EventStart)); n != 7 {
		t.Errorf("%d start events, want 7", n)
	}
	if n := len(log.kinds(EventDone)); n != 7 {
		t.Errorf("%d done events, want 7", n)
	}
}

func TestPublishCancel(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	ds := threeDists(t)
	s.Script(ds[0].Filename, publishtest.Slow(time.Minute))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	out, err := Publish(ctx, newTestClient(t, s.UploadURL()), ds, PublishOptions{Concurrency: 2})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Publish() error = %v, want context.Canceled", err)
	}
	want := []outcomeSummary{{ds[0].Filename, StatusFailed}, {ds[1].Filename, StatusNotAttempted}, {ds[2].Filename, StatusNotAttempted}}
	if diff := cmp.Diff(want, summarize(out)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(out[0].Err, context.Canceled) {
		t.Errorf("in-flight file error = %v, want context.Canceled", out[0].Err)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("Publish took %v after cancellation", el)
	}
}

func TestPublishSendsAttestations(t *testing.T) {
	t.Parallel()
	var verified atomic.Int32
	s := publishtest.New(publishtest.WithAttestationVerifier(func(filename, sha string, att []byte) error {
		verified.Add(1)
		if !strings.HasPrefix(string(att), "[") {
			return errors.New("not a JSON array")
		}
		return nil
	}))
	defer s.Close()
	ds := threeDists(t)
	att := map[string][]byte{ds[0].Filename: []byte(`[{"version":1}]`), ds[1].Filename: []byte(`{}`)}
	out, err := Publish(t.Context(), newTestClient(t, s.UploadURL()), ds, PublishOptions{Attestations: att})
	if err == nil || out[1].Status != StatusFailed || Classify(err).ID != "UP-12" {
		t.Fatalf("Publish() = %v, %v; want the second file refused with UP-12", summarize(out), err)
	}
	if got := s.Uploads()[0].Attestations; got != `[{"version":1}]` {
		t.Errorf("attestations field = %q", got)
	}
	if verified.Load() != 2 {
		t.Errorf("verifier called %d times, want 2", verified.Load())
	}
}

func TestPublishEmptyAndNil(t *testing.T) {
	t.Parallel()
	out, err := Publish(t.Context(), newTestClient(t, "https://upload.example.org/legacy/"), nil, PublishOptions{})
	if err != nil || len(out) != 0 {
		t.Errorf("Publish(nil) = %v, %v; want nothing", out, err)
	}
	if _, err := Publish(t.Context(), nil, nil, PublishOptions{}); err == nil {
		t.Error("Publish with a nil client: err = nil")
	}
	if _, err := Publish(t.Context(), newTestClient(t, "https://upload.example.org/legacy/"), []*dist.Distribution{nil}, PublishOptions{}); err == nil {
		t.Error("Publish with a nil distribution: err = nil")
	}
}

// TestPublish_uncertainFirstAndAlone: a file whose acceptance cannot be
// predicted goes first and alone; when the index refuses it, nothing else
// of the release has been sent (issue 13). Wheels still go before sdists.
func TestPublish_uncertainFirstAndAlone(t *testing.T) {
	t.Parallel()
	const (
		sd   = "demo_pkg-1.0.tar.gz"
		pure = "demo_pkg-1.0-py3-none-any.whl"
		w312 = "demo_pkg-1.0-cp312-cp312-win_amd64.whl"
		w313 = "demo_pkg-1.0-cp313-cp313-win_amd64.whl"
	)
	cases := []struct {
		name     string
		newer    string // Metadata-Version of w312; the fake refuses 2.6 as PyPI does
		wantSent []string
		want     []outcomeSummary
	}{
		{
			name: "refused_first_nothing_else_sent", newer: "2.6",
			wantSent: []string{w312},
			want:     []outcomeSummary{{sd, StatusNotAttempted}, {pure, StatusNotAttempted}, {w312, StatusFailed}, {w313, StatusNotAttempted}},
		},
		{
			name: "accepted_then_the_rest_in_upload_order", newer: "2.4",
			wantSent: []string{w312, w313, pure, sd},
			want:     []outcomeSummary{{sd, StatusUploaded}, {pure, StatusUploaded}, {w312, StatusUploaded}, {w313, StatusUploaded}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := publishtest.New()
			defer srv.Close()
			c, err := New(srv.UploadURL(), WithCredentials(Static{User: "__token__", Password: "pypi-x"}), fastRetry)
			if err != nil {
				t.Fatal(err)
			}
			dists := []*dist.Distribution{
				projectDist(t, sd, "1.0", "sdist"),
				projectDist(t, pure, "1.0", "wheel"),
				// Uncertain: a newer Metadata-Version, or a field no
				// version defines (not sent; PyPI may one day read it).
				writeDist(t, w312, []byte("w312"), "Metadata-Version: "+tc.newer, "Name: demo-pkg", "Version: 1.0", "X-Future: 1"),
				writeDist(t, w313, []byte("w313"), "Metadata-Version: 2.4", "Name: demo-pkg", "Version: 1.0", "X-Future: 1"),
			}
			out, err := Publish(context.Background(), c, dists, PublishOptions{Concurrency: 4})
			if failed := tc.newer == "2.6"; (err != nil) != failed {
				t.Fatalf("Publish() error = %v, want failure %v", err, failed)
			}
			if diff := cmp.Diff(tc.want, summarize(out)); diff != "" {
				t.Errorf("outcomes mismatch (-want +got):\n%s", diff)
			}
			var sent []string
			for _, u := range srv.Uploads() {
				sent = append(sent, u.Filename)
			}
			// With concurrency 4 the certain files may arrive in any
			// order; the uncertain ones come first, one at a time.
			if len(sent) == 4 {
				sent = append(sent[:2], sortedCopy(sent[2:])...)
				tc.wantSent = append(tc.wantSent[:2], sortedCopy(tc.wantSent[2:])...)
			}
			if diff := cmp.Diff(tc.wantSent, sent); diff != "" {
				t.Errorf("uploads received mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
