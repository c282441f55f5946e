// Package oidctest provides strict fakes for trusted-publishing tests: a
// GitHub Actions OIDC token service ([GitHub]) that issues RS256 JWTs signed
// by a test key, and the index side ([Index]) of /_/oidc/audience,
// /_/oidc/mint-token and /_/oidc/burn-token, which verifies those JWTs the
// way PyPI does (warehouse/oidc) and mints short-lived "pypi-" tokens.
//
// Both are http.Handlers. [NewGitHub] also starts an httptest server;
// an [Index] is meant to be mounted on a fake PyPI (publishtest's
// WithHandler("/_/oidc/", idx)) or served with httptest directly, and its
// [Index.Validate] checks upload passwords.
package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Issuer is GitHub's OIDC issuer, the only one PyPI accepts.
const Issuer = "https://token.actions.githubusercontent.com"

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
)

// Key returns the process-wide RSA test key (2048 bits, generated on first
// use) that [GitHub] signs with and [Index] verifies with by default.
func Key() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("oidctest: failed to generate the test key: " + err.Error())
		}
		key = k
	})
	return key
}

// Sign returns a compact RS256 JWT with the given claims, signed by k.
func Sign(k *rsa.PrivateKey, claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "oidctest"})
	if err != nil {
		return "", fmt.Errorf("failed to encode JWT header: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("failed to encode JWT claims: %w", err)
	}
	signing := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("failed to sign JWT: %w", err)
	}
	return signing + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// errMalformed is a JWT that cannot even be decoded.
var errMalformed = errors.New("malformed JWT")

// parseUnverified decodes a compact JWT without checking it.
func parseUnverified(tok string) (header, claims map[string]any, err error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, nil, errMalformed
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil {
		return nil, nil, errMalformed
	}
	if json.Unmarshal(hb, &header) != nil || header == nil {
		return nil, nil, errMalformed
	}
	dec := json.NewDecoder(strings.NewReader(string(pb)))
	dec.UseNumber()
	if dec.Decode(&claims) != nil || claims == nil {
		return nil, nil, errMalformed
	}
	return header, claims, nil
}

// verifySignature checks the RS256 signature of a compact JWT.
func verifySignature(pub *rsa.PublicKey, tok string) bool {
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		return false
	}
	sum := sha256.Sum256([]byte(tok[:i]))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("oidctest: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}
