package publishtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fulcioLikeCert is a self-signed certificate carrying Fulcio's Source
// Repository URI and Build Config URI extensions.
func fulcioLikeCert(t *testing.T, repo, buildConfig string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ext := func(n int, v string) pkix.Extension {
		b, err := asn1.MarshalWithParams(v, "utf8")
		if err != nil {
			t.Fatal(err)
		}
		return pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, n}, Value: b}
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		ExtraExtensions: []pkix.Extension{ext(12, "https://github.com/"+repo), ext(18, buildConfig)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func get(t *testing.T, url, accept string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// attested uploads testFile with an attestations field whose certificate
// names octo-org/octo-repo's release.yml.
func attested(t *testing.T, s *Server) string {
	t.Helper()
	der := fulcioLikeCert(t, "octo-org/octo-repo", "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1")
	att := `[{"version":1,"verification_material":{"certificate":"` + base64.StdEncoding.EncodeToString(der) +
		`","transparency_entries":[{"logIndex":"7"}]},"envelope":{"statement":"c3RtdA==","signature":"c2ln"}}]`
	parts := with(validParts(testFile, "bdist_wheel", "py3", testBytes), part{name: "attestations", value: att})
	if code, msg, _ := post(t, s.UploadURL(), parts, basic("__token__", "pypi-abc")); code != 200 {
		t.Fatalf("upload = %d %s", code, msg)
	}
	return att
}

// TestReadViews checks the JSON API and the Integrity API as Warehouse
// serves them, and the simple API's provenance key.
func TestReadViews(t *testing.T) {
	t.Parallel()
	s := New()
	t.Cleanup(s.Close)
	att := attested(t, s)
	base := s.URL()

	code, ct, body := get(t, base+"/pypi/demo-pkg/1.0.0/json", "")
	var rel struct {
		URLs []struct {
			Filename string            `json:"filename"`
			Size     int64             `json:"size"`
			Digests  map[string]string `json:"digests"`
		} `json:"urls"`
	}
	if err := json.Unmarshal(body, &rel); code != 200 || ct != "application/json" || err != nil || len(rel.URLs) != 1 ||
		rel.URLs[0].Filename != testFile || rel.URLs[0].Digests["sha256"] != sha(testBytes) || rel.URLs[0].Size != int64(len(testBytes)) {
		t.Errorf("JSON API (canonical version 1.0.0) = %d %s %s", code, ct, body)
	}
	for path, want := range map[string]int{"/pypi/Demo.Pkg/1.0/json": 301, "/pypi/demo-pkg/2.0/json": 404, "/pypi/demo-pkg/json": 404} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}

	prov := base + "/integrity/demo-pkg/1.0/" + testFile + "/provenance"
	code, ct, body = get(t, prov, "")
	var doc struct {
		Version int `json:"version"`
		Bundles []struct {
			Publisher    map[string]any   `json:"publisher"`
			Attestations []map[string]any `json:"attestations"`
		} `json:"attestation_bundles"`
	}
	if err := json.Unmarshal(body, &doc); code != 200 || ct != integrityJSON || err != nil || doc.Version != 1 || len(doc.Bundles) != 1 {
		t.Fatalf("Integrity API = %d %s %s", code, ct, body)
	}
	wantPub := map[string]any{"kind": "GitHub", "repository": "octo-org/octo-repo", "workflow": "release.yml", "environment": nil}
	if diff := cmp.Diff(wantPub, doc.Bundles[0].Publisher); diff != "" {
		t.Errorf("publisher (from the certificate) mismatch (-want +got):\n%s", diff)
	}
	var up []map[string]any
	_ = json.Unmarshal([]byte(att), &up)
	if diff := cmp.Diff(up, doc.Bundles[0].Attestations); diff != "" {
		t.Errorf("attestations are not the uploaded values (-want +got):\n%s", diff)
	}
	if strings.Contains(string(body), att[1:len(att)-1]) {
		t.Error("the provenance repeats the uploaded bytes; Warehouse re-serialises them")
	}
	if code, _, _ := get(t, prov, "text/html"); code != 406 {
		t.Errorf("Integrity API with Accept: text/html = %d, want 406", code)
	}
	if code, ct, _ := get(t, base+"/integrity/demo-pkg/1.0/other.whl/provenance", ""); code != 404 || !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Integrity API for an unknown file = %d %s, want Warehouse's HTML 404", code, ct)
	}
	_, _, body = get(t, s.SimpleURL()+"demo-pkg/", "application/vnd.pypi.simple.v1+json")
	if !strings.Contains(string(body), `"provenance":"`+prov+`"`) {
		t.Errorf("simple API lacks the provenance URL: %s", body)
	}
}

