// Package sharedtool finds the shared test tools (../shared/tools next to
// the checkout in CI) for the differential tests. Only tests import it.
package sharedtool

import (
	"os"
	"path/filepath"
	"runtime"
)

// root is the module root, from this file's location.
func root() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(here)))
}

// WarehouseOracle returns the path of warehouse-oracle (PyPI's upload view
// run offline), or "" when it is not there: $WAREHOUSE_ORACLE when set,
// else shared/tools/warehouse-oracle/warehouse-oracle next to the checkout
// or next to one of its parents (a worktree may sit deeper than ../shared).
func WarehouseOracle() string {
	if p := os.Getenv("WAREHOUSE_ORACLE"); p != "" {
		return p
	}
	dir := root()
	for i := 0; i < 4; i++ {
		dir = filepath.Dir(dir)
		p := filepath.Join(dir, "shared", "tools", "warehouse-oracle", "warehouse-oracle")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// WarehouseUpstream returns the folder of the sources warehouse-oracle
// runs (warehouse, packaging, email-validator, trove-classifiers), or "".
func WarehouseUpstream() string {
	p := WarehouseOracle()
	if p == "" {
		return ""
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	dir := filepath.Join(filepath.Dir(p), "upstream")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}
