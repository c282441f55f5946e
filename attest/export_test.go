package attest

import "context"

// SignStatement signs arbitrary statement bytes, for negative tests.
func SignStatement(ctx context.Context, s *Signer, stmt []byte) ([]byte, error) {
	a, err := s.signStatement(ctx, "test", stmt)
	if err != nil {
		return nil, err
	}
	return a.Marshal()
}
