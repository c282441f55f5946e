package attesttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// RekorOptions configures a fake Rekor v1.
type RekorOptions struct {
	// Clock gives integrated times; nil means time.Now.
	Clock func() time.Time
	// TreeID names the tree in the checkpoint origin; zero means a fixed
	// large value.
	TreeID int64
	// Prefix is the number of (virtual) leaves in the tree before the
	// first entry: a power of two, zero means 1<<31, so tree-local indices
	// do not fit an int32 either.
	Prefix uint64
	// IndexOffset is added to the tree-local index to make the global
	// logIndex (an earlier shard's size); zero means 3_000_000_000.
	IndexOffset int64
}

// Rekor is a fake Rekor v1 transparency log for "dsse" 0.0.1 entries.
type Rekor struct {
	URL string
	// Key signs signed entry timestamps and checkpoints (P-256).
	Key *ecdsa.PrivateKey

	o          RekorOptions
	srv        *httptest.Server
	host       string
	logID      []byte
	prefixRoot []byte

	mu       sync.Mutex
	leaves   [][]byte
	byUUID   map[string][]byte // uuid -> response entry JSON
	byLeaf   map[string]string // leaf hash hex -> uuid
	failures []int
	lose     int
}

// NewRekor starts a fake Rekor; Close stops it.
func NewRekor(o RekorOptions) (*Rekor, error) {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.TreeID == 0 {
		o.TreeID = 1193050959916656506
	}
	if o.Prefix == 0 {
		o.Prefix = 1 << 31
	}
	if o.Prefix&(o.Prefix-1) != 0 {
		return nil, errors.New("fake rekor: Prefix must be a power of two")
	}
	if o.IndexOffset == 0 {
		o.IndexOffset = 3_000_000_000
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	id := sha256.Sum256(der)
	pr := make([]byte, 32)
	if _, err := rand.Read(pr); err != nil {
		return nil, err
	}
	r := &Rekor{o: o, Key: key, logID: id[:], prefixRoot: pr, byUUID: map[string][]byte{}, byLeaf: map[string]string{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	u, _ := url.Parse(r.URL)
	r.host = u.Hostname()
	return r, nil
}

// Close stops the server.
func (r *Rekor) Close() { r.srv.Close() }

// LogID is SHA-256 of the log's DER public key.
func (r *Rekor) LogID() []byte { return append([]byte(nil), r.logID...) }

// Entries returns the number of entries logged.
func (r *Rekor) Entries() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.leaves)
}

// LoseNext makes the next n POSTs log their entry but answer 504, as when
// the answer is lost on the way back; a retry then meets 409 Conflict.
func (r *Rekor) LoseNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lose += n
}

// FailNext makes the next POSTs fail with the given HTTP statuses.
func (r *Rekor) FailNext(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, statuses...)
}

func rekorError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": status, "message": msg})
}

func (r *Rekor) serve(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.URL.Path == "/api/v1/log/entries" && req.Method == http.MethodPost:
		r.create(w, req)
	case strings.HasPrefix(req.URL.Path, "/api/v1/log/entries/") && req.Method == http.MethodGet:
		uuid := strings.TrimPrefix(req.URL.Path, "/api/v1/log/entries/")
		r.mu.Lock()
		e, ok := r.byUUID[uuid]
		r.mu.Unlock()
		if !ok {
			rekorError(w, http.StatusNotFound, "entry not found")
			return
		}
		writeEntry(w, http.StatusOK, uuid, e)
	case req.URL.Path == "/api/v1/log/entries":
		rekorError(w, http.StatusMethodNotAllowed, "method not allowed")
	default:
		rekorError(w, http.StatusNotFound, "not found")
	}
}

type proposedEntry struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		ProposedContent *proposedContent `json:"proposedContent"`
	} `json:"spec"`
}

type proposedContent struct {
	Envelope  string   `json:"envelope"`
	Verifiers [][]byte `json:"verifiers"`
}

type dsseEnvelope struct {
	Payload     []byte `json:"payload"`
	PayloadType string `json:"payloadType"`
	Signatures  []struct {
		Sig   []byte `json:"sig"`
		KeyID string `json:"keyid"`
	} `json:"signatures"`
}

func (r *Rekor) create(w http.ResponseWriter, req *http.Request) {
	if st, ok := r.injectedFailure(); ok {
		rekorError(w, st, "injected failure")
		return
	}
	pc, env, err := decodeProposed(w, req)
	if err != nil {
		rekorError(w, http.StatusBadRequest, err.Error())
		return
	}
	sigs, err := verifyEnvelope(pc, env)
	if err != nil {
		rekorError(w, http.StatusBadRequest, err.Error())
		return
	}
	body, err := dsseBody(pc, env, sigs)
	if err != nil {
		rekorError(w, http.StatusInternalServerError, err.Error())
		return
	}
	uuid, entry, err := r.append(body)
	if errors.Is(err, errDuplicate) {
		w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
		rekorError(w, http.StatusConflict, "an equivalent entry already exists in the transparency log with UUID "+uuid)
		return
	}
	if err != nil {
		rekorError(w, http.StatusInternalServerError, err.Error())
		return
	}
	r.mu.Lock()
	lose := r.lose > 0
	if lose {
		r.lose--
	}
	r.mu.Unlock()
	if lose {
		rekorError(w, http.StatusGatewayTimeout, "injected lost answer")
		return
	}
	writeEntry(w, http.StatusCreated, uuid, entry)
}

// injectedFailure takes the next scripted failure status, if any.
func (r *Rekor) injectedFailure() (status int, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failures) == 0 {
		return 0, false
	}
	st := r.failures[0]
	r.failures = r.failures[1:]
	return st, true
}

// decodeProposed reads a proposed dsse 0.0.1 entry strictly; its errors
// are the 400 answer's message.
func decodeProposed(w http.ResponseWriter, req *http.Request) (*proposedContent, dsseEnvelope, error) {
	var env dsseEnvelope
	if !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		return nil, env, refusal("Content-Type must be application/json")
	}
	var p proposedEntry
	dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, env, errors.New("invalid proposed entry: " + err.Error())
	}
	if p.Kind != "dsse" || p.APIVersion != "0.0.1" {
		return nil, env, fmt.Errorf("unsupported entry kind %s/%s", p.Kind, p.APIVersion)
	}
	pc := p.Spec.ProposedContent
	if pc == nil || pc.Envelope == "" || len(pc.Verifiers) == 0 {
		return nil, env, errors.New("proposedContent needs an envelope and verifiers")
	}
	if err := json.Unmarshal([]byte(pc.Envelope), &env); err != nil {
		return nil, env, errors.New("envelope is not a DSSE envelope: " + err.Error())
	}
	if env.PayloadType == "" || len(env.Payload) == 0 || len(env.Signatures) == 0 {
		return nil, env, errors.New("envelope needs payload, payloadType and signatures")
	}
	return pc, env, nil
}

// refusal is the message of a 400 answer, worded as Rekor words it.
type refusal string

func (r refusal) Error() string { return string(r) }

// sigEntry is one verified signature of a dsse entry.
type sigEntry struct {
	Signature string `json:"signature"`
	Verifier  string `json:"verifier"`
}

// verifyEnvelope checks that a verifier verifies each signature over the
// envelope's PAE; its errors are the 400 answer's message.
func verifyEnvelope(pc *proposedContent, env dsseEnvelope) ([]sigEntry, error) {
	pae := []byte(fmt.Sprintf("DSSEv1 %d %s %d ", len(env.PayloadType), env.PayloadType, len(env.Payload)))
	pae = append(pae, env.Payload...)
	digest := sha256.Sum256(pae)
	var sigs []sigEntry
	for _, s := range env.Signatures {
		matched := ""
		for _, v := range pc.Verifiers {
			key, err := verifierKey(v)
			if err != nil {
				return nil, errors.New("invalid verifier: " + err.Error())
			}
			if ecdsa.VerifyASN1(key, digest[:], s.Sig) {
				matched = base64.StdEncoding.EncodeToString(v)
				break
			}
		}
		if matched == "" {
			return nil, errors.New("could not verify envelope signature with any verifier")
		}
		sigs = append(sigs, sigEntry{Signature: base64.StdEncoding.EncodeToString(s.Sig), Verifier: matched})
	}
	return sigs, nil
}

// dsseBody is the canonical body Rekor stores for a dsse entry.
func dsseBody(pc *proposedContent, env dsseEnvelope, sigs []sigEntry) ([]byte, error) {
	envHash := sha256.Sum256([]byte(pc.Envelope))
	payloadHash := sha256.Sum256(env.Payload)
	type hash struct {
		Algorithm string `json:"algorithm"`
		Value     string `json:"value"`
	}
	type spec struct {
		EnvelopeHash hash       `json:"envelopeHash"`
		PayloadHash  hash       `json:"payloadHash"`
		Signatures   []sigEntry `json:"signatures"`
	}
	return json.Marshal(struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       spec   `json:"spec"`
	}{APIVersion: "0.0.1", Kind: "dsse", Spec: spec{
		hash{"sha256", hex.EncodeToString(envHash[:])}, hash{"sha256", hex.EncodeToString(payloadHash[:])}, sigs}})
}

