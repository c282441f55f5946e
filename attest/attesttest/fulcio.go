package attesttest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// FulcioOptions configures a fake Fulcio.
type FulcioOptions struct {
	// VerifyToken checks the OIDC token and returns its claims. Required;
	// Issuer.Verify fits, and so do the oidc package's fake JWTs.
	VerifyToken func(token string) (map[string]any, error)
	// Lifetime of leaf certificates; zero means 10 minutes (as Fulcio).
	Lifetime time.Duration
	// Clock; nil means time.Now.
	Clock func() time.Time
	// OmitExtensions lists Fulcio extension numbers (1.3.6.1.4.1.57264.1.N)
	// left out of leaves, to test verifiers.
	OmitExtensions []int
	// Mutate, when set, edits each leaf's template before issuance (to make
	// certificates a real Fulcio would not, for negative tests).
	Mutate func(*x509.Certificate)
}

// Fulcio is a fake Fulcio CA.
type Fulcio struct {
	URL string
	// Root and Intermediate form the CA chain (P-384).
	Root, Intermediate *x509.Certificate
	// CTKey signs the embedded SCTs (P-256).
	CTKey *ecdsa.PrivateKey

	// Retired are the CAs and CT logs replaced by Rotate, oldest first.
	Retired []RetiredCA

	o       FulcioOptions
	srv     *httptest.Server
	intKey  *ecdsa.PrivateKey
	ctLogID [32]byte

	mu       sync.Mutex
	issued   []*x509.Certificate
	failures []int
}

// RetiredCA is a Fulcio CA chain and CT log key that Rotate replaced, and
// when.
type RetiredCA struct {
	Root, Intermediate *x509.Certificate
	CTKey              *ecdsa.PrivateKey
	End                time.Time
}

// ca is one generation of the fake's keys.
type ca struct {
	root, intermediate *x509.Certificate
	intKey, ctKey      *ecdsa.PrivateKey
	ctLogID            [32]byte
}

// Fulcio and CT OIDs.
var (
	oidFulcio  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1}
	oidPoison  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 3}
	oidSCTList = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
)

// NewFulcio starts a fake Fulcio; Close stops it.
func NewFulcio(o FulcioOptions) (*Fulcio, error) {
	if o.VerifyToken == nil {
		return nil, errors.New("fake fulcio: VerifyToken is required")
	}
	if o.Lifetime == 0 {
		o.Lifetime = 10 * time.Minute
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	f := &Fulcio{o: o}
	c, err := newCA(o.Clock(), 1)
	if err != nil {
		return nil, err
	}
	f.setCA(c)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f, nil
}

// newCA makes generation gen of the fake's keys: a P-384 root and
// intermediate, and a P-256 CT log key.
func newCA(now time.Time, gen int) (*ca, error) {
	c := &ca{}
	name := "fake-sigstore"
	if gen > 1 {
		name = fmt.Sprintf("fake-sigstore-%d", gen)
	}
	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(int64(2*gen - 1)),
		Subject:               pkix.Name{Organization: []string{"fake.sigstore.test"}, CommonName: name},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	if c.root, err = x509.ParseCertificate(rootDER); err != nil {
		return nil, err
	}
	if c.intKey, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
		return nil, err
	}
	intTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(int64(2 * gen)),
		Subject:               pkix.Name{Organization: []string{"fake.sigstore.test"}, CommonName: name + "-intermediate"},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	intDER, err := x509.CreateCertificate(rand.Reader, intTmpl, c.root, &c.intKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	if c.intermediate, err = x509.ParseCertificate(intDER); err != nil {
		return nil, err
	}
	if c.ctKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	ctDER, err := x509.MarshalPKIXPublicKey(&c.ctKey.PublicKey)
	if err != nil {
		return nil, err
	}
	c.ctLogID = sha256.Sum256(ctDER)
	return c, nil
}

func (f *Fulcio) setCA(c *ca) {
	f.Root, f.Intermediate, f.CTKey = c.root, c.intermediate, c.ctKey
	f.intKey, f.ctLogID = c.intKey, c.ctLogID
}

// current returns the keys in use.
func (f *Fulcio) current() *ca {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &ca{root: f.Root, intermediate: f.Intermediate, intKey: f.intKey, ctKey: f.CTKey, ctLogID: f.ctLogID}
}

// Rotate replaces the CA chain and the CT log key with new ones, as
// Sigstore does when it rotates keys; the old ones move to Retired, ending
// now. TrustedRootJSON lists both. Call it between requests.
func (f *Fulcio) Rotate() error {
	f.mu.Lock()
	gen := len(f.Retired) + 2
	f.mu.Unlock()
	c, err := newCA(f.o.Clock(), gen)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Retired = append(f.Retired, RetiredCA{Root: f.Root, Intermediate: f.Intermediate, CTKey: f.CTKey, End: f.o.Clock()})
	f.setCA(c)
	return nil
}

// Close stops the server.
func (f *Fulcio) Close() { f.srv.Close() }

// Issued returns the leaf certificates issued so far.
func (f *Fulcio) Issued() []*x509.Certificate {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*x509.Certificate(nil), f.issued...)
}

