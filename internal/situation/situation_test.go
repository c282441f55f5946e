package situation_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pypi-publish/pypi-publish/internal/situation"
)

type sitErr struct{ info situation.Info }

func (e *sitErr) Error() string             { return "the error text" }
func (e *sitErr) Situation() situation.Info { return e.info }

func TestOf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		want   situation.Info
		wantOK bool
	}{
		{name: "nil", err: nil},
		{name: "plain", err: errors.New("x")},
		{name: "direct", err: &sitErr{situation.Info{ID: "UP-09", Message: "m", Hint: "h"}},
			want: situation.Info{ID: "UP-09", Message: "m", Hint: "h"}, wantOK: true},
		{name: "wrapped_message_from_error", err: fmt.Errorf("ctx: %w", &sitErr{situation.Info{ID: "DS-01"}}),
			want: situation.Info{ID: "DS-01", Message: "the error text"}, wantOK: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := situation.Of(tc.err)
			if ok != tc.wantOK {
				t.Errorf("Of(%v) ok = %v, want %v", tc.err, ok, tc.wantOK)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Of(%v) mismatch (-want +got):\n%s", tc.err, diff)
			}
		})
	}
}

func TestAnchor(t *testing.T) {
	t.Parallel()
	if got, want := situation.Anchor("UP-09"), "docs/situations.md#up-09"; got != want {
		t.Errorf("Anchor(UP-09) = %q, want %q", got, want)
	}
}