func writeEntry(w http.ResponseWriter, status int, uuid string, entry []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", uuid)
	w.Header().Set("Location", "/api/v1/log/entries/"+uuid)
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "{%q:%s}\n", uuid, entry)
}

func verifierKey(v []byte) (*ecdsa.PublicKey, error) {
	blk, _ := pem.Decode(v)
	if blk == nil {
		return nil, errors.New("not PEM")
	}
	var key any
	switch blk.Type {
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		key = c.PublicKey
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		key = k
	default:
		return nil, fmt.Errorf("PEM type %s", blk.Type)
	}
	k, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("not an ECDSA key")
	}
	return k, nil
}

var errDuplicate = errors.New("duplicate entry")

// append logs a canonical body and returns the entry's UUID and the JSON
// of its LogEntry value.
func (r *Rekor) append(body []byte) (string, []byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	leaf := hashLeaf(body)
	if uuid, ok := r.byLeaf[hex.EncodeToString(leaf)]; ok {
		return uuid, nil, errDuplicate
	}
	r.leaves = append(r.leaves, leaf)
	j := uint64(len(r.leaves) - 1)
	local := r.o.Prefix + j
	size := r.o.Prefix + uint64(len(r.leaves))
	// The tree is a perfect left subtree of Prefix virtual leaves (only
	// its root is known) and our leaves on the right (RFC 6962 §2.1:
	// the split point of a tree of size n is the largest power of two
	// below n, which is Prefix while len(leaves) <= Prefix).
	proof := append(path(j, r.leaves), r.prefixRoot)
	root := hashChildren(r.prefixRoot, mth(r.leaves))
	global := int64(local) + r.o.IndexOffset
	it := r.o.Clock().Unix()
	b64body := base64.StdEncoding.EncodeToString(body)
	logID := hex.EncodeToString(r.logID)
	set, err := r.sign([]byte(fmt.Sprintf(`{"body":%q,"integratedTime":%d,"logID":%q,"logIndex":%d}`, b64body, it, logID, global)))
	if err != nil {
		return "", nil, err
	}
	note := fmt.Sprintf("%s - %d\n%d\n%s\n", r.host, r.o.TreeID, size, base64.StdEncoding.EncodeToString(root))
	nsig, err := r.sign([]byte(note))
	if err != nil {
		return "", nil, err
	}
	checkpoint := note + "\n\u2014 " + r.host + " " + base64.StdEncoding.EncodeToString(append(append([]byte{}, r.logID[:4]...), nsig...)) + "\n"
	hashes := make([]string, len(proof))
	for i, h := range proof {
		hashes[i] = hex.EncodeToString(h)
	}
	type inclusionProof struct {
		Checkpoint string   `json:"checkpoint"`
		Hashes     []string `json:"hashes"`
		LogIndex   uint64   `json:"logIndex"`
		RootHash   string   `json:"rootHash"`
		TreeSize   uint64   `json:"treeSize"`
	}
	entry, err := json.Marshal(map[string]any{
		"body":           b64body,
		"integratedTime": it,
		"logID":          logID,
		"logIndex":       global,
		"verification": map[string]any{
			"inclusionProof":       inclusionProof{checkpoint, hashes, local, hex.EncodeToString(root), size},
			"signedEntryTimestamp": base64.StdEncoding.EncodeToString(set),
		},
	})
	if err != nil {
		return "", nil, err
	}
	uuid := fmt.Sprintf("%016x%s", r.o.TreeID, hex.EncodeToString(leaf))
	r.byUUID[uuid] = entry
	r.byLeaf[hex.EncodeToString(leaf)] = uuid
	return uuid, entry, nil
}

func (r *Rekor) sign(msg []byte) ([]byte, error) {
	d := sha256.Sum256(msg)
	return ecdsa.SignASN1(rand.Reader, r.Key, d[:])
}

func hashLeaf(b []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil)
}

func hashChildren(l, r []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// split returns the largest power of two smaller than n (n >= 2).
func split(n uint64) uint64 {
	k := uint64(1)
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// mth is RFC 6962's Merkle tree hash over leaf hashes.
func mth(leaves [][]byte) []byte {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := split(uint64(len(leaves)))
	return hashChildren(mth(leaves[:k]), mth(leaves[k:]))
}

// path is RFC 6962's audit path PATH(m, D[n]).
func path(m uint64, leaves [][]byte) [][]byte {
	n := uint64(len(leaves))
	if n <= 1 {
		return nil
	}
	k := split(n)
	if m < k {
		return append(path(m, leaves[:k]), mth(leaves[k:]))
	}
	return append(path(m-k, leaves[k:]), mth(leaves[:k]))
}
