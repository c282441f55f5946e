package tuftest

import (
	"bytes"
	"errors"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

// TargetName is the target every scenario lists, with TargetContent.
const TargetName = "trusted_root.json"

// TargetContent is the content of TargetName.
var TargetContent = []byte(`{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`)

// Scenario is a repository a client must accept or reject. The tuf
// package's tests and the go-tuf oracle (test/oracle) run the same list.
type Scenario struct {
	Name    string
	Options Options
	// Setup edits the repository after New published root version 1 and
	// version 2 of the other roles (listing TargetName); it returns the
	// timestamp and snapshot metadata a client trusts from before (nil for
	// none). Nil does nothing.
	Setup func(r *Repo) (timestamp, snapshot []byte, err error)
	// MaxRootRotations and TimestampLimit configure the client when set.
	MaxRootRotations int
	TimestampLimit   int64
	// Target is fetched after the update; "" means TargetName.
	Target string
	// WantErr is the tuf sentinel the update or the fetch fails with; nil
	// means both succeed, the target is TargetContent and the trusted
	// versions are Want.
	WantErr error
	Want    map[string]int64
}

// Build makes the scenario's repository (the caller closes it), the root
// a client starts from, and the trusted timestamp and snapshot.
func (s Scenario) Build() (r *Repo, root, timestamp, snapshot []byte, err error) {
	if r, err = New(s.Options); err != nil {
		return nil, nil, nil, nil, err
	}
	r.AddTarget(TargetName, TargetContent)
	err = r.Publish()
	root = r.RootJSON()
	if err == nil && s.Setup != nil {
		timestamp, snapshot, err = s.Setup(r)
	}
	if err != nil {
		r.Close()
		return nil, nil, nil, nil, err
	}
	return r, root, timestamp, snapshot, nil
}

// steps keeps the first error of a sequence of repository edits.
type steps struct{ err error }

func (s *steps) do(err error) {
	if s.err == nil {
		s.err = err
	}
}

func (s *steps) b(b []byte, err error) []byte {
	s.do(err)
	return b
}

func versions(root, ts, snap, targets int64) map[string]int64 {
	return map[string]int64{"root": root, "timestamp": ts, "snapshot": snap, "targets": targets}
}

// consistentTarget is where a consistent repository serves TargetName.
func consistentTarget(r *Repo) string {
	return "targets/" + r.Targets.Targets[TargetName].Hashes["sha256"] + "." + TargetName
}

// Scenarios returns the shared scenarios: valid repositories (fresh, not
// consistent, hashed metadata, root rotations, floors) and every attack
// or fault the client must reject (expired, badly or under-signed,
// rolled back, mixed versions, wrong hashes or lengths, oversize, missing,
// wrong type or spec version).
func Scenarios() []Scenario {
	return append(validScenarios(), append(rootScenarios(), append(signatureScenarios(), append(rollbackScenarios(), fileScenarios()...)...)...)...)
}

func validScenarios() []Scenario {
	return []Scenario{
		{Name: "fresh", Want: versions(1, 2, 2, 2)},
		{Name: "not_consistent", Options: Options{NotConsistent: true}, Want: versions(1, 2, 2, 2)},
		{Name: "meta_hashes", Options: Options{MetaHashes: true}, Want: versions(1, 2, 2, 2)},
		{Name: "floors_at_the_current_versions", Want: versions(1, 2, 2, 2), Setup: func(r *Repo) ([]byte, []byte, error) {
			return r.File("timestamp.json"), r.File("2.snapshot.json"), nil
		}},
		{Name: "expired_floors_still_count", Want: versions(1, 4, 3, 3), Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Expiry["timestamp"] = -time.Hour
			s.do(r.PublishTimestamp())
			floor := r.File("timestamp.json")
			r.Expiry["timestamp"] = time.Hour
			s.do(r.Publish())
			return floor, nil, s.err
		}},
		{Name: "floor_of_a_rotated_timestamp_key_is_dropped", Want: versions(2, 1, 5, 5), Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			for range 3 {
				s.do(r.Publish())
			}
			floor := r.File("timestamp.json") // version 5
			s.do(r.RotateKeys("timestamp"))
			r.Timestamp.Version = 0
			s.do(r.PublishTimestamp())
			return floor, nil, s.err
		}},
	}
}

