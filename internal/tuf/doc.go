// Package tuf is a client of The Update Framework (TUF), written against the
// specification, version 1.0 (https://theupdateframework.github.io/specification/latest/),
// section 5 ("Detailed client workflow"). It is what the action needs to
// follow Sigstore's trust data (tuf-repo-cdn.sigstore.dev) and no more:
//
//   - the trusted root comes from the caller (embedded in the binary) and is
//     updated through the chain of N.root.json files, each signed by a
//     threshold of the keys of the previous root and of its own;
//   - timestamp, snapshot and top-level targets metadata are fetched and
//     checked for signature thresholds, versions, lengths, hashes and expiry
//     (consistent snapshots or not), against a fixed update start time;
//   - rollback protection: versions never go below the trusted ones, which
//     may come from earlier metadata the caller keeps (WithTrustedMetadata);
//   - target files are fetched with the length and hashes the targets
//     metadata gives.
//
// Not implemented: delegated targets roles (a target missing from the
// top-level targets is ErrNotFound) and a local cache (every Update starts
// from the caller's metadata). Every download has a deadline and a size
// bound. Keys: ed25519, ECDSA P-256 and P-384 ("ecdsa" and
// "ecdsa-sha2-nistp256"/"-nistp384" key types), RSA-PSS with SHA-256.
//
// The package never prints, never reads the environment and never exits.
package tuf
