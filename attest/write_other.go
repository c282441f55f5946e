//go:build !unix

package attest

// oNoFollow is 0 where the system has no O_NOFOLLOW; O_EXCL still never
// opens an existing file or link.
const oNoFollow = 0
