package attest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// maxResponse bounds what is read from Fulcio and Rekor.
const maxResponse = 1 << 20

// response is a read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// temporary reports whether a status is worth retrying.
func temporary(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// do sends a request built by build (called once per attempt, so every
// attempt may carry a fresh token) and retries transport errors, 429 and
// 5xx per the backoff. It returns the last response when retries run out.
func (s *Signer) do(ctx context.Context, what string, build func(ctx context.Context) (*http.Request, error)) (*response, error) {
	b := s.o.backoff
	wait := b.Min
	for attempt := 0; ; attempt++ {
		r, err := s.attempt(ctx, build)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var e *Error
		if errors.As(err, &e) {
			return nil, err
		}
		if err == nil && !temporary(r.status) {
			return r, nil
		}
		if attempt >= b.Retries {
			if err != nil {
				return nil, err
			}
			return r, nil
		}
		if err != nil {
			s.o.logf("%s: attempt %d failed: %v; retrying", what, attempt+1, err)
		} else {
			s.o.logf("%s: attempt %d got HTTP %d; retrying", what, attempt+1, r.status)
		}
		d := wait
		if d > 0 {
			d = d/2 + rand.N(d/2+1)
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait *= 2
		if wait > b.Max {
			wait = b.Max
		}
	}
}

// attempt sends one request with its own deadline (30 s
// per request, whatever the HTTP client's timeout) and reads the answer.
func (s *Signer) attempt(ctx context.Context, build func(ctx context.Context) (*http.Request, error)) (*response, error) {
	actx, cancel := context.WithTimeout(ctx, s.o.requestTimeout)
	defer cancel()
	req, err := build(actx)
	if err != nil {
		return nil, err
	}
	resp, err := s.o.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	return readResponse(resp)
}

func readResponse(resp *http.Response) (*response, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read response: %w", err)
	}
	if len(body) > maxResponse {
		return nil, errors.New("failed to read response: larger than 1 MiB")
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

func jsonRequest(ctx context.Context, method, url string, body []byte) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}