// FailNext makes the next requests fail with the given HTTP statuses, in
// order (e.g. 503, 503 to test retries).
func (f *Fulcio) FailNext(statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, statuses...)
}

// grpcError writes the grpc-gateway error body Fulcio answers with.
func grpcError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "details": []any{}})
}

type signingCertRequest struct {
	Credentials *struct {
		OIDCIdentityToken string `json:"oidcIdentityToken"`
	} `json:"credentials,omitempty"`
	PublicKeyRequest *struct {
		PublicKey struct {
			Algorithm string `json:"algorithm"`
			Content   string `json:"content"`
		} `json:"publicKey"`
		ProofOfPossession []byte `json:"proofOfPossession"`
	} `json:"publicKeyRequest,omitempty"`
	CertificateSigningRequest []byte `json:"certificateSigningRequest,omitempty"`
}

func (f *Fulcio) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v2/signingCert" {
		grpcError(w, http.StatusNotFound, 5, "Not Found")
		return
	}
	if r.Method != http.MethodPost {
		grpcError(w, http.StatusMethodNotAllowed, 12, "Method Not Allowed")
		return
	}
	f.mu.Lock()
	if len(f.failures) > 0 {
		st := f.failures[0]
		f.failures = f.failures[1:]
		f.mu.Unlock()
		grpcError(w, st, 14, "injected failure")
		return
	}
	f.mu.Unlock()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		grpcError(w, http.StatusBadRequest, 3, "Content-Type must be application/json")
		return
	}
	var req signingCertRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		grpcError(w, http.StatusBadRequest, 3, "invalid request body: "+err.Error())
		return
	}
	token := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		t, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			grpcError(w, http.StatusUnauthorized, 16, "Authorization header is not a bearer token")
			return
		}
		token = t
	} else if req.Credentials != nil {
		token = req.Credentials.OIDCIdentityToken
	}
	if token == "" {
		grpcError(w, http.StatusUnauthorized, 16, "There was an error processing the identity token")
		return
	}
	claims, err := f.o.VerifyToken(token)
	if err != nil {
		grpcError(w, http.StatusUnauthorized, 16, "There was an error processing the identity token: "+err.Error())
		return
	}
	pub, err := proofOfPossession(&req, claims)
	if err != nil {
		grpcError(w, http.StatusBadRequest, 3, err.Error())
		return
	}
	chain, err := f.issue(pub, claims)
	if err != nil {
		grpcError(w, http.StatusBadRequest, 3, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK) // not 201: sigstore-go accepts only 200
	_ = json.NewEncoder(w).Encode(map[string]any{
		"signedCertificateEmbeddedSct": map[string]any{
			"chain": map[string]any{"certificates": chain},
		},
	})
}

// proofOfPossession returns the key to certify after checking that the
// caller holds it: a signed CSR, or a signature over the token's subject.
func proofOfPossession(req *signingCertRequest, claims map[string]any) (*ecdsa.PublicKey, error) {
	switch {
	case (req.PublicKeyRequest == nil) == (req.CertificateSigningRequest == nil):
		return nil, errors.New("exactly one of publicKeyRequest and certificateSigningRequest is required")
	case req.CertificateSigningRequest != nil:
		blk, _ := pem.Decode(req.CertificateSigningRequest)
		if blk == nil || blk.Type != "CERTIFICATE REQUEST" {
			return nil, errors.New("certificateSigningRequest is not a PEM certificate request")
		}
		csr, err := x509.ParseCertificateRequest(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("invalid certificate request: %v", err)
		}
		if err := csr.CheckSignature(); err != nil {
			return nil, errors.New("the certificate request's signature does not verify")
		}
		k, ok := csr.PublicKey.(*ecdsa.PublicKey)
		if !ok {
			return nil, errors.New("unsupported public key type")
		}
		return k, nil
	default:
		p := req.PublicKeyRequest
		// Fulcio takes a PKIX key as PEM or as base64 of DER.
		der := []byte(nil)
		if blk, _ := pem.Decode([]byte(p.PublicKey.Content)); blk != nil {
			der = blk.Bytes
		} else if b, err := base64.StdEncoding.DecodeString(p.PublicKey.Content); err == nil {
			der = b
		} else {
			return nil, errors.New("publicKey.content is neither PEM nor base64 DER")
		}
		anyKey, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("invalid public key: %v", err)
		}
		k, ok := anyKey.(*ecdsa.PublicKey)
		if !ok {
			return nil, errors.New("unsupported public key type")
		}
		subject, _ := claims["email"].(string)
		if subject == "" {
			subject, _ = claims["sub"].(string)
		}
		d := sha256.Sum256([]byte(subject))
		if !ecdsa.VerifyASN1(k, d[:], p.ProofOfPossession) {
			return nil, errors.New("the proof of possession does not verify")
		}
		return k, nil
	}
}

