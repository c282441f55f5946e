package tuftest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"

	"github.com/pypi-publish/pypi-publish/internal/tuf"
)

// Key kinds NewKey makes.
const (
	ECDSA   = "ecdsa"   // P-256, PEM, key type "ecdsa" (as Sigstore's keys)
	Ed25519 = "ed25519" // hex public key
	RSA     = "rsa"     // 2048 bits, RSA-PSS with SHA-256
)

// Key is a signing key with its TUF description and key ID.
type Key struct {
	// ID is the SHA-256 of the canonical JSON of Public, as TUF defines it.
	ID     string
	Public tuf.Key
	signer crypto.Signer
}

// NewKey returns a fresh key of a kind (ECDSA, Ed25519 or RSA).
func NewKey(kind string) (*Key, error) {
	k := &Key{}
	switch kind {
	case ECDSA:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		if err := k.setPEM(&priv.PublicKey); err != nil {
			return nil, err
		}
		k.Public.KeyType, k.Public.Scheme, k.signer = "ecdsa", "ecdsa-sha2-nistp256", priv
	case Ed25519:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		k.Public.KeyType, k.Public.Scheme, k.signer = "ed25519", "ed25519", priv
		k.Public.KeyVal.Public = hex.EncodeToString(pub)
	case RSA:
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		if err := k.setPEM(&priv.PublicKey); err != nil {
			return nil, err
		}
		k.Public.KeyType, k.Public.Scheme, k.signer = "rsa", "rsassa-pss-sha256", priv
	default:
		return nil, fmt.Errorf("tuftest: unknown key kind %q", kind)
	}
	b, err := json.Marshal(k.Public)
	if err != nil {
		return nil, err
	}
	c, err := tuf.Canonical(b)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(c)
	k.ID = hex.EncodeToString(sum[:])
	return k, nil
}

func (k *Key) setPEM(pub any) error {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	k.Public.KeyVal.Public = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return nil
}

// Sign signs msg as TUF verifies it for the key's scheme and returns the
// signature in hex.
func (k *Key) Sign(msg []byte) (string, error) {
	var (
		sig []byte
		err error
	)
	switch s := k.signer.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(s, msg)
	case *ecdsa.PrivateKey:
		d := sha256.Sum256(msg)
		sig, err = ecdsa.SignASN1(rand.Reader, s, d[:])
	case *rsa.PrivateKey:
		d := sha256.Sum256(msg)
		sig, err = rsa.SignPSS(rand.Reader, s, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sig), nil
}
