// Package tuftest is a TUF repository in memory, served over HTTP, for
// tests of the tuf package and of what builds on it. It signs with real
// keys (ECDSA, Ed25519, RSA-PSS), writes metadata with consistent
// snapshots the way Sigstore's repository does (N.root.json,
// timestamp.json, N.snapshot.json, N.targets.json, targets/HASH.NAME) and
// lets a test edit and re-sign any file to make a repository a client must
// reject.
package tuftest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

// Header holds the fields of every role's "signed" object.
type Header struct {
	Type        string    `json:"_type"`
	SpecVersion string    `json:"spec_version"`
	Version     int64     `json:"version"`
	Expires     time.Time `json:"expires"`
}

// Root is the "signed" object of root metadata.
type Root struct {
	Header
	ConsistentSnapshot bool                `json:"consistent_snapshot"`
	Keys               map[string]tuf.Key  `json:"keys"`
	Roles              map[string]tuf.Role `json:"roles"`
}

// Meta is the "signed" object of timestamp and snapshot metadata.
type Meta struct {
	Header
	Meta map[string]tuf.MetaFile `json:"meta"`
}

// Targets is the "signed" object of targets metadata.
type Targets struct {
	Header
	Targets map[string]tuf.TargetFile `json:"targets"`
}

// Options configures New. The zero value works.
type Options struct {
	// Clock sets expiry times; nil means time.Now.
	Clock func() time.Time
	// NotConsistent turns consistent snapshots off.
	NotConsistent bool
	// MetaHashes lists the length and hashes of snapshot and targets
	// metadata in timestamp and snapshot metadata (Sigstore does not).
	MetaHashes bool
	// RootKeys and RootThreshold default to 3 and 2.
	RootKeys, RootThreshold int
}

// Repo is a fake TUF repository. Its exported metadata is what the next
// Publish signs; edit it freely.
type Repo struct {
	Root      Root
	Timestamp Meta
	Snapshot  Meta
	Targets   Targets
	// Expiry is how long after the clock's time each role's metadata
	// expires when published (negative: already expired).
	Expiry map[string]time.Duration
	// URL is the repository's base URL (metadata; targets under /targets/).
	URL string

	o       Options
	keys    map[string][]*Key
	content map[string][]byte
	srv     *httptest.Server

	mu       sync.Mutex
	files    map[string][]byte
	status   map[string]int
	requests map[string]int
}

// New makes and publishes version 1 of every role and starts serving it;
// Close stops the server. Root keys are ECDSA (as Sigstore's), targets
// keys Ed25519, snapshot and timestamp keys ECDSA.
func New(o Options) (*Repo, error) {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.RootKeys == 0 {
		o.RootKeys = 3
	}
	if o.RootThreshold == 0 {
		o.RootThreshold = 2
	}
	r := &Repo{
		o:       o,
		keys:    map[string][]*Key{},
		content: map[string][]byte{},
		files:   map[string][]byte{}, status: map[string]int{}, requests: map[string]int{},
		Expiry: map[string]time.Duration{
			"root": 365 * 24 * time.Hour, "targets": 90 * 24 * time.Hour,
			"snapshot": 30 * 24 * time.Hour, "timestamp": 24 * time.Hour,
		},
	}
	kinds := map[string]string{"root": ECDSA, "targets": Ed25519, "snapshot": ECDSA, "timestamp": ECDSA}
	counts := map[string]int{"root": o.RootKeys, "targets": 1, "snapshot": 1, "timestamp": 1}
	r.Root = Root{Header: header("root", 1), ConsistentSnapshot: !o.NotConsistent, Keys: map[string]tuf.Key{}, Roles: map[string]tuf.Role{}}
	for _, role := range []string{"root", "targets", "snapshot", "timestamp"} {
		var ks []*Key
		for range counts[role] {
			k, err := NewKey(kinds[role])
			if err != nil {
				return nil, err
			}
			ks = append(ks, k)
		}
		r.keys[role] = ks
		threshold := 1
		if role == "root" {
			threshold = o.RootThreshold
		}
		r.setRole(role, ks, threshold)
	}
	r.Timestamp = Meta{Header: header("timestamp", 0), Meta: map[string]tuf.MetaFile{}}
	r.Snapshot = Meta{Header: header("snapshot", 0), Meta: map[string]tuf.MetaFile{}}
	r.Targets = Targets{Header: header("targets", 0), Targets: map[string]tuf.TargetFile{}}
	r.Root.Expires = r.expiry("root")
	if err := r.writeRoot(r.keys["root"]); err != nil {
		return nil, err
	}
	if err := r.Publish(); err != nil {
		return nil, err
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	return r, nil
}

func header(typ string, version int64) Header {
	return Header{Type: typ, SpecVersion: "1.0.31", Version: version}
}

func (r *Repo) setRole(role string, ks []*Key, threshold int) {
	ids := make([]string, 0, len(ks))
	for _, k := range ks {
		ids = append(ids, k.ID)
		r.Root.Keys[k.ID] = k.Public
	}
	r.Root.Roles[role] = tuf.Role{KeyIDs: ids, Threshold: threshold}
}

func (r *Repo) expiry(role string) time.Time {
	return r.o.Clock().Add(r.Expiry[role]).UTC().Truncate(time.Second)
}

// Close stops the server.
func (r *Repo) Close() { r.srv.Close() }

// Keys returns the current keys of a role.
func (r *Repo) Keys(role string) []*Key { return r.keys[role] }

// RootJSON returns the current root metadata file.
func (r *Repo) RootJSON() []byte { return r.File(fmt.Sprintf("%d.root.json", r.Root.Version)) }

// Sign returns the metadata file of signed, signed by every current key
// of role.
func (r *Repo) Sign(role string, signed any) ([]byte, error) {
	return r.SignWith(signed, r.keys[role]...)
}

// SignWith returns the metadata file of signed, signed by keys (possibly
// none).
func (r *Repo) SignWith(signed any, keys ...*Key) ([]byte, error) {
	b, err := json.Marshal(signed)
	if err != nil {
		return nil, err
	}
	canon, err := tuf.Canonical(b)
	if err != nil {
		return nil, err
	}
	type sig struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
	}
	sigs := []sig{}
	for _, k := range keys {
		s, err := k.Sign(canon)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, sig{KeyID: k.ID, Sig: s})
	}
	return json.MarshalIndent(struct {
		Signatures []sig           `json:"signatures"`
		Signed     json.RawMessage `json:"signed"`
	}{sigs, b}, "", " ")
}
