package attest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pypi-publish/pypi-publish/internal/retry"
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

// statusError is an answer worth retrying (429 or 5xx).
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("HTTP %d", int(e)) }

// do sends a request built by build (called once per attempt, so every
// attempt may carry a fresh token) and retries transport errors, 429 and
// 5xx per the backoff; an *Error is final. It returns the last response
// when retries run out on 429 or 5xx, and ctx.Err() when ctx is done.
func (s *Signer) do(ctx context.Context, what string, build func(ctx context.Context) (*http.Request, error)) (*response, error) {
	var r *response
	err := retry.Do(ctx, s.o.backoff, func(err error) bool {
		var e *Error
		return !errors.As(err, &e)
	}, func(ctx context.Context, _ int) error {
		var err error
		r, err = s.attempt(ctx, build)
		if err == nil && temporary(r.status) {
			return statusError(r.status)
		}
		return err
	}, retry.OnRetry(func(rt retry.Retry) {
		var se statusError
		if errors.As(rt.Err, &se) {
			s.o.logf("%s: attempt %d got HTTP %d; retrying", what, rt.Attempt, int(se))
		} else {
			s.o.logf("%s: attempt %d failed: %v; retrying", what, rt.Attempt, rt.Err)
		}
	}))
	var se statusError
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &se):
		return r, nil
	case err != nil:
		return nil, err
	}
	return r, nil
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
