package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/retry"
)

var (
	errTemp = errors.New("temporary")
	errPerm = errors.New("permanent")
)

// afterError carries a server-requested wait.
type afterError struct{ d time.Duration }

func (e afterError) Error() string { return "slow down" }

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		b    retry.Backoff
		n    int
		want time.Duration
	}{
		{"first_retry_waits_min", retry.Default, 1, 2 * time.Second},
		{"second_doubles", retry.Default, 2, 4 * time.Second},
		{"third_doubles_again", retry.Default, 3, 8 * time.Second},
		{"capped_at_max", retry.Default, 5, 30 * time.Second},
		{"stays_capped", retry.Default, 60, 30 * time.Second},
		{"no_cap_when_max_is_zero", retry.Backoff{Min: time.Second}, 4, 8 * time.Second},
		{"zero_min_never_waits", retry.Backoff{Max: time.Second}, 3, 0},
		{"zero_backoff", retry.Backoff{}, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.b.Delay(tc.n); got != tc.want {
				t.Errorf("%+v.Delay(%d) = %v, want %v", tc.b, tc.n, got, tc.want)
			}
		})
	}
}

func TestJitter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		d    time.Duration
		r    float64
		want time.Duration
	}{
		{"no_jitter", 2 * time.Second, 0, 2 * time.Second},
		{"half_jitter", 4 * time.Second, 0.5, 3 * time.Second},
		{"almost_full_jitter", 2 * time.Second, 0.999, 1001 * time.Millisecond},
		{"zero_stays_zero", 0, 0.5, 0},
		{"negative_is_zero", -time.Second, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := retry.Jitter(tc.d, tc.r); got != tc.want {
				t.Errorf("Jitter(%v, %v) = %v, want %v", tc.d, tc.r, got, tc.want)
			}
		})
	}
}

func TestBackoffValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		b       retry.Backoff
		wantErr bool
	}{
		{"default", retry.Default, false},
		{"zero", retry.Backoff{}, false},
		{"no_cap", retry.Backoff{Attempts: 3, Min: time.Second}, false},
		{"negative_min", retry.Backoff{Min: -1}, true},
		{"negative_max", retry.Backoff{Max: -1}, true},
		{"min_above_max", retry.Backoff{Min: time.Second, Max: time.Millisecond}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.b.Validate(); (err != nil) != tc.wantErr {
				t.Errorf("%+v.Validate() = %v, want error %v", tc.b, err, tc.wantErr)
			}
		})
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	b := retry.Backoff{Attempts: 4, Min: time.Second, Max: 10 * time.Second}
	cases := []struct {
		name      string
		b         retry.Backoff
		results   []error // one per attempt; attempts past the end succeed
		wantErr   error
		wantCalls int
		wantWaits []time.Duration
	}{
		{"first_try", b, nil, nil, 1, nil},
		{"two_failures", b, []error{errTemp, errTemp}, nil, 3, []time.Duration{time.Second, 2 * time.Second}},
		{"gives_up_after_attempts", b, []error{errTemp, errTemp, errTemp, errTemp, errTemp}, errTemp, 4,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"permanent_stops_at_once", b, []error{errTemp, errPerm}, errPerm, 2, []time.Duration{time.Second}},
		{"zero_backoff_tries_once", retry.Backoff{}, []error{errTemp}, errTemp, 1, nil},
		{"retry_after_longer", b, []error{afterError{5 * time.Second}}, nil, 2, []time.Duration{5 * time.Second}},
		{"retry_after_capped", b, []error{afterError{time.Hour}}, nil, 2, []time.Duration{10 * time.Second}},
		{"retry_after_shorter_ignored", b, []error{errTemp, afterError{time.Millisecond}}, nil, 3,
			[]time.Duration{time.Second, 2 * time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls []int
			var waits []time.Duration
			var retries []retry.Retry
			err := retry.Do(t.Context(), tc.b,
				func(err error) bool { return !errors.Is(err, errPerm) },
				func(_ context.Context, attempt int) error {
					calls = append(calls, attempt)
					if attempt <= len(tc.results) {
						return tc.results[attempt-1]
					}
					return nil
				},
				retry.RetryAfter(func(err error) time.Duration {
					var ae afterError
					if errors.As(err, &ae) {
						return ae.d
					}
					return 0
				}),
				retry.OnRetry(func(r retry.Retry) { retries = append(retries, r) }),
				retry.WithSleep(func(_ context.Context, d time.Duration) error {
					waits = append(waits, d)
					return nil
				}),
				retry.WithJitter(func() float64 { return 0 }),
			)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("Do() error = %v, want %v", err, tc.wantErr)
			}
			if len(calls) != tc.wantCalls {
				t.Errorf("Do() made %d attempts, want %d", len(calls), tc.wantCalls)
			}
			for i, c := range calls {
				if c != i+1 {
					t.Errorf("attempt %d was numbered %d", i+1, c)
				}
			}
			if diff := cmp.Diff(tc.wantWaits, waits); diff != "" {
				t.Errorf("waits mismatch (-want +got):\n%s", diff)
			}
			if len(retries) != len(waits) {
				t.Fatalf("OnRetry called %d times, want %d (once per wait)", len(retries), len(waits))
			}
			for i, r := range retries {
				want := retry.Retry{Attempt: i + 1, Attempts: tc.b.MaxAttempts(), Err: tc.results[i], Wait: waits[i]}
				if diff := cmp.Diff(want, r, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
					t.Errorf("OnRetry #%d mismatch (-want +got):\n%s", i+1, diff)
				}
			}
		})
	}
}

func TestDo_NilRetryableRetriesEverything(t *testing.T) {
	t.Parallel()
	calls := 0
	err := retry.Do(t.Context(), retry.Backoff{Attempts: 3}, nil, func(context.Context, int) error {
		calls++
		return errPerm
	})
	if !errors.Is(err, errPerm) || calls != 3 {
		t.Errorf("Do() = %v after %d calls, want %v after 3", err, calls, errPerm)
	}
}

func TestDo_CancelStopsTheWait(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	err := retry.Do(ctx, retry.Backoff{Attempts: 3, Min: time.Hour, Max: time.Hour}, nil,
		func(context.Context, int) error {
			calls++
			return errTemp
		},
		retry.OnRetry(func(retry.Retry) { cancel() }))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Do() error = %v, want context.Canceled", err)
	}
	if calls != 1 {
		t.Errorf("Do() made %d attempts, want 1", calls)
	}
}

func TestDo_CancelledAttemptIsNotRetried(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	err := retry.Do(ctx, retry.Default, nil, func(context.Context, int) error {
		calls++
		cancel()
		return errTemp
	})
	if !errors.Is(err, errTemp) || calls != 1 {
		t.Errorf("Do() = %v after %d calls, want the attempt's error after 1", err, calls)
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	done, cancel := context.WithCancel(t.Context())
	cancel()
	cases := []struct {
		name    string
		ctx     context.Context
		d       time.Duration
		wantErr error
	}{
		{"zero_returns_at_once", t.Context(), 0, nil},
		{"short_wait", t.Context(), time.Microsecond, nil},
		{"cancelled_before", done, time.Hour, context.Canceled},
		{"cancelled_zero", done, 0, context.Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := retry.Sleep(tc.ctx, tc.d); !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("Sleep(%v) = %v, want %v", tc.d, err, tc.wantErr)
			}
		})
	}
}
