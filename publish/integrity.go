package publish

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// PEP 740's Integrity API (https://docs.pypi.org/api/integrity/): GET
// /integrity/<project>/<version>/<filename>/provenance answers
//
//	{"version": 1, "attestation_bundles": [
//	  {"publisher": {"kind": "GitHub", "repository": "owner/name", "workflow": "release.yml", …},
//	   "attestations": [{"version": 1, "verification_material": {"certificate": "<base64 DER>", …},
//	                     "envelope": {"statement": "<base64>", "signature": "<base64>"}}]}]}
//
// Warehouse stores the uploaded attestations re-serialised (parsed,
// dumped, kept in a JSONB column), so only decoded values compare; the
// publisher object comes from Warehouse's publisher record, not from the
// upload; and an index may add attestations later, so the uploaded ones
// must be contained, not equal. 403 means attestations are switched off;
// 404 with {"message": "No provenance available for <file>"} means the
// file has none; any other 404 (an HTML page) means the file is unknown.

const integrityAccept = "application/vnd.pypi.integrity.v1+json, application/json;q=0.9"

// Publisher is a trusted publisher as a provenance object names it.
type Publisher struct {
	// Kind is "GitHub", "GitLab", "Google", …
	Kind string
	// Repository is "owner/name" (GitHub, GitLab).
	Repository string
	// Workflow is the workflow file: GitHub's "workflow"
	// ("release.yml"), GitLab's "workflow_filepath".
	Workflow string
	// Email is a Google publisher's service account.
	Email string
}

// IsZero reports whether p names nobody.
func (p Publisher) IsZero() bool { return p == Publisher{} }

// String describes p, e.g. "GitHub octo-org/octo-repo, workflow release.yml";
// each part at most 100 bytes (a served publisher is outside text).
func (p Publisher) String() string {
	s := truncate(p.Kind, 100)
	if p.Repository != "" {
		s += " " + truncate(p.Repository, 100)
	}
	if p.Workflow != "" {
		s += ", workflow " + truncate(p.Workflow, 100)
	}
	if p.Email != "" {
		s += " " + truncate(p.Email, 100)
	}
	return s
}

// matches reports whether p is the publisher want names: kind, repository,
// workflow and e-mail equal ignoring case, where want gives them.
func (p Publisher) matches(want Publisher) bool {
	eq := func(got, want string) bool { return want == "" || strings.EqualFold(got, want) }
	return eq(p.Kind, want.Kind) && eq(p.Repository, want.Repository) && eq(p.Workflow, want.Workflow) && eq(p.Email, want.Email)
}

// ProvenanceResult is what the Integrity API said about a file.
type ProvenanceResult struct {
	// URL is the provenance URL asked.
	URL string
	// Uploaded is the number of attestations sent with the file.
	Uploaded int
	// Served reports that the index served a provenance object.
	Served bool
	// Contains reports that every uploaded attestation is in it: the same
	// statement, signature and certificate, compared decoded.
	Contains bool
	// PublisherOK reports that every bundle holding an uploaded
	// attestation names the expected publisher (true when none was
	// expected).
	PublisherOK bool
	// Publisher is the publisher of the first bundle holding an uploaded
	// attestation, else of the first bundle.
	Publisher Publisher
	// Ours and Theirs are the SHA-256 digests of the uploaded statements
	// and of the served ones (at most 10).
	Ours, Theirs []string
	// Missing reports "No provenance available" (404) for a known file.
	Missing bool
	// Disabled reports 403: the index has attestations switched off.
	Disabled bool
	// Err is why the answer could not be read.
	Err error
}

// OK reports whether the provenance carries every uploaded attestation
// under the expected publisher.
func (p *ProvenanceResult) OK() bool { return p.Served && p.Contains && p.PublisherOK }

// problem says what is wrong with a served provenance.
func (p *ProvenanceResult) problem() string {
	if !p.Contains {
		theirs := "none"
		if len(p.Theirs) > 0 {
			theirs = strings.Join(p.Theirs, ", ")
		}
		return fmt.Sprintf("the provenance at %s does not carry the uploaded attestation (statement sha256 %s); it carries statements with sha256 %s",
			p.URL, strings.Join(p.Ours, ", "), theirs)
	}
	return fmt.Sprintf("the provenance at %s carries the uploaded attestation, but under the publisher %s", p.URL, p.Publisher)
}

// provenance asks the Integrity API about u's file and checks that the
// answer carries u's attestations under want.
func (v *Verifier) provenance(ctx context.Context, u Uploaded, project string, want Publisher) *ProvenanceResult {
	pu, err := joinEscaped(v.api, "integrity", project, u.Version, u.Filename, "provenance")
	if err != nil {
		return &ProvenanceResult{Err: &permanentError{err}}
	}
	res := &ProvenanceResult{URL: redactURL(pu)}
	var sent []json.RawMessage
	if json.Unmarshal(u.Attestations, &sent) == nil {
		res.Uploaded = len(sent)
	}
	f, err := v.fetch(ctx, pu, integrityAccept, maxProvenance, false, nil)
	var he *Error
	switch {
	case errors.As(err, &he) && he.StatusCode == http.StatusForbidden:
		res.Disabled = true
		return res
	case err != nil:
		res.Err = err
		return res
	case f.status == http.StatusNotFound:
		res.Missing = noProvenance(f)
		return res
	}
	checked := checkProvenance(f.body, u.Attestations, want)
	checked.URL = res.URL
	if checked.Err != nil {
		checked.Err = &permanentError{fmt.Errorf("GET %s: %w", res.URL, checked.Err)}
	}
	return &checked
}

