package config

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
)

// ErrURLCredentials is the error (IN-09) for a repository-url or index-url
// that carries a user name or password: they would be printed in the log
// and the summary and are not how the action takes credentials.
var ErrURLCredentials = errors.New("credentials in a URL input")

// SecretLike reports whether an input value looks like a secret that
// landed in the wrong input, so it must be masked and never quoted: a PyPI
// token (it contains "pypi-"), a command-line flag that carries a password
// or token ("--password=…", which a bare boolean flag takes as its value),
// or a long run of letters and digits without spaces, as API keys are.
func SecretLike(v string) bool {
	v = strings.TrimSpace(v)
	lower := strings.ToLower(v)
	switch {
	case strings.Contains(lower, "pypi-"):
		return true
	case strings.Contains(lower, "password") || strings.Contains(lower, "token"):
		return strings.ContainsAny(v, "=:")
	}
	if len(v) < 16 || strings.ContainsFunc(v, unicode.IsSpace) {
		return false
	}
	letter := strings.ContainsFunc(v, unicode.IsLetter)
	digit := strings.ContainsFunc(v, unicode.IsDigit)
	return letter && digit
}

// Secrets returns the values of c that must be masked before anything is
// printed: the password (as given and trimmed), a user name that looks like
// a secret, the credentials of a URL input, and every boolean input whose
// odd value looks like a secret (IN-02 quotes odd values otherwise).
func (c Config) Secrets() []string {
	var out []string
	if c.Password != "" {
		out = append(out, c.Password, strings.TrimSpace(c.Password))
	}
	if SecretLike(c.User) {
		out = append(out, c.User)
	}
	for _, u := range []string{c.RepositoryURL, c.IndexURL} {
		out = append(out, URLSecrets(u)...)
	}
	for _, b := range c.bools() {
		if b.v.Odd && SecretLike(b.v.Raw) {
			out = append(out, secretForms(b.v.Raw)...)
		}
	}
	return out
}

// secretForms is a secret-like value as given, trimmed, and the part after
// "=" of a swallowed flag ("--password=pypi-…").
func secretForms(v string) []string {
	out := []string{v, strings.TrimSpace(v)}
	if _, after, ok := strings.Cut(strings.TrimSpace(v), "="); ok && after != "" {
		out = append(out, after)
	}
	return out
}

// RawSecrets is Secrets for the raw inputs, before they are decoded (a
// decoding error may quote a value): every value of the password input
// and its flag, the credentials of the URL inputs, and any other value that
// looks like a secret ([SecretLike]) in an input that is not a path or URL.
func RawSecrets(getenv func(string) string, flags map[string]string) []string {
	var out []string
	for _, in := range Inputs {
		vals := []string{flags[in.Name], getenv("INPUT_" + strings.ToUpper(in.Name))}
		if in.Alias != "" {
			vals = append(vals, getenv("INPUT_"+strings.ToUpper(in.Alias)))
		}
		for _, v := range vals {
			switch {
			case v == "":
			case in.Name == "password":
				out = append(out, v, strings.TrimSpace(v))
			case in.Name == "repository-url" || in.Name == "index-url":
				out = append(out, URLSecrets(v)...)
			case in.Name != "packages-dir" && SecretLike(v):
				out = append(out, secretForms(v)...)
			}
		}
	}
	return out
}

// URLSecrets returns what a URL input holds that must be masked: the
// password and the whole user information ("user:password") written into
// it (a user name alone is not masked: it would hide every occurrence of a
// common word), or the whole value when it is not an http(s) URL with a
// host and looks like a secret (a flag that took "--password=…" as its
// value). A value that
// does not parse but has user information ("scheme://…@host") yields the
// text between "//" and the last "@".
func URLSecrets(raw string) []string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") && SecretLike(raw) {
		return secretForms(raw)
	}
	if err == nil {
		if u.User == nil {
			return nil
		}
		out := []string{u.User.String()}
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
		return out
	}
	if _, rest, ok := strings.Cut(raw, "//"); ok {
		if at := strings.LastIndex(rest, "@"); at > 0 {
			return []string{rest[:at]}
		}
	}
	return nil
}

// RedactURL returns raw without its user information ("https://***@host/…"
// when there was some) for messages; a value that does not parse is shown
// as "(not a URL)" so that nothing in it is repeated.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	if u.User == nil {
		return raw
	}
	u.User = nil
	s := u.String()
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		return scheme + "://***@" + rest
	}
	return s
}
