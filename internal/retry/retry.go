// Package retry is the one retry loop of the project: publish (uploads and
// simple-API queries), oidc (the audience and mint requests) and attest
// (Fulcio and Rekor) all retry through [Do] with a [Backoff].
//
// What is worth retrying stays with the caller (a predicate passed to Do);
// this package only decides how often and how long to wait, and waits in a
// select on the context so that cancelling stops a wait at once.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Backoff bounds the attempts of one operation: at most Attempts tries,
// waiting Min before the first retry and twice as long before each later
// one, capped at Max, every wait jittered down by up to half so that
// parallel clients spread out.
//
// The zero Backoff makes one attempt and never waits.
type Backoff struct {
	// Attempts is the maximum number of attempts, the first one included.
	// Values below 1 mean 1 (no retries).
	Attempts int
	// Min is the wait before the first retry. 0 retries without waiting.
	Min time.Duration
	// Max caps every wait, including one a server asks for (see
	// [RetryAfter]). 0 means no cap.
	Max time.Duration
}

// Default is the policy of every client unless its WithRetry option says
// otherwise: 4 attempts (the first try and 3 retries), waiting about 2 s,
// 4 s and 8 s, never more than 30 s.
var Default = Backoff{Attempts: 4, Min: 2 * time.Second, Max: 30 * time.Second}

// Validate reports a Backoff that cannot be used: a negative duration, or a
// Max below Min.
func (b Backoff) Validate() error {
	if b.Min < 0 || b.Max < 0 || (b.Max > 0 && b.Min > b.Max) {
		return errors.New("invalid backoff: need 0 <= Min <= Max")
	}
	return nil
}

// MaxAttempts returns b.Attempts, or 1 when it is below 1.
func (b Backoff) MaxAttempts() int {
	return max(b.Attempts, 1)
}

// Delay returns the wait before retry number n (1-based: n = 1 follows the
// first attempt) before jitter: Min doubled n-1 times, capped at Max.
func (b Backoff) Delay(n int) time.Duration {
	d := b.Min
	for i := 1; i < n && (b.Max == 0 || d < b.Max) && d > 0 && d < 1<<40; i++ {
		d *= 2
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	return max(d, 0)
}

// Jitter shortens d by r times half of it, for r in [0, 1): the result
// lies in (d/2, d].
func Jitter(d time.Duration, r float64) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - time.Duration(float64(d)/2*r)
}

// Sleep waits d, or until ctx is done, whichever comes first. It returns
// ctx.Err() when ctx ended the wait (or was already done), else nil. A d of
// 0 or less does not wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retry describes a failed attempt that is about to be retried; Do passes
// it to the [OnRetry] function before it waits.
type Retry struct {
	// Attempt is the number of the attempt that failed (1-based).
	Attempt int
	// Attempts is the maximum number of attempts (Backoff.MaxAttempts).
	Attempts int
	// Err is the attempt's error.
	Err error
	// Wait is how long Do waits before the next attempt.
	Wait time.Duration
}

// Option adjusts one call of [Do].
type Option func(*settings)

type settings struct {
	retryAfter func(error) time.Duration
	onRetry    func(Retry)
	sleep      func(context.Context, time.Duration) error
	jitter     func() float64
}

// RetryAfter sets the function that reads a server's requested wait (an
// HTTP Retry-After) from an attempt's error; 0 means none. Do then waits
// the longer of its own wait and the requested one, but never more than
// Backoff.Max. The default requests nothing.
func RetryAfter(f func(err error) time.Duration) Option {
	return func(s *settings) { s.retryAfter = f }
}

// OnRetry sets a function called before each wait, e.g. to log the retry.
// The default does nothing.
func OnRetry(f func(Retry)) Option {
	return func(s *settings) { s.onRetry = f }
}

// WithSleep replaces [Sleep] (tests record the waits instead of waiting).
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(s *settings) { s.sleep = f }
}

// WithJitter replaces the random source of the jitter, which must return
// values in [0, 1). The default is math/rand/v2's Float64.
func WithJitter(f func() float64) Option {
	return func(s *settings) { s.jitter = f }
}

// Do calls f until it succeeds, up to b.MaxAttempts() times, passing the
// attempt number (1-based). After a failed attempt it returns f's error at
// once when the error is not retryable (retryable(err) is false), when it
// was the last attempt, or when ctx is done; otherwise it calls the OnRetry
// function and waits the jittered [Backoff.Delay] (or longer, see
// [RetryAfter]). A nil retryable retries every error.
//
// Cancelling ctx stops a wait at once: Do then returns ctx.Err(). Do never
// panics (unless f or an option's function does).
func Do(ctx context.Context, b Backoff, retryable func(error) bool, f func(ctx context.Context, attempt int) error, opts ...Option) error {
	s := settings{sleep: Sleep, jitter: rand.Float64}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	n := b.MaxAttempts()
	for attempt := 1; ; attempt++ {
		err := f(ctx, attempt)
		if err == nil {
			return nil
		}
		if attempt >= n || ctx.Err() != nil || (retryable != nil && !retryable(err)) {
			return err
		}
		wait := Jitter(b.Delay(attempt), s.jitter())
		if s.retryAfter != nil {
			if ra := s.retryAfter(err); ra > wait {
				wait = ra
				if b.Max > 0 {
					wait = min(wait, b.Max)
				}
			}
		}
		if s.onRetry != nil {
			s.onRetry(Retry{Attempt: attempt, Attempts: n, Err: err, Wait: wait})
		}
		if err := s.sleep(ctx, wait); err != nil {
			return err
		}
	}
}