func rootScenarios() []Scenario {
	return []Scenario{
		{Name: "root_rotation", Want: versions(4, 3, 3, 3), Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			s.do(r.RotateKeys("root", "timestamp"))
			s.do(r.RotateKeys("root", "snapshot", "targets"))
			s.do(r.RotateKeys())
			s.do(r.Publish())
			return nil, nil, s.err
		}},
		// Stopping at root v2, the timestamp key is unknown.
		{Name: "root_rotation_limit", MaxRootRotations: 1, WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			s.do(r.RotateKeys("root"))
			s.do(r.RotateKeys("root", "timestamp"))
			s.do(r.Publish())
			return nil, nil, s.err
		}},
		// 1 of the 2 old root signatures needed, and every new one.
		{Name: "root_too_few_old_signatures", WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			old := r.Keys("root")
			s.do(r.ReplaceKeys("root"))
			s.do(r.PublishRoot(append([]*Key{old[0]}, r.Keys("root")...)...))
			return nil, nil, s.err
		}},
		{Name: "root_not_signed_by_its_own_keys", WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			old := r.Keys("root")
			s.do(r.ReplaceKeys("root"))
			s.do(r.PublishRoot(old...))
			return nil, nil, s.err
		}},
		// Version 3 served as 2.root.json.
		{Name: "root_version_skipped", WantErr: tuf.ErrVersion, Setup: func(r *Repo) ([]byte, []byte, error) {
			r.Root.Version = 2
			err := r.PublishRoot(r.Keys("root")...)
			r.Put("2.root.json", r.File("3.root.json"))
			return nil, nil, err
		}},
		{Name: "root_expired", WantErr: tuf.ErrExpired, Setup: func(r *Repo) ([]byte, []byte, error) {
			r.Expiry["root"] = -time.Minute
			return nil, nil, r.PublishRoot(r.Keys("root")...)
		}},
		{Name: "expired_root_replaced_by_a_valid_one", Want: versions(3, 2, 2, 2), Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Expiry["root"] = -time.Minute
			s.do(r.PublishRoot(r.Keys("root")...))
			r.Expiry["root"] = time.Hour
			s.do(r.PublishRoot(r.Keys("root")...))
			return nil, nil, s.err
		}},
	}
}

func signatureScenarios() []Scenario {
	expire := func(role string) func(r *Repo) ([]byte, []byte, error) {
		return func(r *Repo) ([]byte, []byte, error) {
			r.Expiry[role] = -time.Second
			return nil, nil, r.Publish()
		}
	}
	return []Scenario{
		{Name: "timestamp_expired", WantErr: tuf.ErrExpired, Setup: expire("timestamp")},
		{Name: "snapshot_expired", WantErr: tuf.ErrExpired, Setup: expire("snapshot")},
		{Name: "targets_expired", WantErr: tuf.ErrExpired, Setup: expire("targets")},
		{Name: "timestamp_signed_by_an_unknown_key", WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			k, err := NewKey(ECDSA)
			s.do(err)
			if s.err == nil {
				r.Put("timestamp.json", s.b(r.SignWith(r.Timestamp, k)))
			}
			return nil, nil, s.err
		}},
		{Name: "timestamp_signed_by_the_snapshot_key", WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Put("timestamp.json", s.b(r.Sign("snapshot", r.Timestamp)))
			return nil, nil, s.err
		}},
		{Name: "timestamp_tampered_after_signing", WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			b := r.File("timestamp.json")
			t := bytes.Replace(b, []byte(`"version": 2`), []byte(`"version": 3`), 1)
			if bytes.Equal(b, t) {
				return nil, nil, errors.New("tuftest: nothing to tamper with")
			}
			r.Put("timestamp.json", t)
			return nil, nil, nil
		}},
		// Two targets keys, threshold 2, only one signs.
		{Name: "targets_signature_without_a_threshold", WantErr: tuf.ErrSignatures, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			k, err := NewKey(RSA)
			s.do(err)
			if s.err != nil {
				return nil, nil, s.err
			}
			role := r.Root.Roles["targets"]
			role.KeyIDs = append(role.KeyIDs, k.ID)
			role.Threshold = 2
			r.Root.Roles["targets"] = role
			r.Root.Keys[k.ID] = k.Public
			s.do(r.PublishRoot(r.Keys("root")...))
			s.do(r.Publish())
			return nil, nil, s.err
		}},
	}
}

