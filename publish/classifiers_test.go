package publish

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
)

// classifierList is a list as Warehouse serves it, with a classifier the
// embedded list does not have.
func classifierList() string {
	var b strings.Builder
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "Topic :: Generated :: %03d\n", i)
	}
	b.WriteString("Framework :: Brand New")
	return b.String()
}

func TestFetchClassifiers(t *testing.T) {
	t.Parallel()
	list := classifierList()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{name: "ok", handler: func(w http.ResponseWriter, r *http.Request) {
			if got := r.URL.Query().Get(":action"); got != "list_classifiers" || r.Header.Get("Authorization") != "" {
				http.Error(w, "bad request", 400)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, list)
		}},
		{name: "unavailable", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "::error::injected", http.StatusServiceUnavailable)
		}, wantErr: "answered 503 Service Unavailable"},
		{name: "html", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>"+list+"</html>")
		}, wantErr: "not text/plain"},
		{name: "redirect", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
		}, wantErr: "answered 302"},
		{name: "too_large", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, strings.Repeat("A :: B\n", 3<<20/7+1))
		}, wantErr: "over 2 MiB"},
		{name: "not_utf8", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, list+"\nBad :: \xff\n")
		}, wantErr: "not UTF-8"},
		{name: "not_a_list", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "Service temporarily unavailable\n")
		}, wantErr: "failed to parse the classifier list"},
		{name: "slow", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}, wantErr: "deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			// A short deadline only where the deadline is what is tested:
			// the others must not depend on the machine's speed.
			timeout := time.Minute
			if tc.name == "slow" {
				timeout = 200 * time.Millisecond
			}
			got, err := FetchClassifiers(context.Background(), srv.URL+"/pypi?%3Aaction=list_classifiers",
				WithHTTPClient(srv.Client()), WithRequestTimeout(timeout))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FetchClassifiers() error = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "::error::") {
					t.Errorf("error %q repeats the answer's text", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Len() != 151 || !strings.HasPrefix(got.Source(), srv.URL+"/pypi?") {
				t.Errorf("FetchClassifiers() = %d classifiers from %q", got.Len(), got.Source())
			}
			d := &dist.Distribution{Filename: "p-1.0-py3-none-any.whl", Kind: dist.Wheel, Metadata: meta(
				"Metadata-Version: 2.1", "Name: p", "Version: 1.0", "Classifier: Framework :: Brand New")}
			for _, p := range dist.Check([]*dist.Distribution{d}, dist.TargetPyPI, dist.WithClassifiers(got)) {
				if strings.HasPrefix(p.Rule, "classifier") {
					t.Errorf("the fetched list does not decide: %s", p.Message)
				}
			}
		})
	}
}
