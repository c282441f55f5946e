package tuf

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Key is a public key as TUF metadata lists it.
type Key struct {
	KeyType string `json:"keytype"`
	Scheme  string `json:"scheme"`
	KeyVal  struct {
		Public string `json:"public"`
	} `json:"keyval"`
}

// verifier checks signatures over canonical bytes.
type verifier func(msg, sig []byte) bool

// parseKey returns a verifier for a key of a supported type and scheme.
func parseKey(k Key) (verifier, error) {
	switch {
	case k.KeyType == "ed25519" && k.Scheme == "ed25519":
		pub, err := hex.DecodeString(k.KeyVal.Public)
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, errors.New("bad ed25519 public key")
		}
		return func(msg, sig []byte) bool { return ed25519.Verify(pub, msg, sig) }, nil
	case (k.KeyType == "ecdsa" || k.KeyType == k.Scheme) && (k.Scheme == "ecdsa-sha2-nistp256" || k.Scheme == "ecdsa-sha2-nistp384"):
		return ecdsaVerifier(k)
	case k.KeyType == "rsa" && k.Scheme == "rsassa-pss-sha256":
		pub, err := pemPublicKey(k.KeyVal.Public)
		if err != nil {
			return nil, err
		}
		rk, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("an rsa key holds a %T", pub)
		}
		return func(msg, sig []byte) bool {
			d := sha256.Sum256(msg)
			return rsa.VerifyPSS(rk, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
		}, nil
	}
	return nil, fmt.Errorf("unsupported key type %q with scheme %q", k.KeyType, k.Scheme)
}

func ecdsaVerifier(k Key) (verifier, error) {
	ek, err := ecdsaKey(k)
	if err != nil {
		return nil, err
	}
	if k.Scheme == "ecdsa-sha2-nistp256" {
		if ek.Curve != elliptic.P256() {
			return nil, errors.New("scheme ecdsa-sha2-nistp256 with a key on another curve")
		}
		return func(msg, sig []byte) bool {
			d := sha256.Sum256(msg)
			return ecdsa.VerifyASN1(ek, d[:], sig)
		}, nil
	}
	if ek.Curve != elliptic.P384() {
		return nil, errors.New("scheme ecdsa-sha2-nistp384 with a key on another curve")
	}
	return func(msg, sig []byte) bool {
		d := sha512.Sum384(msg)
		return ecdsa.VerifyASN1(ek, d[:], sig)
	}, nil
}

// ecdsaKey reads a PEM (PKIX) ECDSA key or, for the legacy key type
// "ecdsa-sha2-nistp256" (Sigstore's first roots), a hex uncompressed point.
func ecdsaKey(k Key) (*ecdsa.PublicKey, error) {
	if k.KeyType == "ecdsa-sha2-nistp256" && !strings.HasPrefix(k.KeyVal.Public, "-----") {
		b, err := hex.DecodeString(k.KeyVal.Public)
		if err != nil {
			return nil, errors.New("public key is neither PEM nor hex")
		}
		return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b)
	}
	pub, err := pemPublicKey(k.KeyVal.Public)
	if err != nil {
		return nil, err
	}
	ek, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("an ecdsa key holds a %T", pub)
	}
	return ek, nil
}

func pemPublicKey(s string) (any, error) {
	blk, _ := pem.Decode([]byte(s))
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, errors.New("public key is not PEM")
	}
	return x509.ParsePKIXPublicKey(blk.Bytes)
}