// noProvenance reports whether a 404 is Warehouse's "No provenance
// available" for a file it knows, rather than its page for an unknown one.
func noProvenance(f *fetched) bool {
	if !strings.HasSuffix(f.mediaType, "json") {
		return false
	}
	var m struct {
		Message string `json:"message"`
	}
	return json.Unmarshal(f.body, &m) == nil && strings.HasPrefix(m.Message, "No provenance available")
}

// provenanceJSON is a PEP 740 provenance object.
type provenanceJSON struct {
	Version int `json:"version"`
	Bundles []struct {
		Publisher map[string]any `json:"publisher"`
		// Attestations are decoded one by one: one this reader does not
		// understand is not ours, and does not hide ours.
		Attestations []json.RawMessage `json:"attestations"`
	} `json:"attestation_bundles"`
}

// attestationJSON is the part of an attestation object that identifies it.
type attestationJSON struct {
	VerificationMaterial struct {
		Certificate string `json:"certificate"`
	} `json:"verification_material"`
	Envelope struct {
		Statement string `json:"statement"`
		Signature string `json:"signature"`
	} `json:"envelope"`
}

// fingerprint identifies an attestation by the SHA-256 of its decoded
// statement, signature and certificate; statement is the first's hex.
type fingerprint struct{ statement, signature, certificate string }

func (a attestationJSON) fingerprint() (fingerprint, error) {
	var fp fingerprint
	for _, p := range []struct {
		name, b64 string
		dst       *string
	}{
		{"envelope.statement", a.Envelope.Statement, &fp.statement},
		{"envelope.signature", a.Envelope.Signature, &fp.signature},
		{"verification_material.certificate", a.VerificationMaterial.Certificate, &fp.certificate},
	} {
		b, err := decodeBase64(p.b64)
		if err != nil || len(b) == 0 {
			return fp, fmt.Errorf("attestation without a readable %s", p.name)
		}
		sum := sha256.Sum256(b)
		*p.dst = hex.EncodeToString(sum[:])
	}
	return fp, nil
}

// decodeBase64 decodes standard or URL-safe base64, padded or not,
// ignoring white space (pydantic's Base64Bytes writes standard padded
// base64).
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		var b []byte
		if b, err = enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, err
}

// publisherOf reads a provenance's publisher object (unknown keys and a
// "claims" key, which older Warehouse versions sent, are ignored).
func publisherOf(m map[string]any) Publisher {
	str := func(k string) string {
		s, _ := m[k].(string)
		return s
	}
	p := Publisher{Kind: str("kind"), Repository: str("repository"), Workflow: str("workflow"), Email: str("email")}
	if p.Workflow == "" {
		p.Workflow = str("workflow_filepath")
	}
	return p
}

// checkProvenance checks that the provenance object body contains every
// attestation of the uploaded attestations field, in bundles naming want.
func checkProvenance(body, uploaded []byte, want Publisher) ProvenanceResult {
	res := ProvenanceResult{}
	var ours []attestationJSON
	if err := json.Unmarshal(uploaded, &ours); err != nil {
		res.Err = fmt.Errorf("failed to read the uploaded attestations: %w", err)
		return res
	}
	var doc provenanceJSON
	if err := json.Unmarshal(body, &doc); err != nil {
		res.Err = fmt.Errorf("failed to decode the provenance: %w", err)
		return res
	}
	if doc.Version != 1 {
		res.Err = fmt.Errorf("unsupported provenance version %d", doc.Version)
		return res
	}
	res.Served, res.Uploaded = true, len(ours)
	served := map[fingerprint]int{} // → bundle index
	for i, b := range doc.Bundles {
		for _, raw := range b.Attestations {
			var a attestationJSON
			if json.Unmarshal(raw, &a) != nil {
				continue // not ours, whatever it is
			}
			fp, err := a.fingerprint()
			if err != nil {
				continue
			}
			served[fp] = i
			if len(res.Theirs) < 10 {
				res.Theirs = append(res.Theirs, fp.statement)
			}
		}
	}
	res.Contains, res.PublisherOK = len(ours) > 0, true
	first := -1
	for _, a := range ours {
		fp, err := a.fingerprint()
		if err != nil {
			res.Err = fmt.Errorf("failed to read the uploaded attestations: %w", err)
			return res
		}
		res.Ours = append(res.Ours, fp.statement)
		i, ok := served[fp]
		if !ok {
			res.Contains = false
			continue
		}
		if first < 0 {
			first = i
		}
		if !want.IsZero() && !publisherOf(doc.Bundles[i].Publisher).matches(want) {
			res.PublisherOK = false
		}
	}
	if first < 0 && len(doc.Bundles) > 0 {
		first = 0
	}
	if first >= 0 {
		res.Publisher = publisherOf(doc.Bundles[first].Publisher)
	}
	return res
}