// TestViewFaults checks each scripted fault of the read views.
func TestViewFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		fault  ViewFault
		path   string
		code   int
		inBody string
	}{
		{"hidden_from_json", ViewFault{Hide: true}, "/pypi/demo-pkg/1.0/json", 404, `"Not Found"`},
		{"hidden_from_simple", ViewFault{Hide: true}, "/simple/demo-pkg/", 404, ""},
		{"hidden_from_integrity", ViewFault{Hide: true}, "/integrity/demo-pkg/1.0/" + testFile + "/provenance", 404, "<html>"},
		{"other_digest", ViewFault{SHA256: "ab"}, "/pypi/demo-pkg/1.0/json", 200, `"sha256":"ab"`},
		{"other_size", ViewFault{Size: 3}, "/simple/demo-pkg/", 200, `"size":3`},
		{"provenance_missing", ViewFault{Provenance: ProvenanceMissing}, "/integrity/demo-pkg/1.0/" + testFile + "/provenance", 404, `"No provenance available for ` + testFile + `"`},
		{"provenance_disabled", ViewFault{Provenance: ProvenanceDisabled}, "/integrity/demo-pkg/1.0/" + testFile + "/provenance", 403, "Attestations temporarily disabled"},
		{"provenance_foreign", ViewFault{Provenance: ProvenanceForeignPublisher}, "/integrity/demo-pkg/1.0/" + testFile + "/provenance", 200, `"repository":"mallory/other"`},
		{"provenance_extra", ViewFault{Provenance: ProvenanceExtra}, "/integrity/demo-pkg/1.0/" + testFile + "/provenance", 200, `"repository":"octo-org/octo-repo"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New()
			t.Cleanup(s.Close)
			attested(t, s)
			s.ScriptView(testFile, tc.fault)
			code, _, body := get(t, s.URL()+tc.path, "application/vnd.pypi.simple.v1+json, application/json")
			if code != tc.code || !strings.Contains(string(body), tc.inBody) {
				t.Errorf("GET %s = %d %s, want %d with %q", tc.path, code, body, tc.code, tc.inBody)
			}
			s.ScriptView(testFile, ViewFault{})
			if code, _, _ := get(t, s.URL()+tc.path, "application/vnd.pypi.simple.v1+json, application/json"); code != 200 {
				t.Errorf("GET %s after the fault was removed = %d, want 200", tc.path, code)
			}
		})
	}
}

// TestStale checks that a stale cache hides new files from n requests that
// would show them, then catches up; requests that hide nothing do not count.
func TestStale(t *testing.T) {
	t.Parallel()
	s := New()
	t.Cleanup(s.Close)
	s.Seed("old", "1.0", "old-1.0.tar.gz", []byte("old"))
	s.Stale(2)
	attested(t, s)
	var got []int
	for _, p := range []string{"/simple/old/", "/simple/demo-pkg/", "/pypi/demo-pkg/1.0/json", "/simple/old/", "/simple/demo-pkg/"} {
		code, _, _ := get(t, s.URL()+p, "")
		got = append(got, code)
	}
	if diff := cmp.Diff([]int{200, 404, 404, 200, 200}, got); diff != "" {
		t.Errorf("status codes mismatch (-want +got):\n%s", diff)
	}
	if n := len(s.Reads()); n != 5 {
		t.Errorf("Reads() has %d requests, want 5", n)
	}
}

// TestReadViews_thirdParty: pypiserver-like indexes have no JSON or
// Integrity API.
func TestReadViews_thirdParty(t *testing.T) {
	t.Parallel()
	s := New(WithMode(ThirdParty))
	t.Cleanup(s.Close)
	s.Seed("demo-pkg", "1.0", testFile, testBytes)
	for _, p := range []string{"/pypi/demo-pkg/1.0/json", "/integrity/demo-pkg/1.0/" + testFile + "/provenance"} {
		if code, _, _ := get(t, s.URL()+p, ""); code != 404 {
			t.Errorf("GET %s = %d, want 404", p, code)
		}
	}
}