func rollbackScenarios() []Scenario {
	return []Scenario{
		{Name: "timestamp_rollback", WantErr: tuf.ErrRollback, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			old := r.File("timestamp.json")
			s.do(r.Publish())
			s.do(r.Publish())
			floor := r.File("timestamp.json")
			r.Put("timestamp.json", old)
			return floor, nil, s.err
		}},
		{Name: "timestamp_snapshot_version_rollback", WantErr: tuf.ErrRollback, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			s.do(r.Publish())
			s.do(r.Publish())
			floor := r.File("timestamp.json")
			r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 2}
			s.do(r.PublishTimestamp())
			return floor, nil, s.err
		}},
		{Name: "snapshot_targets_version_rollback", WantErr: tuf.ErrRollback, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			s.do(r.Publish())
			floor := r.File("3.snapshot.json")
			r.Snapshot.Meta["targets.json"] = tuf.MetaFile{Version: 2}
			r.Snapshot.Version = 4
			r.Put("4.snapshot.json", s.b(r.Sign("snapshot", r.Snapshot)))
			r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 4}
			s.do(r.PublishTimestamp())
			return nil, floor, s.err
		}},
		{Name: "snapshot_drops_a_listed_file", WantErr: tuf.ErrRollback, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Snapshot.Meta["other.json"] = tuf.MetaFile{Version: 1}
			s.do(r.Publish())
			floor := r.File("3.snapshot.json")
			delete(r.Snapshot.Meta, "other.json")
			s.do(r.Publish())
			return nil, floor, s.err
		}},
		{Name: "snapshot_version_differs_from_timestamp", WantErr: tuf.ErrVersion, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Snapshot.Version = 7
			r.Put("3.snapshot.json", s.b(r.Sign("snapshot", r.Snapshot)))
			r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 3}
			s.do(r.PublishTimestamp())
			return nil, nil, s.err
		}},
		{Name: "targets_version_differs_from_snapshot", WantErr: tuf.ErrVersion, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Put("3.targets.json", r.File("2.targets.json"))
			r.Snapshot.Meta["targets.json"] = tuf.MetaFile{Version: 3}
			r.Snapshot.Version++
			r.Put("3.snapshot.json", s.b(r.Sign("snapshot", r.Snapshot)))
			r.Timestamp.Meta["snapshot.json"] = tuf.MetaFile{Version: 3}
			s.do(r.PublishTimestamp())
			return nil, nil, s.err
		}},
	}
}

func fileScenarios() []Scenario {
	replaceTarget := func(f func([]byte) []byte) func(r *Repo) ([]byte, []byte, error) {
		return func(r *Repo) ([]byte, []byte, error) {
			r.Put(consistentTarget(r), f(append([]byte(nil), TargetContent...)))
			return nil, nil, nil
		}
	}
	return []Scenario{
		{Name: "snapshot_hash_mismatch", Options: Options{MetaHashes: true}, WantErr: tuf.ErrLengthOrHash, Setup: func(r *Repo) ([]byte, []byte, error) {
			r.Put("2.snapshot.json", bytes.Replace(r.File("2.snapshot.json"), []byte(`"_type"`), []byte(`"_typ_"`), 1))
			return nil, nil, nil
		}},
		{Name: "snapshot_longer_than_listed", Options: Options{MetaHashes: true}, WantErr: tuf.ErrTooLarge, Setup: func(r *Repo) ([]byte, []byte, error) {
			r.Put("2.snapshot.json", append(r.File("2.snapshot.json"), '\n'))
			return nil, nil, nil
		}},
		{Name: "target_hash_mismatch", WantErr: tuf.ErrLengthOrHash, Setup: replaceTarget(bytes.ToUpper)},
		{Name: "target_longer_than_listed", WantErr: tuf.ErrTooLarge, Setup: replaceTarget(func(b []byte) []byte { return append(b, ' ') })},
		{Name: "target_shorter_than_listed", WantErr: tuf.ErrLengthOrHash, Setup: replaceTarget(func(b []byte) []byte { return b[1:] })},
		{Name: "target_not_listed", Target: "signing_config.v0.2.json", WantErr: tuf.ErrNotFound},
		{Name: "timestamp_over_the_size_bound", TimestampLimit: 100, WantErr: tuf.ErrTooLarge},
		{Name: "timestamp_missing", WantErr: tuf.ErrNotFound, Setup: func(r *Repo) ([]byte, []byte, error) {
			r.Delete("timestamp.json")
			return nil, nil, nil
		}},
		{Name: "timestamp_is_a_snapshot", WantErr: tuf.ErrMalformed, Setup: func(r *Repo) ([]byte, []byte, error) {
			var s steps
			r.Put("timestamp.json", s.b(r.Sign("timestamp", r.Snapshot)))
			return nil, nil, s.err
		}},
		{Name: "unsupported_spec_version", WantErr: tuf.ErrMalformed, Setup: func(r *Repo) ([]byte, []byte, error) {
			r.Timestamp.SpecVersion = "2.0.0"
			return nil, nil, r.PublishTimestamp()
		}},
	}
}