func claimString(c map[string]any, name string) string {
	switch v := c[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return fmt.Sprintf("%.0f", v)
	}
	return ""
}

// issue makes a leaf with an embedded SCT and returns the PEM chain. The
// certificate's identity follows Fulcio's configuration for the token's
// issuer: a GitHub workflow, a GitLab pipeline, or an e-mail address.
func (f *Fulcio) issue(pub *ecdsa.PublicKey, c map[string]any) ([]string, error) {
	var (
		extra  []pkix.Extension
		uris   []*url.URL
		emails []string
		err    error
	)
	switch claimString(c, "iss") {
	case GitLabIssuer:
		extra, uris, err = f.gitlabIdentity(c)
	case GoogleIssuer:
		extra, emails, err = f.emailIdentity(c)
	default:
		extra, uris, err = f.githubIdentity(c)
	}
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
	if err != nil {
		return nil, err
	}
	now := f.o.Clock().Truncate(time.Second)
	cur := f.current()
	tmpl := &x509.Certificate{
		SerialNumber:   serial,
		NotBefore:      now,
		NotAfter:       now.Add(f.o.Lifetime),
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		URIs:           uris,
		EmailAddresses: emails,
		SubjectKeyId:   skid(pub),
		AuthorityKeyId: cur.intermediate.SubjectKeyId,
	}
	if f.o.Mutate != nil {
		f.o.Mutate(tmpl)
	}
	der, err := signWithSCT(cur, tmpl, extra, pub, now)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.issued = append(f.issued, leaf)
	f.mu.Unlock()
	return []string{pemCert(der), pemCert(cur.intermediate.Raw), pemCert(cur.root.Raw)}, nil
}

// githubIdentity is the certificate identity of a GitHub Actions token:
// the job workflow's URI and Fulcio's github-workflow extensions.
func (f *Fulcio) githubIdentity(c map[string]any) ([]pkix.Extension, []*url.URL, error) {
	for _, n := range []string{"iss", "sub", "repository", "repository_owner", "workflow_ref", "job_workflow_ref", "ref", "sha", "event_name"} {
		if claimString(c, n) == "" {
			return nil, nil, fmt.Errorf("token is missing the %s claim", n)
		}
	}
	extra, err := f.extensions(c)
	if err != nil {
		return nil, nil, err
	}
	san, err := parseURL("https://github.com/" + claimString(c, "job_workflow_ref"))
	return extra, san, err
}

// extensions are Fulcio's certificate extensions for the GitHub claims c
// (1.3.6.1.4.1.57264.1.n), less the ones the options omit.
func (f *Fulcio) extensions(c map[string]any) ([]pkix.Extension, error) {
	gh := func(s string) string { return "https://github.com/" + s }
	repo := claimString(c, "repository")
	runURI := ""
	if id, at := claimString(c, "run_id"), claimString(c, "run_attempt"); id != "" && at != "" {
		runURI = gh(repo + "/actions/runs/" + id + "/attempts/" + at)
	}
	exts := []struct {
		n   int
		raw bool
		v   string
	}{
		{1, true, claimString(c, "iss")},
		{2, true, claimString(c, "event_name")},
		{3, true, claimString(c, "sha")},
		{4, true, claimString(c, "workflow")},
		{5, true, repo},
		{6, true, claimString(c, "ref")},
		{8, false, claimString(c, "iss")},
		{9, false, gh(claimString(c, "job_workflow_ref"))},
		{10, false, claimString(c, "job_workflow_sha")},
		{11, false, claimString(c, "runner_environment")},
		{12, false, gh(repo)},
		{13, false, claimString(c, "sha")},
		{14, false, claimString(c, "ref")},
		{15, false, claimString(c, "repository_id")},
		{16, false, gh(claimString(c, "repository_owner"))},
		{17, false, claimString(c, "repository_owner_id")},
		{18, false, gh(claimString(c, "workflow_ref"))},
		{19, false, claimString(c, "workflow_sha")},
		{20, false, claimString(c, "event_name")},
		{21, false, runURI},
		{22, false, claimString(c, "repository_visibility")},
	}
	list := make([]ext, 0, len(exts))
	for _, e := range exts {
		if e.v != gh("") {
			list = append(list, ext{e.n, e.raw, e.v})
		}
	}
	return f.encode(list)
}

