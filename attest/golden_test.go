package attest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden (and record a fake Rekor answer)")

const (
	prodFile   = "pypi_attestations-0.0.19.tar.gz"
	prodSHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./attest -run Golden -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGolden_statement(t *testing.T) {
	t.Parallel()
	got, err := attest.Statement(wheelName, wheelSHA)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "statement.golden", got)
}

// Our statement bytes equal, byte for byte, those in the real attestation.
func TestStatement_matches_production(t *testing.T) {
	t.Parallel()
	a, err := attest.ParseAttestation(readFile(t, prodFile+".publish.attestation"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := attest.Statement(prodFile, prodSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, a.Envelope.Statement) {
		t.Errorf("Statement() = %s\nwant %s", got, a.Envelope.Statement)
	}
}

// The attestation layout: compact, version, verification_material,
// envelope, with the TLE keys in the order of real files.
func TestGolden_attestation_layout(t *testing.T) {
	t.Parallel()
	raw := readFile(t, prodFile+".publish.attestation")
	a, err := attest.ParseAttestation(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "attestation_layout.golden", got)
	if !bytes.HasPrefix(got, []byte(`{"version":1,"verification_material":{"certificate":"`)) {
		t.Errorf("layout starts %.60s", got)
	}
	// Same content as the real file, whatever its key order.
	var want, have any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("re-encoded attestation differs (-want +got):\n%s", diff)
	}
}

// A round trip attestation → bundle v0.3 → attestation keeps every byte.
func TestBundle_round_trip(t *testing.T) {
	t.Parallel()
	raw := readFile(t, prodFile+".publish.attestation")
	a, _ := attest.ParseAttestation(raw)
	want, _ := a.Marshal()
	b, err := attest.ToBundle(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"`)) ||
		!bytes.Contains(b, []byte(`"payloadType":"application/vnd.in-toto+json"`)) {
		t.Errorf("bundle lacks media type or payload type: %.200s", b)
	}
	got, err := attest.FromBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

// recorder transport keeps the last Rekor POST answer.
type recordingTransport struct {
	mu   sync.Mutex
	body []byte
	etag string
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/api/v1/log/entries") {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.body, r.etag = b, resp.Header.Get("ETag")
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// The conversion of a recorded Rekor answer to the protobuf-JSON entry:
// hex to base64, integers as strings, tree-local proof index.
func TestGolden_rekor_response_to_tle(t *testing.T) {
	t.Parallel()
	if *update {
		env := attesttest.NewEnv(t, attesttest.EnvOptions{})
		rt := &recordingTransport{}
		s := env.Signer(t, attest.WithHTTPClient(&http.Client{Transport: rt}))
		if _, err := s.Sign(context.Background(), wheelName, wheelSHA); err != nil {
			t.Fatal(err)
		}
		rec, _ := json.MarshalIndent(map[string]any{"etag": rt.etag, "body": json.RawMessage(rt.body)}, "", "  ")
		if err := os.WriteFile(filepath.Join("testdata", "rekor_response.json"), rec, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var rec struct {
		ETag string          `json:"etag"`
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(readFile(t, "rekor_response.json"), &rec); err != nil {
		t.Fatal(err)
	}
	tle, err := attest.ConvertRekorResponse(rec.Body, rec.ETag)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(tle, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rekor_tle.golden", append(got, '\n'))
	if tle.LogIndex < 1<<31 || tle.InclusionProof.LogIndex < 1<<31 || tle.LogIndex == tle.InclusionProof.LogIndex {
		t.Errorf("indices %d / %d: want both > 2^31 and different", tle.LogIndex, tle.InclusionProof.LogIndex)
	}
}
