package attest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

// BenchmarkSign measures signing one file with a reused certificate
// against the in-process fakes (statement, DSSE, Rekor round trip, and the
// self-check against the trusted root).
func BenchmarkSign(b *testing.B) {
	env := attesttest.NewEnv(b, attesttest.EnvOptions{})
	s := env.Signer(b)
	i := 0
	for b.Loop() {
		i++
		if _, err := s.Sign(context.Background(), fmt.Sprintf("hello_pkg-1.0.%d-py3-none-any.whl", i), wheelSHA); err != nil {
			b.Fatal(err)
		}
	}
}
