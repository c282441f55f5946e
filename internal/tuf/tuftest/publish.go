package tuftest

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

// AddTarget lists a target file (replacing one of the same name) in the
// targets metadata the next Publish signs.
func (r *Repo) AddTarget(name string, b []byte) {
	sum := sha256.Sum256(b)
	r.Targets.Targets[name] = tuf.TargetFile{Length: int64(len(b)), Hashes: map[string]string{"sha256": hex.EncodeToString(sum[:])}}
	r.content[name] = append([]byte(nil), b...)
}

// Publish signs and serves a new version of targets, snapshot and
// timestamp metadata (in that order), with fresh expiry times, and serves
// every listed target file.
func (r *Repo) Publish() error {
	for name, tf := range r.Targets.Targets {
		b, ok := r.content[name]
		if !ok {
			continue
		}
		dir, base := "", name
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			dir, base = name[:i+1], name[i+1:]
		}
		r.Put("targets/"+name, b)
		r.Put("targets/"+dir+tf.Hashes["sha256"]+"."+base, b)
	}
	r.Targets.Version++
	r.Targets.Expires = r.expiry("targets")
	b, err := r.Sign("targets", r.Targets)
	if err != nil {
		return err
	}
	r.putMeta("targets.json", r.Targets.Version, b)
	r.Snapshot.Meta["targets.json"] = r.metaFile(r.Targets.Version, b)
	r.Snapshot.Version++
	r.Snapshot.Expires = r.expiry("snapshot")
	if b, err = r.Sign("snapshot", r.Snapshot); err != nil {
		return err
	}
	r.putMeta("snapshot.json", r.Snapshot.Version, b)
	r.Timestamp.Meta["snapshot.json"] = r.metaFile(r.Snapshot.Version, b)
	return r.PublishTimestamp()
}

// PublishTimestamp signs and serves a new version of the timestamp
// metadata only.
func (r *Repo) PublishTimestamp() error {
	r.Timestamp.Version++
	r.Timestamp.Expires = r.expiry("timestamp")
	b, err := r.Sign("timestamp", r.Timestamp)
	if err != nil {
		return err
	}
	r.Put("timestamp.json", b)
	return nil
}

func (r *Repo) metaFile(version int64, b []byte) tuf.MetaFile {
	m := tuf.MetaFile{Version: version}
	if r.o.MetaHashes {
		s256 := sha256.Sum256(b)
		s512 := sha512.Sum512(b)
		m.Length = int64(len(b))
		m.Hashes = map[string]string{"sha256": hex.EncodeToString(s256[:]), "sha512": hex.EncodeToString(s512[:])}
	}
	return m
}

// putMeta serves snapshot or targets metadata under its consistent name
// and, for repositories without consistent snapshots, its plain name.
func (r *Repo) putMeta(name string, version int64, b []byte) {
	r.Put(fmt.Sprintf("%d.%s", version, name), b)
	if r.o.NotConsistent {
		r.Put(name, b)
	}
}

// RotateKeys gives each role new keys (ReplaceKeys) and publishes a new
// root version signed by the previous root keys and, when the root keys
// changed, the new ones too. Publish then signs the other roles with their
// new keys.
func (r *Repo) RotateKeys(roles ...string) error {
	old := r.keys["root"]
	if err := r.ReplaceKeys(roles...); err != nil {
		return err
	}
	signers := old
	if contains(roles, "root") {
		signers = append(append([]*Key(nil), old...), r.keys["root"]...)
	}
	return r.PublishRoot(signers...)
}

// ReplaceKeys gives each role new keys in Root (as many as before, of the
// same kinds, same threshold) without publishing anything.
func (r *Repo) ReplaceKeys(roles ...string) error {
	for _, role := range roles {
		var ks []*Key
		for _, k := range r.keys[role] {
			n, err := NewKey(k.Public.KeyType)
			if err != nil {
				return err
			}
			ks = append(ks, n)
		}
		r.keys[role] = ks
		r.setRole(role, ks, r.Root.Roles[role].Threshold)
	}
	r.pruneKeys()
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pruneKeys drops keys no role lists.
func (r *Repo) pruneKeys() {
	used := map[string]bool{}
	for _, role := range r.Root.Roles {
		for _, id := range role.KeyIDs {
			used[id] = true
		}
	}
	for id := range r.Root.Keys {
		if !used[id] {
			delete(r.Root.Keys, id)
		}
	}
}

// PublishRoot serves Root as a new version (N+1.root.json) with a fresh
// expiry, signed by signers.
func (r *Repo) PublishRoot(signers ...*Key) error {
	r.Root.Version++
	r.Root.Expires = r.expiry("root")
	return r.writeRoot(signers)
}

func (r *Repo) writeRoot(signers []*Key) error {
	b, err := r.SignWith(r.Root, signers...)
	if err != nil {
		return err
	}
	r.Put(fmt.Sprintf("%d.root.json", r.Root.Version), b)
	r.Put("root.json", b)
	return nil
}

// File returns a served file (nil when there is none).
func (r *Repo) File(path string) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.files[path]
}

// Put serves b at path (relative to the base URL, e.g. "timestamp.json"
// or "targets/<hash>.trusted_root.json").
func (r *Repo) Put(path string, b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[path] = append([]byte(nil), b...)
}

// Delete stops serving path.
func (r *Repo) Delete(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.files, path)
}

// SetStatus makes the server answer path with an HTTP status and no body
// (0 restores normal service).
func (r *Repo) SetStatus(path string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status[path] = status
}

// Requests returns how many GET requests path got.
func (r *Repo) Requests(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[path]
}

func (r *Repo) serve(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	path := strings.TrimPrefix(req.URL.Path, "/")
	r.mu.Lock()
	r.requests[path]++
	status := r.status[path]
	b, ok := r.files[path]
	r.mu.Unlock()
	switch {
	case status != 0:
		w.WriteHeader(status)
	case !ok:
		http.NotFound(w, req)
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
}
