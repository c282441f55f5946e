package tuf

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The top-level roles and their metadata file names.
const (
	roleRoot      = "root"
	roleTimestamp = "timestamp"
	roleSnapshot  = "snapshot"
	roleTargets   = "targets"
)

// Role lists the keys of a role and how many must sign.
type Role struct {
	KeyIDs    []string `json:"keyids"`
	Threshold int      `json:"threshold"`
}

// MetaFile describes a metadata file in timestamp or snapshot metadata.
// Length and Hashes are optional.
type MetaFile struct {
	Version int64             `json:"version"`
	Length  int64             `json:"length,omitempty"`
	Hashes  map[string]string `json:"hashes,omitempty"`
}

// TargetFile describes a target file in targets metadata.
type TargetFile struct {
	Length int64             `json:"length"`
	Hashes map[string]string `json:"hashes"`
}

// header holds the fields every role's "signed" object has.
type header struct {
	Type        string    `json:"_type"`
	SpecVersion string    `json:"spec_version"`
	Version     int64     `json:"version"`
	Expires     time.Time `json:"expires"`
}

type rootSigned struct {
	header
	ConsistentSnapshot bool            `json:"consistent_snapshot"`
	Keys               map[string]Key  `json:"keys"`
	Roles              map[string]Role `json:"roles"`
}

type metaSigned struct {
	header
	Meta map[string]MetaFile `json:"meta"`
}

type targetsSigned struct {
	header
	Targets map[string]TargetFile `json:"targets"`
}

type signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// metadata is one parsed metadata file.
type metadata[T any] struct {
	raw    []byte
	h      header
	signed T
	sigs   []signature
	// canon is the canonical JSON of "signed": the signed bytes.
	canon []byte
}

// parse decodes a metadata file and checks its type, specification version
// and version number. It does not check signatures or expiry.
func parse[T any](file string, raw []byte, wantType string) (*metadata[T], error) {
	var env struct {
		Signed     json.RawMessage `json:"signed"`
		Signatures []signature     `json:"signatures"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fail(file, ErrMalformed, err.Error())
	}
	if len(env.Signed) == 0 || env.Signed[0] != '{' {
		return nil, fail(file, ErrMalformed, "no signed object")
	}
	m := &metadata[T]{raw: raw, sigs: env.Signatures}
	if err := json.Unmarshal(env.Signed, &m.h); err != nil {
		return nil, fail(file, ErrMalformed, err.Error())
	}
	if err := json.Unmarshal(env.Signed, &m.signed); err != nil {
		return nil, fail(file, ErrMalformed, err.Error())
	}
	switch {
	case m.h.Type != wantType:
		return nil, fail(file, ErrMalformed, fmt.Sprintf("type %q, want %q", m.h.Type, wantType))
	case !supportedSpec(m.h.SpecVersion):
		return nil, fail(file, ErrMalformed, fmt.Sprintf("unsupported spec_version %q", m.h.SpecVersion))
	case m.h.Version < 1:
		return nil, fail(file, ErrMalformed, fmt.Sprintf("version %d", m.h.Version))
	case m.h.Expires.IsZero():
		return nil, fail(file, ErrMalformed, "no expiry")
	}
	var err error
	if m.canon, err = Canonical(env.Signed); err != nil {
		return nil, fail(file, ErrMalformed, err.Error())
	}
	return m, nil
}

// supportedSpec accepts specification versions 1.x and 1.x.y.
func supportedSpec(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != "1" {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// verify checks that at least role.Threshold distinct keys of the role,
// known in keys, signed m. Signatures by other keys, by keys of unsupported
// types and repeated signatures count for nothing.
func (m *metadata[T]) verify(file string, keys map[string]Key, role Role) error {
	if role.Threshold < 1 {
		return fail(file, ErrMalformed, fmt.Sprintf("threshold %d", role.Threshold))
	}
	inRole := make(map[string]bool, len(role.KeyIDs))
	for _, id := range role.KeyIDs {
		inRole[id] = true
	}
	valid := map[string]bool{}
	for _, s := range m.sigs {
		if !inRole[s.KeyID] || valid[s.KeyID] {
			continue
		}
		k, ok := keys[s.KeyID]
		if !ok {
			continue
		}
		v, err := parseKey(k)
		if err != nil {
			continue
		}
		sig, err := hex.DecodeString(s.Sig)
		if err != nil || len(sig) == 0 {
			continue
		}
		if v(m.canon, sig) {
			valid[s.KeyID] = true
		}
	}
	if len(valid) < role.Threshold {
		return fail(file, ErrSignatures, fmt.Sprintf("%d valid of the %d needed", len(valid), role.Threshold))
	}
	return nil
}

// expired reports whether m expired at t (an expiry equal to t counts as
// expired, as the specification says).
func (m *metadata[T]) expired(t time.Time) bool { return !m.h.Expires.After(t) }

// checkRoot checks what a root must hold beyond the header.
func checkRoot(file string, r *rootSigned) error {
	for _, name := range []string{roleRoot, roleTimestamp, roleSnapshot, roleTargets} {
		role, ok := r.Roles[name]
		if !ok {
			return fail(file, ErrMalformed, "no "+name+" role")
		}
		if role.Threshold < 1 {
			return fail(file, ErrMalformed, fmt.Sprintf("%s threshold %d", name, role.Threshold))
		}
	}
	return nil
}

// checkMetaFile checks the length and hashes of b against what m says, if
// it says anything.
func checkMetaFile(file string, b []byte, length int64, hashes map[string]string) error {
	if length > 0 && int64(len(b)) != length {
		return fail(file, ErrLengthOrHash, fmt.Sprintf("%d bytes, want %d", len(b), length))
	}
	for alg, want := range hashes {
		var got []byte
		switch alg {
		case "sha256":
			d := sha256.Sum256(b)
			got = d[:]
		case "sha512":
			d := sha512.Sum512(b)
			got = d[:]
		default:
			return fail(file, ErrLengthOrHash, "unsupported hash algorithm "+alg)
		}
		w, err := hex.DecodeString(want)
		if err != nil || subtle.ConstantTimeCompare(got, w) != 1 {
			return fail(file, ErrLengthOrHash, alg+" differs")
		}
	}
	return nil
}
