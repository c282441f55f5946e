// Package secret is the one scrubber of the action. A [Set] remembers every
// secret a run handles (the password or API token, each minted token, the
// GitHub request token, each OIDC token) and removes them from text before
// it is shown: in the log, in annotations, in the outputs and in the step
// summary (internal/console applies it to everything), and in the
// libraries' server excerpts before they are cut short (oidc).
//
// A server that echoes a secret rarely echoes it verbatim only, so a Set
// also removes the forms a secret takes on the wire: JSON and HTML
// escaping, URL escaping, base64 (of the secret, and of "user:password" as
// in an Authorization header), and each dot-separated part of a JWT (the
// payload and signature are secret on their own). A secret cut short by a
// truncation ("pypi-AgEIcHlwaS5vcmcCJDk…") is removed as well: any
// 12-character or longer prefix of a secret of at least 16 characters is
// redacted wherever it occurs.
package secret

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces every secret form in scrubbed text; it is what GitHub's
// runner shows for masked values.
const Redacted = "***"

const (
	// MinLength is the shortest secret a Set removes: shorter values
	// would destroy ordinary text ("p" would remove every p). The runner
	// still masks them when asked (console.AddMask).
	MinLength = 4
	// cutMin is the shortest prefix of a secret that is removed on its
	// own (a secret cut by a truncation); it applies to secrets of at
	// least cutFrom characters.
	cutMin  = 12
	cutFrom = 16
)

// Set is a set of secrets and their wire forms. The zero value is empty and
// ready to use; a Set is safe for concurrent use.
type Set struct {
	mu    sync.RWMutex
	forms []string        // every form, longest first
	heads []string        // secrets long enough to be removed when cut short
	seen  map[string]bool // forms
	added map[string]bool // secrets
}

// Add registers secret and its wire forms. It reports whether secret was
// new and long enough to be removed (at least MinLength bytes).
func (s *Set) Add(secret string) bool {
	if len(secret) < MinLength {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.added[secret] {
		return false
	}
	if s.added == nil {
		s.added = map[string]bool{}
	}
	s.added[secret] = true
	for _, f := range Forms(secret) {
		s.addForm(f)
	}
	for _, p := range strings.Split(secret, ".") {
		if len(p) >= cutFrom {
			s.heads = append(s.heads, p)
		}
	}
	if len(secret) >= cutFrom && !strings.Contains(secret, ".") {
		s.heads = append(s.heads, secret)
	}
	sort.Slice(s.forms, func(i, j int) bool { return len(s.forms[i]) > len(s.forms[j]) })
	return true
}

// AddBasic registers password and the base64 forms of "user:password", as
// an HTTP Basic Authorization header carries them. It reports whether
// anything was new.
func (s *Set) AddBasic(user, password string) bool {
	added := s.Add(password)
	if len(password) < MinLength {
		return added
	}
	pair := []byte(user + ":" + password)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if s.Add(enc.EncodeToString(pair)) {
			added = true
		}
	}
	return added
}

// addForm records one form; s.mu is held.
func (s *Set) addForm(f string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if len(f) < MinLength || s.seen[f] {
		return
	}
	s.seen[f] = true
	s.forms = append(s.forms, f)
}

// Forms returns the forms secret takes when a server echoes it: as is,
// escaped for JSON (with and without HTML-safe escapes), for HTML and for
// URLs, base64 encoded, and the dot-separated parts of a JWT (each of at
// least 16 characters).
func Forms(secret string) []string {
	out := []string{secret}
	add := func(f string) {
		for _, o := range out {
			if o == f {
				return
			}
		}
		out = append(out, f)
	}
	if b, err := json.Marshal(secret); err == nil {
		add(strings.Trim(string(b), `"`))
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		add(strings.Trim(strings.TrimSpace(sb.String()), `"`))
	}
	add(html.EscapeString(secret))
	add(url.QueryEscape(secret))
	add(url.PathEscape(secret))
	add(base64.StdEncoding.EncodeToString([]byte(secret)))
	add(base64.RawStdEncoding.EncodeToString([]byte(secret)))
	add(base64.RawURLEncoding.EncodeToString([]byte(secret)))
	if parts := strings.Split(secret, "."); len(parts) > 1 {
		for _, p := range parts {
			if len(p) >= cutFrom {
				add(p)
			}
		}
	}
	return out
}

// Empty reports whether no secret is registered.
func (s *Set) Empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.forms) == 0
}

// Scrub returns text with every registered form replaced by [Redacted],
// longest first, then every remaining prefix of at least 12 characters of
// a long secret (a secret cut short). A nil Set returns text unchanged.
func (s *Set) Scrub(text string) string {
	if s == nil || text == "" {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, Redacted)
		}
	}
	for _, h := range s.heads {
		text = scrubCut(text, h)
	}
	return text
}

// scrubCut removes every run of text that matches the start of secret
// for at least cutMin bytes.
func scrubCut(text, secret string) string {
	head := secret[:cutMin]
	if !strings.Contains(text, head) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, head)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		n := cutMin
		for i+n < len(text) && n < len(secret) && text[i+n] == secret[n] {
			n++
		}
		b.WriteString(text[:i])
		b.WriteString(Redacted)
		text = text[i+n:]
	}
}
