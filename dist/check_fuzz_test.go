package dist

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck parses fuzzed metadata and runs every preflight rule on it as
// a wheel and as an sdist with a fuzzed file name: Check must never panic
// and every problem must carry an ID, a rule and a message.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "metadata", "*.txt"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "demo_pkg-1.0")
	}
	f.Add([]byte("Metadata-Version: 2.4\nName: x\nVersion: 1\nLicense-File: ../a\nLicense-Expression: (MIT\n\n*bad"), "x-1")
	f.Fuzz(func(t *testing.T, b []byte, stem string) {
		m, err := ParseMetadata(b)
		if err != nil {
			return
		}
		dists := []*Distribution{
			{Filename: stem + "-py3-none-any.whl", Kind: Wheel, Size: int64(len(b)), Metadata: m,
				Archive: &Archive{Format: "zip", Members: []Member{{Name: stem + ".dist-info/METADATA", Size: int64(len(b))}}}},
			{Filename: stem + ".tar.gz", Kind: Sdist, Size: int64(len(b)), Metadata: m,
				Archive: &Archive{Format: "tar.gz", Members: []Member{{Name: stem + "/PKG-INFO"}, {Name: "/abs"}}}},
		}
		for _, p := range Check(dists, TargetPyPI) {
			if p.ID == "" || p.Rule == "" || p.Message == "" || p.Severity == 0 {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
		_ = FormatProblems(Check(dists, TargetOther))
	})
}

// FuzzEmail runs the e-mail rules (parseaddr, then email-validator's
// checks) on fuzzed field values: they must never panic, and a refusal
// always has a reason.
func FuzzEmail(f *testing.F) {
	for _, s := range []string{"Jane <jane@example.com>", "a@b@c", "\"q\\\"x\"@ex.com", "(x(y)z)a@b.co", "a@[IPv6:::1]",
		"jüne@bücher.example", "<>", "a@", "\"unclosed <a@b.c>", "a.＠b.c", "x@ab--cd.com", "a\\", "\"a\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if a := parseAddr(v); a != "" {
			_ = emailProblem(a)
		}
		_ = emailProblem(v)
		_ = validateContentType(v)
	})
}
