// Package dist finds, reads, validates and hashes Python distributions
// (wheels and source distributions) without touching the network.
//
// File names follow the wheel file name specification
// (https://packaging.python.org/en/latest/specifications/binary-distribution-format/)
// and the source distribution format
// (https://packaging.python.org/en/latest/specifications/source-distribution-format/).
// Metadata follows the core metadata specification
// (https://packaging.python.org/en/latest/specifications/core-metadata/).
// The rules PyPI applies on upload are described in
// ../shared/spec/pypi-protocol.md (sections 8 to 12) and the user-facing
// situations in ../shared/spec/action.md (DS-xx and VA-xx).
//
// The package must not import net/http or go-githubactions; a test guards this.
package dist
