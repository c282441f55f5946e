// Package attest makes and checks PEP 740 publish attestations
// (https://peps.python.org/pep-0740/) natively, with the standard library's
// crypto only.
//
// A Signer asks for an OIDC ID token (GitHub Actions, GitLab CI/CD or Google
// Cloud) with the audience "sigstore", gets a short-lived certificate for
// one ephemeral ECDSA P-256 key from Fulcio (POST /api/v2/signingCert), signs the in-toto statement of each
// distribution as a DSSE envelope and logs it in Rekor v1 as a "dsse" 0.0.1
// entry. The result is the attestation object PyPI expects in the upload
// form's "attestations" field (pypi-attestations' Attestation model, field
// order as its JSON serialisation).
//
// Verify is a port of the checks PyPI (Warehouse, through pypi-attestations
// and sigstore-python) runs on upload: certificate chain and embedded SCT
// against a trusted root, the transparency log entry (signed entry
// timestamp, inclusion proof, signed checkpoint), the DSSE signature, the
// statement and its single subject, and the trusted publisher's policy
// (GitHub, GitLab or Google).
// Everything is verified at the log entry's integrated time, so verifying
// needs no clock and no network.
//
// Which keys to trust and where to sign come from Sigstore: FetchTrust
// updates Sigstore's TUF repository (tuf-repo-cdn.sigstore.dev, through
// package internal/tuf) from the root built into the binary and returns the
// trusted root and the signing config (v0.2) it lists; LoadTrust falls back
// to EmbeddedTrust, the copy of the release (attest/sigstore). The signing
// config picks Fulcio and the first Rekor v1 log valid now; Rekor v2 logs
// are skipped because PyPI's verifier cannot accept their entries yet
// (SigningConfig.RekorURL).
//
// Formats: PEP 740, pypi-attestations and the Sigstore bundle v0.3; the
// situations AT-01..AT-12 are in docs/situations.md#attestations.
//
// The package never prints, never reads the environment and never exits;
// logging goes through WithLogf and secrets through WithMask.
package attest
