package publish

import (
	"bufio"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// uploadOnce uploads one small file to url with client options and
// reports the error and how many attempts were made.
func uploadOnce(t *testing.T, url string, opts ...Option) (int, error) {
	t.Helper()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	c := newTestClient(t, url, opts...)
	attempts := 1
	_, err := c.upload(t.Context(), d, UploadOptions{}, hooks{event: func(e Event) {
		if e.Kind == EventRetry {
			attempts++
		}
	}})
	return attempts, err
}

func TestNewHTTPClient_caBundle(t *testing.T) {
	t.Parallel()
	s := publishtest.New(publishtest.WithTLS(), publishtest.WithMode(publishtest.ThirdParty))
	defer s.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	// The test server's certificate, as a PEM bundle.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	der := conn.ConnectionState().PeerCertificates[0].Raw
	conn.Close()
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	bundleDir := filepath.Join(dir, "certs")
	os.MkdirAll(bundleDir, 0o755)
	os.WriteFile(filepath.Join(bundleDir, "a.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	empty := filepath.Join(dir, "empty.pem")
	os.WriteFile(empty, []byte("no certificates here\n"), 0o600)

	for _, bundle := range []string{ca, bundleDir} {
		hc, err := NewHTTPClient(TLS{CABundle: bundle})
		if err != nil {
			t.Fatalf("NewHTTPClient(%s) = %v", bundle, err)
		}
		// The second upload of the same file meets it on the index: the
		// connection was trusted either way.
		if _, err := uploadOnce(t, s.UploadURL(), WithHTTPClient(hc)); err != nil && !errors.Is(err, ErrFileExists) {
			t.Errorf("upload trusting %s: %v", bundle, err)
		}
	}
	attempts, err := uploadOnce(t, s.UploadURL())
	if Classify(err).ID != "UP-25" || attempts != 1 {
		t.Errorf("upload with the system's CAs = %v after %d attempts, want UP-25 after 1", err, attempts)
	}
	for _, bad := range []TLS{{CABundle: filepath.Join(dir, "missing.pem")}, {CABundle: empty}, {ClientCert: ca}, {ClientCert: empty}} {
		_, err := NewHTTPClient(bad)
		var te *TLSError
		if !errors.As(err, &te) || te.ClientCert != (bad.ClientCert != "") {
			t.Errorf("NewHTTPClient(%+v) error = %v, want a *TLSError naming the setting", bad, err)
		}
	}
}

// https:// to a server that answers in plain HTTP (Go's server says "400
// Bad Request" to a TLS handshake) fails once, as UP-26.
func TestUploadSchemeMismatchNotRetried(t *testing.T) {
	t.Parallel()
	s := publishtest.New(publishtest.WithMode(publishtest.ThirdParty))
	defer s.Close()
	attempts, err := uploadOnce(t, strings.Replace(s.UploadURL(), "http://", "https://", 1))
	if got := Classify(err).ID; got != "UP-26" || attempts != 1 {
		t.Errorf("upload = %v (%s) after %d attempts, want UP-26 after 1", err, got, attempts)
	}
}

// A port that speaks plain HTTP but, like waitress (pypiserver), says
// nothing to a TLS ClientHello: the first handshake timeout is followed by
// one plain-HTTP question, and the upload stops as UP-26.
func TestUploadSilentPlainHTTPPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				line, err := bufio.NewReader(conn).ReadString('\n')
				if err == nil && strings.HasPrefix(line, "HEAD ") {
					io.WriteString(conn, "HTTP/1.0 400 Bad Request\r\n\r\n")
					return
				}
				time.Sleep(2 * time.Second) // a ClientHello has no newline: wait, say nothing
			}()
		}
	}()
	hc, _ := NewHTTPClient(TLS{})
	hc.Transport.(*http.Transport).TLSHandshakeTimeout = 100 * time.Millisecond
	attempts, err := uploadOnce(t, "https://"+l.Addr().String()+"/", WithHTTPClient(hc))
	if got := Classify(err).ID; got != "UP-26" || attempts != 1 {
		t.Errorf("upload = %v (%s) after %d attempts, want UP-26 after 1", err, got, attempts)
	}
}

// A proxy that wants a login: its 407 is not retried and names the fix,
// for https (CONNECT) and plain http alike.
func TestUploadProxyAuthRequired(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
		http.Error(w, "Proxy Authentication Required", http.StatusProxyAuthRequired)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	for _, target := range []string{"https://index.invalid/legacy/", "http://index.invalid/legacy/"} {
		calls.Store(0)
		hc, _ := NewHTTPClient(TLS{})
		hc.Transport.(*http.Transport).Proxy = http.ProxyURL(pu)
		attempts, err := uploadOnce(t, target, WithHTTPClient(hc))
		if got := Classify(err); got.ID != "UP-27" || attempts != 1 || calls.Load() != 1 || !strings.Contains(got.Hint, "NO_PROXY") {
			t.Errorf("upload to %s = %v (%+v) after %d attempts, %d proxy requests; want UP-27 once", target, err, got, attempts, calls.Load())
		}
	}
}

// devpi answers an identical re-upload with 200 and the reason phrase
// "Upload of identical file to non volatile index.": skipped-identical.
func TestPublishDevpiIdenticalAnswer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 200 Upload of identical file to non volatile index.\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		rw.Flush()
	}))
	defer srv.Close()
	d := projectDist(t, "demo_pkg-1.0-py3-none-any.whl", "1.0", "x")
	out, err := Publish(t.Context(), newTestClient(t, srv.URL+"/user/dev/", WithServer("devpi")), []*dist.Distribution{d}, PublishOptions{})
	if err != nil || out[0].Status != StatusSkippedIdentical || !strings.Contains(out[0].Note, "Upload of identical file") {
		t.Errorf("Publish() = %+v, %v; want skipped-identical quoting the answer", out[0], err)
	}
}

// localNames keeps the local files and the sdists of their releases.
func TestLocalNames(t *testing.T) {
	t.Parallel()
	wheel := &dist.Distribution{Filename: "p-1.0-py3-none-any.whl", Kind: dist.Wheel, Metadata: meta("Name: p", "Version: 1.0")}
	sdist := &dist.Distribution{Filename: "p-1.0.tar.gz", Kind: dist.Sdist, Metadata: meta("Name: p", "Version: 1.0")}
	keep := localNames([]*dist.Distribution{wheel, sdist, nil})
	for name, want := range map[string]bool{
		"p-1.0-py3-none-any.whl": true, "p-1.0.tar.gz": true, "p-1.0.0.zip": true, "p-1.0.tar.gz.asc": false,
		"p-1.1.tar.gz": false, "p-0.9-py3-none-any.whl": false, "p-1.0-py2-none-any.whl": false,
	} {
		if got := keep(name); got != want {
			t.Errorf("keep(%q) = %v, want %v", name, got, want)
		}
	}
}
