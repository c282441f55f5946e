// Package oracle holds test-only checks of the attest package against
// independent Sigstore verifiers: sigstore-go v1.3.0 (Oracle A) and
// @sigstore/verify 4.1.3 from npm (Oracle C, run with node when
// js/node_modules exists). It is a separate module so the product's go.mod
// never lists Sigstore modules.
package oracle
