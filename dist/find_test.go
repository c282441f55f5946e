package dist

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseWheelFilename(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		in      string
		want    WheelName
		wantErr bool
	}{
		{name: "pure", in: "pkg-1.0-py3-none-any.whl",
			want: WheelName{Name: "pkg", Version: "1.0", Python: []string{"py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "build_tag", in: "pkg-1.0-1abc-py2.py3-none-any.whl",
			want: WheelName{Name: "pkg", Version: "1.0", Build: "1abc", Python: []string{"py2", "py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "not_normalized_name_kept", in: "Zebra.Cake_Tools-2.0.0rc1.post2.dev3-py3-none-any.whl",
			want: WheelName{Name: "Zebra.Cake_Tools", Version: "2.0.0rc1.post2.dev3", Python: []string{"py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "local_version_epoch", in: "a-1!2.0+local.1-cp311-cp311-linux_x86_64.whl",
			want: WheelName{Name: "a", Version: "1!2.0+local.1", Python: []string{"cp311"}, ABI: []string{"cp311"}, Platform: []string{"linux_x86_64"}}},
		{name: "unicode_name", in: "café-1.0-py3-none-any.whl",
			want: WheelName{Name: "café", Version: "1.0", Python: []string{"py3"}, ABI: []string{"none"}, Platform: []string{"any"}}},
		{name: "wrong_extension", in: "pkg-1.0-py3-none-any.zip", wantErr: true},
		{name: "upper_extension", in: "pkg-1.0-py3-none-any.WHL", wantErr: true},
		{name: "too_few_parts", in: "pkg-1.0-py3-none.whl", wantErr: true},
		{name: "too_many_parts", in: "my-pkg-1.0-1-py3-none-any.whl", wantErr: true},
		{name: "double_underscore", in: "my__pkg-1.0-py3-none-any.whl", wantErr: true},
		{name: "bad_name_char", in: "my+pkg-1.0-py3-none-any.whl", wantErr: true},
		{name: "empty_name", in: "-1.0-py3-none-any.whl", wantErr: true},
		{name: "empty_version", in: "pkg--py3-none-any.whl", wantErr: true},
		{name: "bad_version_char", in: "pkg-1.0~1-py3-none-any.whl", wantErr: true},
		{name: "build_tag_not_digit", in: "pkg-1.0-x1-py3-none-any.whl", wantErr: true},
		{name: "empty_tag", in: "pkg-1.0-py3.-none-any.whl", wantErr: true},
		{name: "only_extension", in: ".whl", wantErr: true},
		{name: "invalid_utf8", in: "p\xffkg-1.0-py3-none-any.whl", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWheelFilename(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidFilename) {
					t.Fatalf("ParseWheelFilename(%q) error = %v, want ErrInvalidFilename", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWheelFilename(%q) error = %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseWheelFilename(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if s := got.String(); s != tc.in {
				t.Errorf("ParseWheelFilename(%q).String() = %q, want the input", tc.in, s)
			}
		})
	}
}

func TestParseSdistFilename(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		in          string
		wantName    string
		wantVersion string
		wantErr     bool
	}{
		{name: "tar_gz", in: "pkg-1.0.tar.gz", wantName: "pkg", wantVersion: "1.0"},
		{name: "zip", in: "pkg-1.0.zip", wantName: "pkg", wantVersion: "1.0"},
		{name: "dashes_in_name", in: "my-cool-pkg-2.0rc1.tar.gz", wantName: "my-cool-pkg", wantVersion: "2.0rc1"},
		{name: "spelling_kept", in: "Zebra.Cake_Tools-2.0.0rc1.post2.dev3.tar.gz", wantName: "Zebra.Cake_Tools", wantVersion: "2.0.0rc1.post2.dev3"},
		{name: "no_dash", in: "pkg.tar.gz", wantErr: true},
		{name: "empty_version", in: "pkg-.tar.gz", wantErr: true},
		{name: "empty_name", in: "-1.0.tar.gz", wantErr: true},
		{name: "bz2", in: "pkg-1.0.tar.bz2", wantErr: true},
		{name: "upper_extension", in: "pkg-1.0.TAR.GZ", wantErr: true},
		{name: "wheel", in: "pkg-1.0-py3-none-any.whl", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			name, version, err := ParseSdistFilename(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidFilename) {
					t.Fatalf("ParseSdistFilename(%q) error = %v, want ErrInvalidFilename", tc.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSdistFilename(%q) error = %v", tc.in, err)
			}
			if name != tc.wantName || version != tc.wantVersion {
				t.Errorf("ParseSdistFilename(%q) = %q, %q, want %q, %q", tc.in, name, version, tc.wantName, tc.wantVersion)
			}
		})
	}
}
