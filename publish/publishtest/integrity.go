package publishtest

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Publisher is the trusted publisher a provenance object names. Warehouse
// takes it from its own publisher record, not from the upload.
type Publisher struct {
	Kind        string // "GitHub"
	Repository  string // "owner/name"
	Workflow    string // "release.yml"
	Environment string
}

// WithPublisher sets the publisher the Integrity API names in every
// provenance. The default is read from each upload's signing certificate
// (Fulcio's Source Repository URI and Build Config URI extensions), which
// is what a publisher record that minted the token would hold.
func WithPublisher(p Publisher) Option { return func(s *Server) { s.publisher = &p } }

// foreignPublisher is the publisher of ProvenanceForeignPublisher.
var foreignPublisher = Publisher{Kind: "GitHub", Repository: "mallory/other", Workflow: "evil.yml"}

const (
	integrityJSON = "application/vnd.pypi.integrity.v1+json"
	htmlNotFound  = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n"
)

// serveIntegrity answers PEP 740's Integrity API as Warehouse does
// (warehouse/api/integrity.py), PyPI mode only:
// /integrity/<project>/<version>/<filename>/provenance gives the
// provenance built from the upload's attestations field, re-serialised;
// 406 for an Accept it cannot satisfy; 403 and 404 "No provenance
// available" as scripted (ScriptView) or for a file uploaded without
// attestations; Warehouse's HTML 404 page for an unknown project, release
// or file.
func (s *Server) serveIntegrity(w http.ResponseWriter, r *http.Request) {
	seg := splitPath(r.URL.Path, "/integrity/")
	if s.mode != PyPI || len(seg) != 4 || seg[3] != "provenance" || r.Method != http.MethodGet {
		writeHTMLNotFound(w)
		return
	}
	ctype := integrityJSON
	if a := r.Header.Get("Accept"); a != "" {
		if ctype = offer(a, integrityJSON, "application/json"); ctype == "" {
			writeJSON(w, http.StatusNotAcceptable, []byte(`{"message": "Request not acceptable"}`))
			return
		}
	}
	project, version, filename := normalize(seg[0]), seg[1], seg[2]
	files := s.viewFiles(func(f *File) bool {
		return normalize(f.Project) == project && sameVersion(f.Version, version) && f.Filename == filename
	})
	if len(files) == 0 {
		writeHTMLNotFound(w)
		return
	}
	fault := s.viewFault(filename).Provenance
	switch {
	case fault == ProvenanceDisabled:
		writeJSON(w, http.StatusForbidden, []byte(`{"message": "Attestations temporarily disabled"}`))
		return
	case fault == ProvenanceMissing || files[0].Attestations == "":
		b, _ := json.Marshal(map[string]string{"message": "No provenance available for " + filename})
		writeJSON(w, http.StatusNotFound, b)
		return
	}
	body, err := s.provenance(files[0], fault)
	if err != nil {
		http.Error(w, "Internal Server Error: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "max-age=600, public")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write(body)
}

func writeHTMLNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(htmlNotFound))
}

// provenance builds a file's provenance object as Warehouse does: the
// uploaded attestations parsed and dumped again (keys reordered), in one
// bundle under the publisher; then the fault.
func (s *Server) provenance(f File, fault ProvenanceFault) ([]byte, error) {
	var atts []map[string]any
	if err := json.Unmarshal([]byte(f.Attestations), &atts); err != nil || len(atts) == 0 {
		return nil, fmt.Errorf("stored attestations of %s are not a JSON array of objects", f.Filename)
	}
	pub := s.publisher
	if pub == nil {
		p := publisherFromCertificate(atts[0])
		pub = &p
	}
	bundles := []map[string]any{{"publisher": pub.object(), "attestations": atts}}
	switch fault {
	case ProvenanceForeignPublisher:
		bundles[0]["publisher"] = foreignPublisher.object()
	case ProvenanceOther:
		atts[0] = altered(atts[0])
	case ProvenanceExtra:
		bundles = append(bundles, map[string]any{"publisher": foreignPublisher.object(), "attestations": []any{altered(atts[0])}})
	}
	return json.Marshal(map[string]any{"version": 1, "attestation_bundles": bundles})
}

// object is the publisher as pypi-attestations serialises a GitHub one.
func (p Publisher) object() map[string]any {
	var env any
	if p.Environment != "" {
		env = p.Environment
	}
	return map[string]any{"kind": p.Kind, "repository": p.Repository, "workflow": p.Workflow, "environment": env}
}

// altered returns a copy of an attestation object with the first byte of
// its signature changed.
func altered(att map[string]any) map[string]any {
	b, _ := json.Marshal(att)
	var c map[string]any
	_ = json.Unmarshal(b, &c)
	env, _ := c["envelope"].(map[string]any)
	if env == nil {
		return c
	}
	sig, _ := base64.StdEncoding.DecodeString(fmt.Sprint(env["signature"]))
	if len(sig) == 0 {
		sig = []byte{0}
	}
	sig[0] ^= 0xff
	env["signature"] = base64.StdEncoding.EncodeToString(sig)
	return c
}

// publisherFromCertificate reads the GitHub publisher out of an
// attestation's Fulcio certificate: the repository from the Source
// Repository URI (1.3.6.1.4.1.57264.1.12), the workflow file from the
// Build Config URI (…1.18). Missing parts stay empty.
func publisherFromCertificate(att map[string]any) Publisher {
	p := Publisher{Kind: "GitHub"}
	vm, _ := att["verification_material"].(map[string]any)
	der, err := base64.StdEncoding.DecodeString(fmt.Sprint(vm["certificate"]))
	if err != nil {
		return p
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return p
	}
	for _, e := range cert.Extensions {
		var v string
		if len(e.Id) != 9 || !e.Id[:8].Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1}) {
			continue
		}
		if _, err := asn1.UnmarshalWithParams(e.Value, &v, "utf8"); err != nil {
			continue
		}
		switch e.Id[8] {
		case 12:
			p.Repository = strings.TrimPrefix(v, "https://github.com/")
		case 18:
			before, _, _ := strings.Cut(v, "@")
			p.Workflow = before[strings.LastIndex(before, "/")+1:]
		}
	}
	return p
}
