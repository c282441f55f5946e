// Package attesttest provides strict, in-process fakes of the services a
// PEP 740 signer talks to, for tests that must not reach the internet:
//
//   - Issuer: GitHub-shaped OIDC tokens (RS256 JWTs) and their verification;
//   - Fulcio: POST /api/v2/signingCert, answering 200 with the
//     protobuf-JSON SigningCertificate (signedCertificateEmbeddedSct.chain)
//     and issuing GitHub-style leaf certificates with every Fulcio
//     extension taken from the token's claims and an RFC 6962 embedded SCT
//     signed by a fake CT log;
//   - Rekor: Rekor v1 POST /api/v1/log/entries for "dsse" 0.0.1 (and GET
//     by UUID), with a real RFC 6962 Merkle tree, inclusion proofs, signed
//     entry timestamps over canonical JSON and signed checkpoints, answering
//     201 with the LogEntry map of Rekor's OpenAPI definition;
//   - TrustedRoot: a trusted_root.json for those fakes, in the same schema
//     as the production one.
//
// Env wires them together. The fakes reject what the real services reject
// (bad tokens, bad proofs of possession, signatures that do not verify,
// unknown fields, duplicate entries), as Sigstore's Fulcio and Rekor v1
// APIs describe them.
package attesttest
