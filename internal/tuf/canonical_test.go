package tuf_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
		wantErr        bool
	}{
		{name: "sorted_keys_no_space", in: `{"b": 1, "a": [true, false, null], "c": {}}`, want: `{"a":[true,false,null],"b":1,"c":{}}`},
		{name: "keys_by_bytes", in: `{"é":1,"z":2,"Z":3,"_":4}`, want: `{"Z":3,"_":4,"z":2,"é":1}`},
		{name: "only_quote_and_backslash_escaped", in: `"a\"b\\c\n\u00e9<&>"`, want: "\"a\\\"b\\\\c\n\u00e9<&>\""},
		{name: "negative_and_large_integers", in: `[-1, 0, 18446744073709551615]`, want: `[-1,0,18446744073709551615]`},
		{name: "float", in: `{"a": 1.5}`, wantErr: true},
		{name: "exponent", in: `1e3`, wantErr: true},
		{name: "trailing_value", in: `{} {}`, wantErr: true},
		{name: "not_json", in: `{`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tuf.Canonical([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("Canonical(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			}
			if string(got) != tc.want {
				t.Errorf("Canonical(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzCanonical: never panics, and canonical JSON is a fixed point when it
// is JSON at all (control characters stay raw in strings, as in
// securesystemslib, which JSON does not allow).
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{"signed":{"_type":"root","version":1}}`, `[1,"\\",{"a":null}]`, `"\u2028"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := tuf.Canonical(b)
		if err != nil || !json.Valid(c) {
			return
		}
		again, err := tuf.Canonical(c)
		if err != nil || !bytes.Equal(c, again) {
			t.Errorf("Canonical(Canonical(%q)) = %q, %v; want %q", b, again, err, c)
		}
	})
}

// FuzzNew: a trusted root from anywhere never panics the client.
func FuzzNew(f *testing.F) {
	f.Add([]byte(`{"signed":{"_type":"root","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","keys":{},"roles":{}},"signatures":[]}`))
	f.Add([]byte(`{"signed":{"_type":"root","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","keys":{"a":{"keytype":"ecdsa-sha2-nistp256","scheme":"ecdsa-sha2-nistp256","keyval":{"public":"04"}}},"roles":{"root":{"keyids":["a"],"threshold":1},"timestamp":{"keyids":["a"],"threshold":1},"snapshot":{"keyids":["a"],"threshold":1},"targets":{"keyids":["a"],"threshold":1}}},"signatures":[{"keyid":"a","sig":"00"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := tuf.New("https://tuf.example", b)
		if err == nil {
			t.Fatal("New accepted a root nobody signed")
		}
		var e *tuf.Error
		if !errors.As(err, &e) {
			t.Fatalf("New: error %v is not a *tuf.Error", err)
		}
	})
}
