// Package dist finds, reads, validates and hashes Python distributions
// (wheels and source distributions) without touching the network.
//
// File names follow the wheel file name specification
// (https://packaging.python.org/en/latest/specifications/binary-distribution-format/)
// and the source distribution format
// (https://packaging.python.org/en/latest/specifications/source-distribution-format/).
// Metadata follows the core metadata specification
// (https://packaging.python.org/en/latest/specifications/core-metadata/).
// The rules are the ones PyPI applies on upload, in Warehouse's upload view (warehouse/forklift/legacy.py);
// the user-facing situations (DS-xx and VA-xx) are in docs/situations.md.
//
// The package must not import net/http or go-githubactions; a test guards this.
package dist
