package lint

import (
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// consoleArgs are the Console methods (internal/console) and how many of
// their first arguments must be constant: the title and the format.
var consoleArgs = map[string]int{
	"Infof": 1, "Debugf": 1, "Group": 1,
	"Noticef": 2, "Warningf": 2, "Errorf": 2,
}

// dynamicAllowed are calls whose title or format is not a constant
// expression, by file and function, with the reason. Keep it short.
var dynamicAllowed = map[string]string{
	// The one error annotation: the title of an *action.Error, built only
	// from this package's constants (the titles map, the steps' titles
	// and a situation ID).
	"internal/action/errors.go ReportError": "titles of *Error are ours",
}

// TestConsoleFormats is the type check the Console interface cannot
// express (issue 12, "one way out"): every title and format passed to a
// Console method anywhere in the module is a constant expression (our own
// text); outside values travel only as arguments, which console.Safe
// scrubs and makes inert. The console package itself (the
// implementations, which receive "%s") is exempt.
func TestConsoleFormats(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	files := map[string][]*ast.File{} // by directory
	rels := map[*ast.File]string{}
	srcs, err := sourceFiles(fset, root, "bench")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		rels[src.file] = src.rel
		files[filepath.Dir(src.path)] = append(files[filepath.Dir(src.path)], src.file)
	}
	var bad []string
	used := map[string]bool{}
	for _, fs := range files {
		consts := packageConsts(fs)
		for _, f := range fs {
			rel := rels[f]
			if strings.HasPrefix(rel, "internal/console/") {
				continue
			}
			bad = append(bad, dynamicCalls(fset, f, rel, consts, used)...)
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s: pass outside values as arguments, never in the title or format (see internal/console), or add the call to dynamicAllowed with the reason", b)
	}
	for k := range dynamicAllowed {
		if !used[k] {
			t.Errorf("dynamicAllowed names %q, which has no such call any more: remove the entry", k)
		}
	}
}

// packageConsts returns the names of the package-level constants of a
// package's files.
func packageConsts(fs []*ast.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					out[n.Name] = true
				}
			}
		}
	}
	return out
}

// dynamicCalls lists the Console calls of f whose title or format is not
// constant.
func dynamicCalls(fset *token.FileSet, f *ast.File, rel string, consts, used map[string]bool) []string {
	imports := map[string]bool{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := filepath.Base(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = true
	}
	var out []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		testing := testingParams(fn)
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			k := consoleArgs[sel.Sel.Name]
			if id, isIdent := sel.X.(*ast.Ident); k == 0 || (isIdent && (imports[id.Name] || testing[id.Name])) || len(call.Args) < k {
				return true
			}
			for _, a := range call.Args[:k] {
				if constant(a, consts) {
					continue
				}
				key := rel + " " + funcName(fn)
				if _, ok := dynamicAllowed[key]; ok {
					used[key] = true
					continue
				}
				out = append(out, fmt.Sprintf("%s:%d: %s in %s", rel, fset.Position(a.Pos()).Line, sel.Sel.Name, funcName(fn)))
			}
			return true
		})
	}
	return out
}

// testingParams returns the names of fn's parameters of a testing type
// (t.Errorf is not a Console method).
func testingParams(fn *ast.FuncDecl) map[string]bool {
	out := map[string]bool{}
	for _, p := range fn.Type.Params.List {
		typ := p.Type
		if st, ok := typ.(*ast.StarExpr); ok {
			typ = st.X
		}
		if sel, ok := typ.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "testing" {
				for _, n := range p.Names {
					out[n.Name] = true
				}
			}
		}
	}
	return out
}

// constant reports whether e is a constant string expression: literals,
// package constants and their concatenations.
func constant(e ast.Expr, consts map[string]bool) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return x.Kind == token.STRING
	case *ast.Ident:
		return consts[x.Name]
	case *ast.ParenExpr:
		return constant(x.X, consts)
	case *ast.BinaryExpr:
		return x.Op == token.ADD && constant(x.X, consts) && constant(x.Y, consts)
	}
	return false
}
