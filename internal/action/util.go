package action

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// projectNames returns the sorted, unique normalized project names.
func projectNames(dists []*dist.Distribution) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dists {
		n := dist.NormalizeName(d.Name())
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// listSome joins at most n items and says how many more there are, so one
// annotation stays readable however many files a directory holds.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// bulletLinks renders links as a Markdown list.
func bulletLinks(links []string) string {
	var b strings.Builder
	for _, l := range links {
		fmt.Fprintf(&b, "- <%s>\n", l)
	}
	return b.String()
}

// relPaths returns paths relative to base (see relPath).
func relPaths(base string, paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, relPath(base, p))
	}
	return out
}

// relPath returns p relative to base with forward slashes when p is inside
// base, else p as given.
func relPath(base, p string) string {
	if base == "" {
		return p
	}
	abs := p
	if !filepath.IsAbs(p) {
		abs = filepath.Join(base, p)
	}
	if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}
