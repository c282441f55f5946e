package attest

import (
	"context"
	"encoding/json"
	"time"
)

// SignStatement signs arbitrary statement bytes, for negative tests.
func SignStatement(ctx context.Context, s *Signer, stmt []byte) ([]byte, error) {
	a, err := s.signStatement(ctx, "test", stmt)
	if err != nil {
		return nil, err
	}
	return a.Marshal()
}

// ConvertRekorResponse converts a recorded Rekor 201 answer to a
// transparency log entry.
func ConvertRekorResponse(body []byte, etag string) (*TransparencyLogEntry, error) {
	var m map[string]rekorEntry
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	return toTLE(m[etag])
}

// SetRequestTimeout changes the per-request deadline (30 s by default).
func SetRequestTimeout(s *Signer, d time.Duration) { s.o.requestTimeout = d }

// Unchecked makes s skip its checks against the trusted root, so tests can
// make attestations that verifiers must reject.
func Unchecked(s *Signer) *Signer { s.unchecked = true; return s }
