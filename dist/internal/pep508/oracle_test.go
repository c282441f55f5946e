package pep508

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/internal/pep440"
	"github.com/pypi-publish/pypi-publish/internal/testtool"
)

const python = "/usr/bin/python3"

type verdict struct {
	OK   bool   `json:"ok"`
	Norm string `json:"norm"`
}

// oracle asks Debian's python3-packaging for its verdicts, in one process.
func oracle(t *testing.T, batch map[string][]string) map[string][]verdict {
	t.Helper()
	testtool.Python(t, "packaging.requirements")
	var res map[string][]verdict
	testtool.RunJSON(t, exec.Command(python, filepath.Join("testdata", "oracle.py")), batch, &res)
	return res
}

// gen builds random strings from grammar-shaped pieces, so that about
// half are valid and the rest fail in interesting places.
type gen struct{ r *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) num() string {
	return g.pick("0", "1", "2", "10", "007", "2024", "99999999999999999999")
}

func (g gen) sep() string { return g.pick("", "", ".", "-", "_") }

func (g gen) version() string {
	var b strings.Builder
	if g.r.IntN(8) == 0 {
		b.WriteString(g.pick("v", "V", " ", "\t"))
	}
	if g.r.IntN(8) == 0 {
		b.WriteString(g.num() + "!")
	}
	b.WriteString(g.num())
	for n := g.r.IntN(4); n > 0; n-- {
		b.WriteString("." + g.num())
	}
	if g.r.IntN(3) == 0 {
		b.WriteString(g.sep() + g.pick("a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "RC", "Alpha") + g.sep() + g.pick("", g.num()))
	}
	if g.r.IntN(3) == 0 {
		if g.r.IntN(3) == 0 {
			b.WriteString("-" + g.num())
		} else {
			b.WriteString(g.sep() + g.pick("post", "rev", "r", "POST") + g.sep() + g.pick("", g.num()))
		}
	}
	if g.r.IntN(3) == 0 {
		b.WriteString(g.sep() + g.pick("dev", "DEV") + g.sep() + g.pick("", g.num()))
	}
	if g.r.IntN(4) == 0 {
		b.WriteString("+" + g.pick("ubuntu", "local", "1", "abc.5", "x-y_z", "Foo"))
		if g.r.IntN(3) == 0 {
			b.WriteString(g.pick(".", "-", "_") + g.pick("1", "a", "01"))
		}
	}
	if g.r.IntN(6) == 0 {
		b.WriteString(g.pick(" ", ".", "-", "..", "+", "x", "*", ".*", "!", "a1b"))
	}
	return b.String()
}

func (g gen) specifier() string {
	op := g.pick("==", "!=", "<=", ">=", "<", ">", "~=", "===", "=", "=>", "")
	v := g.version()
	if g.r.IntN(5) == 0 {
		v = g.pick("1.0.*", "1.*", "2!1.*", "1.0.*.1", "*", "1.0+local", "1.0a1.*", "foo", "1.0)")
	}
	return g.pick("", " ") + op + g.pick("", " ", "  ") + v + g.pick("", " ")
}

func (g gen) specifierSet() string {
	var parts []string
	for n := g.r.IntN(4); n >= 0; n-- {
		parts = append(parts, g.specifier())
	}
	return strings.Join(parts, g.pick(",", ", ", " ,", ",,"))
}

func (g gen) name() string {
	return g.pick("requests", "Foo_Bar", "a", "A.B-C", "x1", "-bad", "bad-", "with space", "_u", "zope.interface", "ñame", "a..b", "9")
}

func (g gen) markerExpr(depth int) string {
	if depth < 2 && g.r.IntN(4) == 0 {
		return "(" + g.markerExpr(depth+1) + g.pick(" and ", " or ", "and", " AND ") + g.markerExpr(depth+1) + g.pick(")", "", ")")
	}
	v := g.pick("python_version", "python_full_version", "os_name", "os.name", "sys_platform",
		"platform_release", "platform_system", "platform_version", "platform_machine",
		"platform_python_implementation", "implementation_name", "implementation_version",
		"extra", "python_implementation", "unknown_var", "'3.8'")
	op := g.pick(" == ", " != ", " < ", " >= ", " ~= ", " === ", " in ", " not in ", "==", " not  in ", " notin ", " = ", " <> ")
	val := g.pick(`"3.8"`, `'linux'`, `"win32"`, `'test'`, `"`, `'a\'`, `"a b"`, "python_version", `''`)
	e := v + op + val
	if g.r.IntN(3) == 0 {
		e += g.pick(" and ", " or ", " and", " xor ") + g.markerExpr(depth+1)
	}
	return e
}

func (g gen) requirement() string {
	var b strings.Builder
	b.WriteString(g.pick("", " ") + g.name())
	if g.r.IntN(3) == 0 {
		b.WriteString(g.pick("", " ") + "[" + g.pick("", "security", "a,b", "a, b", "a b", "a,", "tests ,  docs", "ñ") + "]")
	}
	switch g.r.IntN(6) {
	case 0:
		b.WriteString(g.pick(" @ ", "@", " @") + g.pick("https://example.com/x.whl", "git+https://github.com/o/r.git@v1", "file:///tmp/x", ""))
		if g.r.IntN(2) == 0 {
			b.WriteString(g.pick(" ; ", ";", "; ") + g.markerExpr(0))
		}
		return b.String()
	case 1, 2:
		b.WriteString(g.pick("", " "))
		if g.r.IntN(3) == 0 {
			b.WriteString("(" + g.specifierSet() + g.pick(")", ""))
		} else {
			b.WriteString(g.specifierSet())
		}
	}
	if g.r.IntN(3) == 0 {
		b.WriteString(g.pick(";", " ; ", " ;", " and ") + g.markerExpr(0))
	}
	return b.String()
}

// TestDifferentialPackaging compares the parsers with Debian's
// python3-packaging on generated inputs: the same valid/invalid verdict
// and, for valid input, the same normalized text.
func TestDifferentialPackaging(t *testing.T) {
	t.Parallel()
	g := gen{rand.New(rand.NewPCG(1, 2))}
	const n = 1500
	batch := map[string][]string{}
	for i := 0; i < n; i++ {
		batch["version"] = append(batch["version"], g.version())
		batch["specifier"] = append(batch["specifier"], g.specifier())
		batch["specifierset"] = append(batch["specifierset"], g.specifierSet())
		batch["requirement"] = append(batch["requirement"], g.requirement())
		batch["marker"] = append(batch["marker"], g.markerExpr(0))
		batch["name"] = append(batch["name"], g.name()+g.pick("", "_", "..", "-", "--X"))
		a := g.version()
		b := g.pick(a, g.version(), a+".0", a+".post1", a+"a1", a+"+1", a+".dev0", strings.ToUpper(a))
		batch["compare"] = append(batch["compare"], a+"|"+b)
	}
	batch["requirement"] = append(batch["requirement"], realRequirements(t)...)
	res := oracle(t, batch)
	kinds := make([]string, 0, len(batch))
	for k := range batch {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		valid, mismatches := 0, 0
		for i, in := range batch[kind] {
			want := res[kind][i]
			ok, norm := ours(kind, in)
			if want.OK {
				valid++
			}
			if ok != want.OK || (ok && norm != want.Norm) {
				mismatches++
				if mismatches <= 10 {
					t.Errorf("%s %q: ours ok=%v norm=%q, packaging ok=%v norm=%q", kind, in, ok, norm, want.OK, want.Norm)
				}
			}
		}
		t.Logf("%s: %d inputs, %d valid per packaging, %d mismatches", kind, len(batch[kind]), valid, mismatches)
	}
}

// realRequirements returns the Requires-Dist values of the Python packages
// installed on the machine that made testdata (testdata/requires-dist.txt).
func realRequirements(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "requires-dist.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func ours(kind, s string) (bool, string) {
	switch kind {
	case "version":
		v, err := pep440.Parse(s)
		return err == nil, v.String()
	case "specifier":
		sp, err := ParseSpecifier(s)
		return err == nil, sp.String()
	case "specifierset":
		set, err := ParseSpecifierSet(s)
		return err == nil, setString(set)
	case "requirement":
		r, err := ParseRequirement(s)
		if err != nil {
			return false, ""
		}
		set, _ := ParseSpecifierSet(r.Specifier)
		extras := append([]string{}, r.Extras...)
		sort.Strings(extras)
		uniq := extras[:0]
		for i, e := range extras {
			if i == 0 || e != extras[i-1] {
				uniq = append(uniq, e)
			}
		}
		return true, pyJSON([]any{r.Name, uniq, r.URL, setString(set), r.Marker != ""})
	case "marker":
		_, err := ParseRequirement("x; " + s)
		return err == nil && ParseMarker(s) == nil, ""
	case "name":
		return true, canonical(s)
	case "compare":
		a, b, _ := strings.Cut(s, "|")
		va, err1 := pep440.Parse(a)
		vb, err2 := pep440.Parse(b)
		if err1 != nil || err2 != nil {
			return false, ""
		}
		return true, strconv.Itoa(pep440.Compare(va, vb))
	}
	return false, ""
}

func setString(set []Specifier) string {
	ss := make([]string, len(set))
	for i, s := range set {
		ss[i] = s.String()
	}
	sort.Strings(ss)
	uniq := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			uniq = append(uniq, s)
		}
	}
	return strings.Join(uniq, ",")
}

// canonical is packaging's canonicalize_name, for the name comparison.
func canonical(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range s {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// pyJSON renders v the way Python's json.dumps does by default.
func pyJSON(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyJSON(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyJSON(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(x)
		return strings.TrimSpace(b.String())
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return ""
}
