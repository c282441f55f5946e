package dist

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// TestEmailAndURLAgainstPython compares the e-mail, URL and content-type
// rules with what Warehouse runs (email.utils.parseaddr + email_validator;
// rfc3986; packaging's Description-Content-Type rules),
// using Debian's python3-email-validator and python3-rfc3986 in one
// process. Skipped when they are missing (failed with CI=true).
func TestEmailAndURLAgainstPython(t *testing.T) {
	t.Parallel()
	python := testtool.Python(t, "email_validator", "rfc3986")
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var emails, urls []string
	for i := 0; i < 1500; i++ {
		local := pick("me", "first.last", "a+b", "x_y", "a..b", ".a", "a.", "ü", "o'neil", "\"q\"", "", "a b", strings.Repeat("l", 65))
		domain := pick("example.com", "example.org", "sub.example.co.uk", "localhost", "example.test", "ex.local", "b.c1", "1.2.3.4", "-ex.com", "ex-.com", "ex_ample.com", "ex.com.", "ex..com", "", "xn--bcher-kva.example", "bücher.example")
		addr := local + pick("@", "@", "@", "", "@@") + domain
		switch r.IntN(6) {
		case 0:
			emails = append(emails, pick("Jane Doe", "J. Doe", "\"Doe, Jane\"")+" <"+addr+">")
		case 1:
			emails = append(emails, addr+", "+pick("other@example.com", "Bob <bob@example.org>"))
		case 2:
			emails = append(emails, pick("Jane Doe", "Jane", "Jane Doe (maintainer)", "team"))
		case 3:
			emails = append(emails, addr+" (comment)")
		default:
			emails = append(emails, addr)
		}
		scheme := pick("https://", "http://", "HTTPS://", "ftp://", "https:", "", "mailto:", "https:///")
		host := pick("example.com", "ex-ample.org", "[::1]", "127.0.0.1", "user@host.com", "host.com:8080", "host.com:99999", "host.com:", "exa mple.com", "ex%41.com", "ex%zz.com", "")
		path := pick("", "/", "/a/b", "/a b", "/%7Euser", "/a%zz", "/ä", "/a?x=1&y=2", "/a#frag", "?q", "/a|b", "/{x}")
		urls = append(urls, scheme+host+path)
	}
	var cts []string
	for i := 0; i < 600; i++ {
		ct := pick("text/plain", "text/x-rst", "text/markdown", "TEXT/Markdown", "text/html", "text/x-markdown", "text", "", "text/plain ", " text/markdown")
		for n := r.IntN(3); n > 0; n-- {
			ct += pick("; charset=UTF-8", "; charset=utf-8", "; charset=\"UTF-8\"", "; charset=latin-1", "; variant=GFM", "; variant=CommonMark",
				"; variant=gfm", "; variant=Original", ";", "; x", "; variant=", " ;variant = GFM", "; charset=UTF-8; charset=ascii")
		}
		cts = append(cts, ct)
	}
	in, err := json.Marshal(map[string][]string{"emails": emails, "urls": urls, "content_types": cts})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, filepath.Join("testdata", "check", "oracle.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle failed: %v\n%s", err, stderr.String())
	}
	var res struct {
		Emails       []bool `json:"emails"`
		URLs         []bool `json:"urls"`
		ContentTypes []bool `json:"content_types"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	compare := func(kind string, inputs []string, want []bool, ours func(string) bool) {
		bad, mism := 0, 0
		for i, s := range inputs {
			if want[i] {
				bad++
			}
			if got := ours(s); got != want[i] {
				mism++
				if mism <= 10 {
					t.Errorf("%s %q: rejected=%v, PyPI's checks rejected=%v", kind, s, got, want[i])
				}
			}
		}
		t.Logf("%s: %d inputs, %d rejected by PyPI's checks, %d mismatches", kind, len(inputs), bad, mism)
	}
	compare("email", emails, res.Emails, func(s string) bool {
		a := parseAddr(s)
		return a != "" && emailProblem(a) != ""
	})
	compare("url", urls, res.URLs, func(s string) bool { return !validHTTPURL(s) })
	compare("content-type", cts, res.ContentTypes, func(s string) bool { return validateContentType(s) != "" })
}
