package dist

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

// pypiSources returns a PYTHONPATH holding the code PyPI runs (Warehouse,
// packaging 26.2, email-validator 2.3.0, as warehouse-oracle vendors
// them), or skips (fails with CI=true).
func pypiSources(t *testing.T) string {
	t.Helper()
	testtool.Python(t, "idna", "rfc3986", "urllib3")
	up := testtool.WarehouseUpstream(t)
	return strings.Join([]string{filepath.Join(up, "warehouse"), filepath.Join(up, "packaging"), filepath.Join(up, "email-validator")}, ":")
}

// TestEmailURLContentTypeAgainstPyPI compares the e-mail, URL and
// Description-Content-Type rules, messages included, with the code PyPI
// runs for them (see testdata/check/oracle.py), on generated values.
func TestEmailURLContentTypeAgainstPyPI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	t.Parallel()
	path := pypiSources(t)
	emails, urls, cts := oracleInputs()
	cmd := exec.Command(testtool.DebianPython, filepath.Join("testdata", "check", "oracle.py"))
	cmd.Env = append(os.Environ(), "PYTHONPATH="+path, "PYTHONHASHSEED=0")
	var res struct {
		Emails       []*string `json:"emails"`
		URLs         []string  `json:"urls"`
		ContentTypes []string  `json:"content_types"`
	}
	testtool.RunJSON(t, cmd, map[string][]string{"emails": emails, "urls": urls, "content_types": cts}, &res)
	compare := func(kind string, inputs []string, want []string, ours func(string) string) {
		refused, mism := 0, 0
		for i, s := range inputs {
			if want[i] != "" {
				refused++
			}
			if got := ours(s); got != want[i] {
				mism++
				if mism <= 15 {
					t.Errorf("%s %q:\n  preflight: %q\n  PyPI:      %q", kind, s, got, want[i])
				}
			}
		}
		t.Logf("%s: %d inputs, %d refused by PyPI's code, %d differ", kind, len(inputs), refused, mism)
	}
	wantEmails := make([]string, len(emails))
	for i, m := range res.Emails {
		if m == nil {
			wantEmails[i] = "<no address>"
		} else {
			wantEmails[i] = *m
		}
	}
	compare("email", emails, wantEmails, func(s string) string {
		a := parseAddr(s)
		if a == "" {
			return "<no address>"
		}
		if why := emailProblem(a); why != "" {
			return pyRepr(a) + " is not a valid email address: " + why
		}
		return ""
	})
	compare("url", urls, res.URLs, func(s string) string {
		if validHTTPURL(s) {
			return ""
		}
		return "invalid"
	})
	compare("content-type", cts, res.ContentTypes, validateContentType)
}

// oracleInputs generates e-mail fields, URLs and content types around the
// edges of each rule, from a fixed seed.
func oracleInputs() (emails, urls, cts []string) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	for i := 0; i < 2000; i++ {
		local := pick("me", "first.last", "a+b", "x_y", "a..b", ".a", "a.", "ü", "o'neil", "\"q\"", "", "a b",
			strings.Repeat("l", 65), "a,b", "a(b)", "a\\b", "a[b]", "ab--c", "\"a b\"", "a\tb", "info")
		domain := pick("example.com", "example.org", "sub.example.co.uk", "localhost", "example.test", "ex.local",
			"b.c1", "1.2.3.4", "-ex.com", "ex-.com", "ex_ample.com", "ex.com.", "ex..com", "", "xn--bcher-kva.example",
			"bücher.example", ".ex.com", "ab--cd.com", "ex.-com", "[1.2.3.4]", "[IPv6:::1]", strings.Repeat("d", 64)+".com",
			"EXAMPLE.COM", "ex.onion", "ex.arpa", "ex.c-m", "ex .com", "ex.com>", "例え.テスト")
		addr := local + pick("@", "@", "@", "", "@@", "＠") + domain
		switch r.IntN(7) {
		case 0:
			emails = append(emails, pick("Jane Doe", "J. Doe", "\"Doe, Jane\"", "")+" <"+addr+">")
		case 1:
			emails = append(emails, addr+", "+pick("other@example.com", "Bob <bob@example.org>"))
		case 2:
			emails = append(emails, pick("Jane Doe", "Jane", "Jane Doe (maintainer)", "team", "<>", "Jane <"))
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
	for i := 0; i < 800; i++ {
		ct := pick("text/plain", "text/x-rst", "text/markdown", "TEXT/Markdown", "text/html", "text/x-markdown", "text", "", "text/plain ", " text/markdown", "text/markdown/x", "text /markdown")
		for n := r.IntN(3); n > 0; n-- {
			ct += pick("; charset=UTF-8", "; charset=utf-8", "; charset=\"UTF-8\"", "; charset=latin-1", "; variant=GFM", "; variant=CommonMark",
				"; variant=gfm", "; variant=Original", ";", "; x", "; variant=", " ;variant = GFM", "; charset=UTF-8; charset=ascii", "; variant", "; variant=\"GFM\"", "; CHARSET=UTF-8", "; variant=GFM extra")
		}
		cts = append(cts, ct)
	}
	return emails, urls, cts
}
