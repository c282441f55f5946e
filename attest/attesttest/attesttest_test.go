package attesttest_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

func post(t *testing.T, url, ctype, auth string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func pkRequest(t *testing.T, key *ecdsa.PrivateKey, subject string) []byte {
	t.Helper()
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	return pkRequestContent(t, key, subject, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
}

func pkRequestContent(t *testing.T, key *ecdsa.PrivateKey, subject, content string) []byte {
	t.Helper()
	d := sha256.Sum256([]byte(subject))
	pop, _ := ecdsa.SignASN1(rand.Reader, key, d[:])
	b, _ := json.Marshal(map[string]any{"publicKeyRequest": map[string]any{
		"publicKey":         map[string]string{"algorithm": "ECDSA", "content": content},
		"proofOfPossession": pop,
	}})
	return b
}

func TestFulcio_strict(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	tok, err := env.Issuer.IDToken(context.Background(), "sigstore")
	if err != nil {
		t.Fatal(err)
	}
	pypiTok, _ := env.Issuer.IDToken(context.Background(), "pypi")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sub := attesttest.GitHubClaims(attesttest.DefaultRepository, attesttest.DefaultWorkflow, attesttest.DefaultRef)["sub"].(string)
	good := pkRequest(t, key, sub)
	derKey, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	url := env.Fulcio.URL + "/api/v2/signingCert"
	cases := []struct {
		name   string
		url    string
		ctype  string
		auth   string
		body   []byte
		status int
	}{
		{"public_key_request", url, "application/json", "Bearer " + tok, good, 200},
		{"public_key_request_der", url, "application/json", "Bearer " + tok, pkRequestContent(t, key, sub, base64.StdEncoding.EncodeToString(derKey)), 200},
		{"wrong_path", env.Fulcio.URL + "/api/v1/signingCert", "application/json", "Bearer " + tok, good, 404},
		{"no_token", url, "application/json", "", good, 401},
		{"basic_auth", url, "application/json", "Basic eDp5", good, 401},
		{"wrong_audience", url, "application/json", "Bearer " + pypiTok, good, 401},
		{"forged_token", url, "application/json", "Bearer " + tok[:len(tok)-6] + "AAAAAA", good, 401},
		{"not_json_content_type", url, "text/plain", "Bearer " + tok, good, 400},
		{"unknown_field", url, "application/json", "Bearer " + tok, []byte(`{"publicKey":{}}`), 400},
		{"no_key", url, "application/json", "Bearer " + tok, []byte(`{}`), 400},
		{"wrong_proof_of_possession", url, "application/json", "Bearer " + tok, pkRequest(t, key, "someone else"), 400},
		{"csr_not_pem", url, "application/json", "Bearer " + tok, []byte(`{"certificateSigningRequest":"aGVsbG8="}`), 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := post(t, tc.url, tc.ctype, tc.auth, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("POST = %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status != 200 {
				return
			}
			var r struct {
				S struct {
					Chain struct {
						Certificates []string `json:"certificates"`
					} `json:"chain"`
				} `json:"signedCertificateEmbeddedSct"`
			}
			if err := json.Unmarshal(body, &r); err != nil || len(r.S.Chain.Certificates) != 3 {
				t.Fatalf("answer %s: want a chain of 3 PEM certificates", body)
			}
			blk, _ := pem.Decode([]byte(r.S.Chain.Certificates[0]))
			leaf, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if leaf.KeyUsage != x509.KeyUsageDigitalSignature || len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageCodeSigning {
				t.Errorf("leaf key usage %v / %v, want digitalSignature / codeSigning", leaf.KeyUsage, leaf.ExtKeyUsage)
			}
			wantSAN := "https://github.com/" + env.Identity.WorkflowRef
			if len(leaf.URIs) != 1 || leaf.URIs[0].String() != wantSAN {
				t.Errorf("leaf SAN %v, want %s", leaf.URIs, wantSAN)
			}
			have := map[string]bool{}
			for _, e := range leaf.Extensions {
				have[e.Id.String()] = true
			}
			for n := 1; n <= 22; n++ {
				if n == 7 {
					continue
				}
				if oid := fmt.Sprintf("1.3.6.1.4.1.57264.1.%d", n); !have[oid] {
					t.Errorf("leaf lacks Fulcio extension %s", oid)
				}
			}
			if !have["1.3.6.1.4.1.11129.2.4.2"] || have["1.3.6.1.4.1.11129.2.4.3"] {
				t.Error("leaf must carry the SCT list and no poison")
			}
			var bc string
			for _, e := range leaf.Extensions {
				if e.Id.Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 18}) {
					if _, err := asn1.UnmarshalWithParams(e.Value, &bc, "utf8"); err != nil {
						t.Fatal(err)
					}
				}
			}
			if bc != wantSAN {
				t.Errorf("Build Config URI %q, want %q", bc, wantSAN)
			}
		})
	}
}

