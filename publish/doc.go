// Package publish uploads Python distributions to a package index through the
// legacy upload API, the API that pypi.org, test.pypi.org and most third-party
// indexes (devpi, pypiserver, Artifactory, Nexus, GitLab) accept.
//
// The protocol is one multipart/form-data POST per file to the repository URL
// (https://upload.pypi.org/legacy/ for PyPI), with HTTP Basic authentication,
// the core metadata as form fields and the file as the "content" part. It is
// documented at https://docs.pypi.org/api/upload/; the server rules this
// package relies on are those of Warehouse's upload view (warehouse/forklift/legacy.py).
// The user-facing situations are the UP-xx entries of docs/situations.md;
// [Hint] maps errors to their fixes.
//
// The pieces:
//
//   - [Fields] builds the form in wire order, compatible with twine's.
//   - [Client.Upload] streams one file from disk (constant memory), retries
//     transport errors, 429 and 5xx with bounded backoff, never follows
//     redirects and sends credentials only to the repository's host.
//   - [Index] reads what an index already holds through the PEP 691 JSON
//     simple API, so [Publish] can decide per file, by SHA-256, whether to
//     upload, skip, or stop before anything is sent.
//   - [Publish] uploads a batch in order, optionally several files at once,
//     and reports one [Outcome] per distribution.
//
// The package never prints, never reads the environment and never exits;
// progress is reported through [WithLogf] and [PublishOptions.OnEvent].
package publish
