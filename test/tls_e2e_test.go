package test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pypi-publish/pypi-publish/publish/publishtest"
)

// The twine-compatible TLS settings (issue 17 item 4): REQUESTS_CA_BUNDLE
// and TWINE_CERT name a CA bundle that replaces the system's list
// (REQUESTS_CA_BUNDLE wins, as in twine), TWINE_CLIENT_CERT a client
// certificate with its key. An index behind a private CA without them
// fails at once with the fix, not with retries.

// tlsIndex starts a third-party fake index over HTTPS with its own CA;
// with clientCA set it requires a client certificate signed by it. It
// returns the upload URL and the PEM file of the server's certificate.
func tlsIndex(t *testing.T, clientCA *x509.Certificate) (uploadURL, caFile string) {
	t.Helper()
	fake := publishtest.New(publishtest.WithMode(publishtest.ThirdParty), publishtest.WithStart(false))
	srv := httptest.NewUnstartedServer(fake.Handler())
	if clientCA != nil {
		pool := x509.NewCertPool()
		pool.AddCert(clientCA)
		srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "index-ca.pem")
	writePEM(t, caFile, "CERTIFICATE", srv.Certificate().Raw)
	return srv.URL + "/legacy/", caFile
}

func writePEM(t *testing.T, path string, blocks ...any) {
	t.Helper()
	var b []byte
	for i := 0; i+1 < len(blocks); i += 2 {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: blocks[i].(string), Bytes: blocks[i+1].([]byte)})...)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// selfSigned returns a self-signed certificate (usable as its own CA) and
// a PEM file holding it and its key.
func selfSigned(t *testing.T, cn string) (*x509.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), cn+".pem")
	writePEM(t, path, "CERTIFICATE", der, "EC PRIVATE KEY", keyDER)
	return cert, path
}

func TestTLS_caBundle(t *testing.T) {
	t.Parallel()
	_, otherCA := selfSigned(t, "other-ca")
	cases := []struct {
		name string
		vars func(ca string) map[string]string
		code int
		log  []string
	}{
		{"untrusted", func(string) map[string]string { return nil }, 1,
			[]string{"::error title=Upload failed (UP-25)::", "signed by an authority this action does not trust", "REQUESTS_CA_BUNDLE or TWINE_CERT"}},
		{"twine_cert", func(ca string) map[string]string { return map[string]string{"TWINE_CERT": ca} }, 0,
			[]string{"Trusting the CA certificates of", "(from TWINE_CERT)"}},
		{"requests_ca_bundle_wins", func(ca string) map[string]string {
			return map[string]string{"REQUESTS_CA_BUNDLE": ca, "TWINE_CERT": otherCA}
		}, 0, []string{"(from REQUESTS_CA_BUNDLE)"}},
		{"requests_ca_bundle_wins_even_when_wrong", func(ca string) map[string]string {
			return map[string]string{"REQUESTS_CA_BUNDLE": otherCA, "TWINE_CERT": ca}
		}, 1, []string{"::error title=Upload failed (UP-25)::"}},
		{"missing_file", func(string) map[string]string { return map[string]string{"TWINE_CERT": "/nonexistent/ca.pem"} }, 1,
			[]string{"::error title=Invalid TLS settings::TWINE_CERT: failed to read the CA bundle"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			upload, ca := tlsIndex(t, nil)
			ws := newWorkspace(t)
			r := runAction(t, ws, Env{Files: demoFiles(), Vars: tc.vars(ca),
				Inputs: map[string]string{"repository-url": upload, "user": "alice", "password": "index-password"}})
			if r.Code != tc.code {
				t.Fatalf("exit %d, want %d", r.Code, tc.code)
			}
			mustContain(t, r, tc.log...)
			for _, no := range []string{"Retrying", "status.python.org"} {
				if strings.Contains(r.Output(), no) {
					t.Errorf("output holds %q", no)
				}
			}
		})
	}
}

func TestTLS_clientCertificate(t *testing.T) {
	t.Parallel()
	clientCA, clientPEM := selfSigned(t, "client")
	upload, ca := tlsIndex(t, clientCA)
	_, strangerPEM := selfSigned(t, "stranger")
	cases := []struct {
		name, cert string
		code       int
		log        []string
	}{
		{"none", "", 1, []string{"::error title=Upload failed (UP-25)::", "TWINE_CLIENT_CERT"}},
		{"accepted", clientPEM, 0, []string{"Offering the client certificate of"}},
		{"refused", strangerPEM, 1, []string{"::error title=Upload failed (UP-25)::"}},
		{"not_a_pem", "/etc/hostname", 1, []string{"::error title=Invalid TLS settings::TWINE_CLIENT_CERT:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{"TWINE_CERT": ca}
			if tc.cert != "" {
				vars["TWINE_CLIENT_CERT"] = tc.cert
			}
			r := runAction(t, newWorkspace(t), Env{Files: demoFiles(), Vars: vars,
				Inputs: map[string]string{"repository-url": upload, "user": "alice", "password": "index-password"}})
			if r.Code != tc.code {
				t.Fatalf("exit %d, want %d", r.Code, tc.code)
			}
			mustContain(t, r, tc.log...)
			// With TLS 1.3 the client finishes its handshake before the
			// server's alert arrives, so a write may meet a reset
			// connection first (a transport error, retried); the alert
			// itself ends the upload.
			if strings.Contains(r.Output(), "gave up after") {
				t.Error("a TLS refusal was retried to the end")
			}
		})
	}
}
