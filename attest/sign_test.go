package attest_test

import (
	"context"
	"testing"

	"github.com/pypi-publish/pypi-publish/attest"
	"github.com/pypi-publish/pypi-publish/attest/attesttest"
)

const (
	wheelName = "hello_pkg-1.0.0-py3-none-any.whl"
	wheelSHA  = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

func TestSign_verifies(t *testing.T) {
	t.Parallel()
	env := attesttest.NewEnv(t, attesttest.EnvOptions{})
	s := env.Signer(t)
	att, err := s.Sign(context.Background(), wheelName, wheelSHA)
	if err != nil {
		t.Fatalf("Sign() error = %v", err)
	}
	if err := attest.Verify(att, wheelName, wheelSHA, env.Identity, env.Root); err != nil {
		t.Errorf("Verify() = %v, want nil", err)
	}
	t.Logf("%s", att)
}