// ext is one Fulcio extension: number n (1.3.6.1.4.1.57264.1.n), raw
// bytes (the deprecated 1.1-1.6) or a DER UTF8String, and its value.
type ext struct {
	n   int
	raw bool
	v   string
}

// encode makes the extensions, leaving out empty ones and those the
// options omit.
func (f *Fulcio) encode(list []ext) ([]pkix.Extension, error) {
	var extra []pkix.Extension
	for _, e := range list {
		if containsInt(f.o.OmitExtensions, e.n) || e.v == "" {
			continue
		}
		val := []byte(e.v)
		if !e.raw {
			var err error
			if val, err = asn1.MarshalWithParams(e.v, "utf8"); err != nil {
				return nil, err
			}
		}
		extra = append(extra, pkix.Extension{Id: append(append(asn1.ObjectIdentifier{}, oidFulcio...), e.n), Value: val})
	}
	return extra, nil
}

// gitlabIdentity is the certificate identity of a GitLab CI/CD token as
// Fulcio's gitlab-pipeline templates make it (config/identity/config.yaml):
// the SAN and Build Signer/Config URIs are "https://" + ci_config_ref_uri,
// the source repository https://gitlab.com/<project_path> at sha and
// refs/heads|tags/<ref>. A claim a template needs is required, as Fulcio's
// templates fail on a missing key.
func (f *Fulcio) gitlabIdentity(c map[string]any) ([]pkix.Extension, []*url.URL, error) {
	for _, n := range []string{"iss", "sub", "project_path", "namespace_path", "ci_config_ref_uri", "sha", "ref", "ref_type", "job_id"} {
		if claimString(c, n) == "" {
			return nil, nil, fmt.Errorf("token is missing the %s claim", n)
		}
	}
	const gl = "https://gitlab.com" // the template's default; GitLab tokens have no "url" claim
	cfg := "https://" + claimString(c, "ci_config_ref_uri")
	kind := "tags/"
	if claimString(c, "ref_type") == "branch" {
		kind = "heads/"
	}
	extra, err := f.encode([]ext{
		{1, true, claimString(c, "iss")},
		{8, false, claimString(c, "iss")},
		{9, false, cfg},
		{10, false, claimString(c, "ci_config_sha")},
		{11, false, claimString(c, "runner_environment")},
		{12, false, gl + "/" + claimString(c, "project_path")},
		{13, false, claimString(c, "sha")},
		{14, false, "refs/" + kind + claimString(c, "ref")},
		{15, false, claimString(c, "project_id")},
		{16, false, gl + "/" + claimString(c, "namespace_path")},
		{17, false, claimString(c, "namespace_id")},
		{18, false, cfg},
		{19, false, claimString(c, "ci_config_sha")},
		{20, false, claimString(c, "pipeline_source")},
		{21, false, gl + "/" + claimString(c, "project_path") + "/-/jobs/" + claimString(c, "job_id")},
		{22, false, claimString(c, "project_visibility")},
	})
	if err != nil {
		return nil, nil, err
	}
	san, err := parseURL(cfg)
	return extra, san, err
}

// emailIdentity is the certificate identity of an e-mail issuer's token
// (Google): the SAN is the verified e-mail address, the issuer extensions
// hold the token's issuer.
func (f *Fulcio) emailIdentity(c map[string]any) ([]pkix.Extension, []string, error) {
	email := claimString(c, "email")
	if email == "" || !strings.Contains(email, "@") {
		return nil, nil, errors.New("token has no valid email claim")
	}
	if v, ok := c["email_verified"].(bool); !ok || !v {
		return nil, nil, errors.New("email_verified claim was false")
	}
	extra, err := f.encode([]ext{{1, true, claimString(c, "iss")}, {8, false, claimString(c, "iss")}})
	return extra, []string{email}, err
}

