// Package oidc exchanges a GitHub Actions OIDC identity token for a
// short-lived PyPI API token ("trusted publishing") and explains every way
// that exchange can fail.
//
// The protocol (Warehouse's warehouse/oidc/views.py, linked below; what the
// user sees is in docs/trusted-publishing.md and docs/situations.md):
//
//  1. GET <scheme>://<host>/_/oidc/audience on the upload URL's host answers
//     {"audience": "pypi"} (TestPyPI: "testpypi").
//  2. The caller's IDToken function fetches a GitHub OIDC token (a JWT) for
//     that audience. Each JWT is single-use on the server (claim "jti"), so a
//     fresh one is fetched for every exchange, retries included.
//  3. POST <scheme>://<host>/_/oidc/mint-token with {"token": "<JWT>"}
//     answers {"success": true, "token": "pypi-…", "expires": <unix>} or
//     422 {"message": "Token request failed", "errors": [{"code", "description"}]}.
//  4. Optionally, POST /_/oidc/burn-token with {"token": "<minted token>"}
//     revokes the minted token early (202 Accepted; best effort;
//     pypi/warehouse#20197).
//
// The minted token lives 15 minutes. [Source] re-mints before it expires so
// a long upload never runs into "403 Invalid API Token: token is expired".
//
// The package never prints, never reads the environment and never exits:
// the caller passes an *http.Client, the GitHub token function, a logger and
// a mask function as options, and turns the returned [*Error] values into
// workflow annotations and a step-summary section. [Preflight] runs the
// checks that need no network (TP-01, TP-02, TP-03, TP-04, TP-08) on an
// [Env] the caller fills in from the environment.
//
// Secrets: the GitHub JWT, the request token behind the caller's IDToken
// function and the minted token never appear in a log line, error message,
// hint or details text. The minted token is passed to the Mask option before
// Mint logs anything about it or returns.
//
// The original action's exchange is pypa/gh-action-pypi-publish
// oidc-exchange.py
// (https://github.com/pypa/gh-action-pypi-publish/blob/0b567d5b015a5db43765f0ae2b3a215ea9d0150b/oidc-exchange.py);
// the server side is pypi/warehouse warehouse/oidc/views.py
// (https://github.com/pypi/warehouse/blob/6b62157124ab7865029afeeadf282bce27d601d9/warehouse/oidc/views.py).
package oidc
