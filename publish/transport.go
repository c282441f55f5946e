package publish

import (
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultHTTPClient returns the HTTP client used when WithHTTPClient is not
// given: a clone of http.DefaultTransport with explicit timeouts, no client
// Timeout (uploads can be large; the context and the idle timeout bound
// them), and redirects never followed.
//
// Changes to http.DefaultTransport, each deliberate:
//   - DialContext: 10 s connect timeout instead of 30 s.
//   - TLSHandshakeTimeout: 10 s (unchanged value, stated explicitly).
//   - ResponseHeaderTimeout: 5 min after the request body was sent.
//     Warehouse reads the whole body before answering and then hashes,
//     scans and stores the file, which takes a while for big files.
//   - Proxy: from the environment, as the default does (HTTPS_PROXY on
//     self-hosted runners); the library itself reads no variables.
func DefaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 5 * time.Minute
	t.ExpectContinueTimeout = 1 * time.Second
	return &http.Client{Transport: t, CheckRedirect: noRedirect}
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
// only host credentials may be sent to (STYLE C4).
func sameHost(base, u *url.URL) bool {
	return strings.EqualFold(base.Scheme, u.Scheme) && strings.EqualFold(base.Host, u.Host)
}

func randFloat() float64 { return rand.Float64() }
