// Package test holds the end-to-end tests: TestMain builds the real binary
// once, and each test runs it with an explicit runner-style environment
// (hyphenated INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files)
// against the fakes in publish/publishtest, oidc/oidctest and
// attest/attesttest.
package test
