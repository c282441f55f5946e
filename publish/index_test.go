package publish

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

func TestIndexFiles(t *testing.T) {
	t.Parallel()
	s := publishtest.New()
	defer s.Close()
	a := s.Seed("Demo.Pkg", "1.0", "demo_pkg-1.0.tar.gz", []byte("a"))
	b := s.Seed("demo_pkg", "1.0", "demo_pkg-1.0-py3-none-any.whl", []byte("b"))
	idx, err := NewIndex(s.SimpleURL(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	want := []RemoteFile{{b.Filename, b.SHA256, 1, false, ""}, {a.Filename, a.SHA256, 1, false, ""}}
	for _, name := range []string{"demo-pkg", "Demo_Pkg", "demo.pkg"} {
		got, err := idx.Files(t.Context(), name, nil)
		if err != nil {
			t.Fatalf("Files(%q) error = %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Files(%q) mismatch (-want +got):\n%s", name, diff)
		}
	}
	got, err := idx.Files(t.Context(), "unknown", nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Files(unknown) = %v, %v; want nothing, no error (404)", got, err)
	}
	if _, err := idx.Files(t.Context(), "---", nil); err == nil {
		t.Error("Files(---): err = nil, want an error")
	}
}

func TestIndexPages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    []RemoteFile
		wantErr bool
	}{
		{"pep503_html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><body><a href="../../packages/p-1.0.tar.gz#sha256=ABCD000000000000000000000000000000000000000000000000000000000000">p-1.0.tar.gz</a><br/><a href='x/p-1.0-py3-none-any.whl#md5=12'>p-1.0-py3-none-any.whl</a></body></html>`))
		}, []RemoteFile{{"p-1.0.tar.gz", "abcd000000000000000000000000000000000000000000000000000000000000", -1, false, ""}, {"p-1.0-py3-none-any.whl", "", -1, false, ""}}, false},
		{"same_host_redirect_followed", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/simple/p/" {
				http.Redirect(w, r, "/other/p/", http.StatusMovedPermanently)
				return
			}
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(`{"meta":{"api-version":"1.4"},"files":[{"filename":"p-1.tar.gz","hashes":{"sha256":"ff"}}]}`))
		}, []RemoteFile{{"p-1.tar.gz", "ff", -1, false, ""}}, false},
		{"unsupported_api_version", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(`{"meta":{"api-version":"2.0"},"files":[]}`))
		}, nil, true},
		{"garbage_json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(`{"meta":`))
		}, nil, true},
		{"forbidden_not_retried", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no", http.StatusForbidden)
		}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if r.Header.Get("Accept") != simpleAccept {
					t.Errorf("Accept = %q, want %q", r.Header.Get("Accept"), simpleAccept)
				}
				tc.handler(w, r)
			}))
			defer srv.Close()
			idx, err := NewIndex(srv.URL+"/simple", fastRetry)
			if err != nil {
				t.Fatal(err)
			}
			got, err := idx.Files(t.Context(), "p", nil)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Files() error = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Files() mismatch (-want +got):\n%s", diff)
			}
			if tc.wantErr && calls.Load() > 1 {
				t.Errorf("%d requests for a permanent error, want 1", calls.Load())
			}
		})
	}
}

func TestIndexRetries(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	idx, err := NewIndex(srv.URL+"/simple/", fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := idx.Files(t.Context(), "p", nil); err != nil || got != nil {
		t.Errorf("Files() = %v, %v; want nil, nil after retries", got, err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d requests, want 3", calls.Load())
	}
}

// A root derived from the upload URL (WithDiscovery) is probed once: a
// failure disables it without retries and without asking again; a
// success leaves later look-ups their retries.
func TestIndexDiscoveryProbe(t *testing.T) {
	t.Parallel()
	t.Run("failure_disables", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		idx, err := NewIndex(srv.URL+"/simple/", fastRetry, WithDiscovery(true))
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := idx.Files(t.Context(), "p", nil); !errors.Is(err, ErrIndexUnavailable) {
				t.Fatalf("Files() error = %v, want ErrIndexUnavailable", err)
			}
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("%d requests, want 1 (one probe, no retries, not asked again)", n)
		}
		if !idx.o.discovery {
			t.Error("the index does not know its root was discovered")
		}
	})
	t.Run("success_keeps_retries", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n := calls.Add(1); n == 2 || n == 3 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			http.NotFound(w, r)
		}))
		defer srv.Close()
		idx, err := NewIndex(srv.URL+"/simple/", fastRetry, WithDiscovery(true))
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if files, err := idx.Files(t.Context(), "p", nil); err != nil || files != nil {
				t.Fatalf("Files() = %v, %v; want nothing (404)", files, err)
			}
		}
		if n := calls.Load(); n != 4 {
			t.Errorf("%d requests, want 4 (probe, then three attempts)", n)
		}
	})
	t.Run("cancelled_probe_is_no_answer", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		idx, err := NewIndex(srv.URL+"/simple/", fastRetry, WithDiscovery(true))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := idx.Files(ctx, "p", nil); err == nil {
			t.Fatal("Files(cancelled) error = nil")
		}
		if _, err := idx.Files(t.Context(), "p", nil); err != nil {
			t.Errorf("Files() after a cancelled probe = %v, want the probe again", err)
		}
	})
}

// Look-ups carry the credentials to the root's scheme, host and port only:
// not to another port after a redirect, and not across hosts.
func TestIndexCredentialsOnlyToRoot(t *testing.T) {
	t.Parallel()
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		http.NotFound(w, r)
	}))
	defer other.Close()
	var gotAuth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/simple/p/":
			http.Redirect(w, r, "/simple/p2/", http.StatusMovedPermanently)
		case "/simple/p2/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<a href="/f/p-1.whl#sha256=` + strings.Repeat("a", 64) + `">p-1.whl</a>`))
		default:
			http.Redirect(w, r, other.URL+"/simple/x/", http.StatusFound)
		}
	}))
	defer srv.Close()
	idx, err := NewIndex(srv.URL+"/simple/", fastRetry, WithCredentials(Static{User: "u", Password: "secret"}))
	if err != nil {
		t.Fatal(err)
	}
	files, err := idx.Files(t.Context(), "p", nil)
	if err != nil || len(files) != 1 {
		t.Fatalf("Files(p) = %v, %v", files, err)
	}
	if a, _ := gotAuth.Load().(string); !strings.HasPrefix(a, "Basic ") {
		t.Errorf("the root's host got Authorization %q, want Basic credentials", a)
	}
	if files, err := idx.Files(t.Context(), "elsewhere", nil); err != nil || len(files) != 0 {
		t.Errorf("Files(elsewhere) = %v, %v; want nothing (another host is another index)", files, err)
	}
	if otherAuth.Load() != nil {
		t.Error("the redirect to another host was followed")
	}
}
