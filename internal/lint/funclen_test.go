// Package lint holds checks over the module's source that no linter
// configuration expresses. It has only tests.
package lint

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// maxFuncLines is the longest a non-test function may be, counted from the
// line of "func" to the line of its closing brace.
const maxFuncLines = 80

// longFuncs are the functions allowed to be longer, by file (relative to
// the module root, slash-separated) and name ("Type.Method" for methods).
var longFuncs = map[string]bool{
	// The reStructuredText checker's main loop: one state machine over the
	// lines, like docutils' own; split, its states would share a dozen
	// variables through a struct for no gain in clarity.
	"dist/internal/rst/rst.go checker.run": true,
}

// TestFunctionLength fails on a non-test function longer than maxFuncLines
// anywhere in the module, unless longFuncs names it.
func TestFunctionLength(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var long []string
	seen := map[string]bool{}
	srcs, err := sourceFiles(fset, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		f, rel := src.file, src.rel
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			key := rel + " " + funcName(fn)
			n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if _, ok := longFuncs[key]; ok {
				seen[key] = true
				continue
			}
			if n > maxFuncLines {
				long = append(long, fmt.Sprintf("%s:%d: %s is %d lines", rel, fset.Position(fn.Pos()).Line, funcName(fn), n))
			}
		}
	}
	sort.Strings(long)
	for _, l := range long {
		t.Errorf("%s, more than %d: split it into named steps, or add it to longFuncs with the reason", l, maxFuncLines)
	}
	for k := range longFuncs {
		if !seen[k] {
			t.Errorf("longFuncs names %q, which does not exist any more: remove the entry", k)
		}
	}
}

// funcName is "Name" for a function and "Type.Name" for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	typ := fn.Recv.List[0].Type
	for {
		switch x := typ.(type) {
		case *ast.StarExpr:
			typ = x.X
			continue
		case *ast.IndexExpr:
			typ = x.X
			continue
		case *ast.IndexListExpr:
			typ = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fn.Name.Name
		}
		return fn.Name.Name
	}
}

// source is one parsed non-test Go file of the module.
type source struct {
	path string // as walked
	rel  string // relative to the module root, slash-separated
	file *ast.File
}

// sourceFiles parses every non-test Go file under root, skipping
// testdata, hidden and "_" directories and the directories named in skip.
func sourceFiles(fset *token.FileSet, root string, skip ...string) ([]source, error) {
	var out []source
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			n := d.Name()
			if path != root && (n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || slices.Contains(skip, n)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		out = append(out, source{path: path, rel: filepath.ToSlash(rel), file: f})
		return nil
	})
	return out, err
}
