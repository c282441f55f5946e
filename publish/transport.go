package publish

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TLS holds the settings twine users know, for indexes behind a private
// certificate authority or that want a client certificate. main decodes
// them once from the step's environment (internal/config) and passes them
// to NewHTTPClient; the library itself reads no variables.
type TLS struct {
	// CABundle is a PEM file of CA certificates (or a directory of such
	// files) trusted instead of the system's list, as twine's --cert and
	// requests' REQUESTS_CA_BUNDLE do; "" keeps the system's list.
	CABundle string
	// ClientCert is a PEM file holding a client certificate and its
	// private key, as twine's --client-cert; "" sends none.
	ClientCert string
}

// DefaultHTTPClient returns the HTTP client used when WithHTTPClient is not
// given: NewHTTPClient without TLS settings.
func DefaultHTTPClient() *http.Client {
	c, _ := NewHTTPClient(TLS{}) // no files to read: never fails
	return c
}

// NewHTTPClient returns the one HTTP client of a run: a clone of
// http.DefaultTransport with explicit timeouts, no client Timeout (uploads
// can be large; the context and the idle timeout bound them), redirects
// never followed, and the TLS settings t. It fails when a file of t cannot
// be read or holds no usable certificate (or key); it never panics.
//
// Changes to http.DefaultTransport, each deliberate:
//   - DialContext: 10 s connect timeout instead of 30 s.
//   - TLSHandshakeTimeout: 10 s (unchanged value, stated explicitly).
//   - ResponseHeaderTimeout: 5 min after the request body was sent.
//     Warehouse reads the whole body before answering and then hashes,
//     scans and stores the file, which takes a while for big files.
//   - Proxy: from the environment, as the default does (HTTPS_PROXY on
//     self-hosted runners); the library itself reads no variables.
//   - TLSClientConfig: t's CA bundle replaces the system's roots (as in
//     requests, where a bundle replaces certifi's), t's client certificate
//     is offered when a server asks for one.
func NewHTTPClient(t TLS) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = 5 * time.Minute
	tr.ExpectContinueTimeout = 1 * time.Second
	if t.CABundle != "" || t.ClientCert != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if t.CABundle != "" {
			pool, err := loadCABundle(t.CABundle)
			if err != nil {
				return nil, &TLSError{ClientCert: false, Err: err}
			}
			cfg.RootCAs = pool
		}
		if t.ClientCert != "" {
			cert, err := tls.LoadX509KeyPair(t.ClientCert, t.ClientCert)
			if err != nil {
				return nil, &TLSError{ClientCert: true, Err: fmt.Errorf("failed to load the client certificate %s (one PEM file with the certificate and its private key): %w", t.ClientCert, err)}
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		tr.TLSClientConfig = cfg
	}
	return &http.Client{Transport: tr, CheckRedirect: noRedirect}, nil
}

// TLSError is a TLS setting NewHTTPClient could not use.
type TLSError struct {
	// ClientCert is true for TLS.ClientCert, false for TLS.CABundle.
	ClientCert bool
	Err        error
}

func (e *TLSError) Error() string { return e.Err.Error() }
func (e *TLSError) Unwrap() error { return e.Err }

// loadCABundle reads the PEM certificates of a file, or of every regular
// file in a directory.
func loadCABundle(path string) (*x509.CertPool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read the CA bundle: %w", err)
	}
	files := []string{path}
	if fi.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("failed to read the CA bundle: %w", err)
		}
		files = files[:0]
		for _, e := range entries {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	pool := x509.NewCertPool()
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("failed to read the CA bundle: %w", err)
		}
		n += addPEM(pool, b)
	}
	if n == 0 {
		return nil, fmt.Errorf("failed to read the CA bundle: %s holds no PEM certificate", path)
	}
	return pool, nil
}

// addPEM adds every certificate of a PEM text to pool and returns how many.
func addPEM(pool *x509.CertPool, b []byte) int {
	n := 0
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return n
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			pool.AddCert(c)
			n++
		}
	}
}

// noRedirect makes the client return 3xx responses as they are (UP-19).
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects returns a shallow copy of c that never follows redirects.
func withoutRedirects(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = noRedirect
	return &cc
}

// sameHost reports whether u points at the host (and port) of base, the
// only host credentials may be sent to.
func sameHost(base, u *url.URL) bool {
	return strings.EqualFold(base.Scheme, u.Scheme) && strings.EqualFold(base.Host, u.Host)
}

func randFloat() float64 { return rand.Float64() }

// transportError marks the transport failures that a retry cannot fix as
// permanent: a certificate the client does not trust, a server that does
// not speak TLS (https:// to a plain-http port), a TLS alert from the server
// (e.g. a client certificate it wants), a proxy that wants a login.
func transportError(err error) error {
	var le *permanentError
	if errors.As(err, &le) {
		return err
	}
	if isCertificateError(err) || isSchemeMismatch(err) || isProxyAuth(err) || isTLSAlert(err) {
		return &permanentError{err}
	}
	return err
}

// isSchemeMismatch reports an https request answered by a plain-http
// server (Go's http.ErrSchemeMismatch), or any reply that is not TLS.
func isSchemeMismatch(err error) bool {
	var rh tls.RecordHeaderError
	return errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &rh)
}

// isProxyAuth reports a proxy's 407 to the CONNECT of an https request,
// which Go's transport returns as an error holding only the proxy's
// reason phrase ("Proxy Authentication Required").
func isProxyAuth(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.EqualFold(e.Error(), http.StatusText(http.StatusProxyAuthRequired)) {
			return true
		}
	}
	return false
}

// isTLSAlert reports a TLS alert the server sent, such as "certificate
// required" or "bad certificate" (crypto/tls reports it as a "remote
// error").
func isTLSAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error" && strings.Contains(oe.Err.Error(), "tls:")
}

// errPlainHTTPPort is an https:// URL whose port speaks plain HTTP and
// waits for a request line instead of answering the TLS handshake (as
// waitress, pypiserver's server, does).
var errPlainHTTPPort = fmt.Errorf("%w: the TLS handshake timed out and the port answers plain HTTP", http.ErrSchemeMismatch)

// diagnose refines a transport failure of a request to u: after a TLS
// handshake timeout it asks the port once in plain HTTP, and when that
// answers, the failure is a scheme mismatch (permanent), not a slow server.
func diagnose(ctx context.Context, u *url.URL, err error) error {
	if u.Scheme != "https" || !strings.Contains(err.Error(), "TLS handshake timeout") || ctx.Err() != nil {
		return transportError(err)
	}
	if speaksPlainHTTP(ctx, u) {
		return &permanentError{fmt.Errorf("%w (%v)", errPlainHTTPPort, err)}
	}
	return transportError(err)
}

// speaksPlainHTTP reports whether u's host and port answer a plain HTTP
// request within 5 s.
func speaksPlainHTTP(ctx context.Context, u *url.URL) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "443")
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := fmt.Fprintf(conn, "HEAD / HTTP/1.0\r\nHost: %s\r\n\r\n", u.Host); err != nil {
		return false
	}
	var buf [5]byte
	_, err = io.ReadFull(conn, buf[:])
	return err == nil && string(buf[:]) == "HTTP/"
}