// signWithSCT signs tmpl as Fulcio does: a precertificate with the poison
// extension, an SCT over it, then the certificate with the SCT list where
// the poison was. It returns the certificate's DER.
func signWithSCT(cur *ca, tmpl *x509.Certificate, extra []pkix.Extension, pub *ecdsa.PublicKey, now time.Time) ([]byte, error) {
	// 1. The precertificate, with the critical poison extension last.
	tmpl.ExtraExtensions = append(append([]pkix.Extension{}, extra...), pkix.Extension{Id: oidPoison, Critical: true, Value: []byte{0x05, 0x00}})
	preDER, err := x509.CreateCertificate(rand.Reader, tmpl, cur.intermediate, pub, cur.intKey)
	if err != nil {
		return nil, err
	}
	pre, err := x509.ParseCertificate(preDER)
	if err != nil {
		return nil, err
	}
	tbs, err := dropExtension(pre.RawTBSCertificate, oidPoison)
	if err != nil {
		return nil, err
	}
	// 2. The SCT over the precertificate's TBS without the poison.
	sctList, err := signSCT(cur, now, tbs)
	if err != nil {
		return nil, err
	}
	// 3. The final certificate: same fields, the SCT list where the poison was.
	tmpl.ExtraExtensions[len(tmpl.ExtraExtensions)-1] = pkix.Extension{Id: oidSCTList, Value: sctList}
	return x509.CreateCertificate(rand.Reader, tmpl, cur.intermediate, pub, cur.intKey)
}

func signSCT(cur *ca, now time.Time, tbs []byte) ([]byte, error) {
	ts := uint64(now.UnixMilli())
	keyHash := sha256.Sum256(cur.intermediate.RawSubjectPublicKeyInfo)
	msg := []byte{0, 0}
	msg = binary.BigEndian.AppendUint64(msg, ts)
	msg = append(msg, 0, 1)
	msg = append(msg, keyHash[:]...)
	msg = append(msg, byte(len(tbs)>>16), byte(len(tbs)>>8), byte(len(tbs)))
	msg = append(msg, tbs...)
	msg = append(msg, 0, 0) // no extensions
	d := sha256.Sum256(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, cur.ctKey, d[:])
	if err != nil {
		return nil, err
	}
	sct := []byte{0}
	sct = append(sct, cur.ctLogID[:]...)
	sct = binary.BigEndian.AppendUint64(sct, ts)
	sct = append(sct, 0, 0, 4, 3)
	sct = binary.BigEndian.AppendUint16(sct, uint16(len(sig)))
	sct = append(sct, sig...)
	list := binary.BigEndian.AppendUint16(nil, uint16(len(sct)+2))
	list = binary.BigEndian.AppendUint16(list, uint16(len(sct)))
	list = append(list, sct...)
	return asn1.Marshal(list)
}

// CTLogID is the fake CT log's ID (SHA-256 of its DER public key).
func (f *Fulcio) CTLogID() []byte {
	c := f.current()
	return append([]byte(nil), c.ctLogID[:]...)
}

func skid(pub crypto.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	s := sha256.Sum256(der)
	return s[:20]
}

func pemCert(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// dropExtension removes one extension from a DER TBSCertificate.
func dropExtension(tbs []byte, oid asn1.ObjectIdentifier) ([]byte, error) {
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(tbs, &seq); err != nil {
		return nil, err
	}
	var out []byte
	for rest := seq.Bytes; len(rest) > 0; {
		var el asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &el); err != nil {
			return nil, err
		}
		if el.Class != asn1.ClassContextSpecific || el.Tag != 3 {
			out = append(out, el.FullBytes...)
			continue
		}
		var exts []asn1.RawValue
		if _, err := asn1.Unmarshal(el.Bytes, &exts); err != nil {
			return nil, err
		}
		var kept []byte
		for _, e := range exts {
			var id struct {
				ID   asn1.ObjectIdentifier
				Rest asn1.RawValue `asn1:"optional"`
				More asn1.RawValue `asn1:"optional"`
			}
			if _, err := asn1.Unmarshal(e.FullBytes, &id); err != nil {
				return nil, err
			}
			if !id.ID.Equal(oid) {
				kept = append(kept, e.FullBytes...)
			}
		}
		inner, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: kept})
		wrapped, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 3, IsCompound: true, Bytes: inner})
		out = append(out, wrapped...)
	}
	return asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: out})
}