func dsseRequest(t *testing.T, key *ecdsa.PrivateKey, certPEM []byte, payload []byte, tamper bool) []byte {
	t.Helper()
	d := sha256.Sum256(attest.PAE(attest.InTotoPayloadType, payload))
	sig, _ := ecdsa.SignASN1(rand.Reader, key, d[:])
	if tamper {
		payload = append([]byte{}, payload...)
		payload[0] ^= 1
	}
	env, _ := json.Marshal(map[string]any{"payload": payload, "payloadType": attest.InTotoPayloadType, "signatures": []map[string]any{{"sig": sig}}})
	b, _ := json.Marshal(map[string]any{"apiVersion": "0.0.1", "kind": "dsse", "spec": map[string]any{"proposedContent": map[string]any{
		"envelope": string(env), "verifiers": []string{base64.StdEncoding.EncodeToString(certPEM)},
	}}})
	return b
}

func TestRekor_strict(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	url := env.Rekor.URL + "/api/v1/log/entries"
	good := dsseRequest(t, key, keyPEM, []byte(`{"_type":"x"}`), false)

	resp, body := post(t, url, "application/json", "", good)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST = %d %s, want 201", resp.StatusCode, body)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || len(m) != 1 {
		t.Fatalf("answer is not a one-entry map: %s", body)
	}
	etag := resp.Header.Get("ETag")
	if _, ok := m[etag]; !ok || resp.Header.Get("Location") != "/api/v1/log/entries/"+etag {
		t.Errorf("ETag %q / Location %q do not name the map key", etag, resp.Header.Get("Location"))
	}
	var e struct {
		LogIndex     int64 `json:"logIndex"`
		Verification struct {
			InclusionProof struct {
				LogIndex   int64  `json:"logIndex"`
				Checkpoint string `json:"checkpoint"`
			} `json:"inclusionProof"`
		} `json:"verification"`
	}
	if err := json.Unmarshal(m[etag], &e); err != nil {
		t.Fatal(err)
	}
	if e.LogIndex <= 1<<31 || e.Verification.InclusionProof.LogIndex < 1<<31 || !strings.HasPrefix(e.Verification.InclusionProof.Checkpoint, "127.0.0.1 - ") {
		t.Errorf("entry %s: want indices beyond int32 and a checkpoint from 127.0.0.1", m[etag])
	}

	dup, body := post(t, url, "application/json", "", good)
	if dup.StatusCode != http.StatusConflict || dup.Header.Get("Location") != "/api/v1/log/entries/"+etag {
		t.Errorf("duplicate POST = %d (Location %q) %s, want 409 with the entry's Location", dup.StatusCode, dup.Header.Get("Location"), body)
	}
	get, err := http.Get(env.Rekor.URL + "/api/v1/log/entries/" + etag)
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if get.StatusCode != http.StatusOK {
		t.Errorf("GET entry = %d, want 200", get.StatusCode)
	}

	cases := []struct {
		name   string
		ctype  string
		body   []byte
		status int
	}{
		{"bad_signature", "application/json", dsseRequest(t, key, keyPEM, []byte(`{"_type":"y"}`), true), 400},
		{"other_kind", "application/json", bytes.Replace(good, []byte(`"dsse"`), []byte(`"intoto"`), 1), 400},
		{"unknown_field", "application/json", []byte(`{"apiVersion":"0.0.1","kind":"dsse","spec":{"content":{}}}`), 400},
		{"not_json", "application/json", []byte(`{`), 400},
		{"form_content_type", "application/x-www-form-urlencoded", good, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := post(t, url, tc.ctype, "", tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("POST = %d %s, want %d", resp.StatusCode, body, tc.status)
			}
		})
	}
}

func TestTrustedRootJSON_schema(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	var m map[string]any
	if err := json.Unmarshal(env.RootJSON, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"mediaType", "tlogs", "certificateAuthorities", "ctlogs", "timestampAuthorities"} {
		if _, ok := m[k]; !ok {
			t.Errorf("trusted root lacks %q", k)
		}
	}
	if !strings.Contains(string(env.RootJSON), `"baseUrl": "`+env.Rekor.URL+`"`) {
		t.Error("tlog baseUrl is not the fake Rekor's URL")
	}
}
