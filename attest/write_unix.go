//go:build unix

package attest

import "syscall"

// oNoFollow makes OpenFile fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW
