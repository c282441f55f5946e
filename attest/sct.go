package attest

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// sct is one RFC 6962 signed certificate timestamp (v1).
type sct struct {
	logID      []byte
	timestamp  uint64
	extensions []byte
	hashAlg    byte
	sigAlg     byte
	signature  []byte
}

// parseSCTList decodes the TLS-encoded SignedCertificateTimestampList held
// in the certificate extension's OCTET STRING.
func parseSCTList(extValue []byte) ([]sct, error) {
	var list []byte
	if rest, err := asn1.Unmarshal(extValue, &list); err != nil || len(rest) > 0 {
		return nil, errors.New("SCT extension is not an OCTET STRING")
	}
	if len(list) < 2 || int(binary.BigEndian.Uint16(list)) != len(list)-2 {
		return nil, errors.New("bad SCT list length")
	}
	list = list[2:]
	var out []sct
	for len(list) > 0 {
		if len(list) < 2 {
			return nil, errors.New("truncated SCT list")
		}
		n := int(binary.BigEndian.Uint16(list))
		if len(list) < 2+n {
			return nil, errors.New("truncated SCT")
		}
		s, err := parseSCT(list[2 : 2+n])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		list = list[2+n:]
	}
	return out, nil
}

func parseSCT(b []byte) (sct, error) {
	var s sct
	if len(b) < 1+32+8+2 || b[0] != 0 {
		return s, errors.New("SCT is not version 1")
	}
	s.logID = b[1:33]
	s.timestamp = binary.BigEndian.Uint64(b[33:41])
	n := int(binary.BigEndian.Uint16(b[41:43]))
	b = b[43:]
	if len(b) < n+4 {
		return s, errors.New("truncated SCT")
	}
	s.extensions, b = b[:n], b[n:]
	s.hashAlg, s.sigAlg = b[0], b[1]
	n = int(binary.BigEndian.Uint16(b[2:4]))
	if len(b) != 4+n {
		return s, errors.New("bad SCT signature length")
	}
	s.signature = b[4:]
	return s, nil
}

// removeExtension returns a TBSCertificate without the extension oid, which
// is how the precertificate's TBS is rebuilt from the final certificate.
func removeExtension(tbs []byte, oid asn1.ObjectIdentifier) ([]byte, bool, error) {
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(tbs, &seq); err != nil || len(rest) > 0 {
		return nil, false, errors.New("bad TBSCertificate")
	}
	inner := seq.Bytes
	var out []byte
	found := false
	for len(inner) > 0 {
		var el asn1.RawValue
		var err error
		if inner, err = asn1.Unmarshal(inner, &el); err != nil {
			return nil, false, err
		}
		if el.Class != asn1.ClassContextSpecific || el.Tag != 3 {
			out = append(out, el.FullBytes...)
			continue
		}
		var exts asn1.RawValue
		if _, err := asn1.Unmarshal(el.Bytes, &exts); err != nil {
			return nil, false, err
		}
		var kept []byte
		for e := exts.Bytes; len(e) > 0; {
			var ext asn1.RawValue
			if e, err = asn1.Unmarshal(e, &ext); err != nil {
				return nil, false, err
			}
			var parsed struct {
				ID       asn1.ObjectIdentifier
				Critical bool `asn1:"optional"`
				Value    []byte
			}
			if _, err := asn1.Unmarshal(ext.FullBytes, &parsed); err != nil {
				return nil, false, err
			}
			if parsed.ID.Equal(oid) {
				found = true
				continue
			}
			kept = append(kept, ext.FullBytes...)
		}
		seqb, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: kept})
		if err != nil {
			return nil, false, err
		}
		wrapped, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 3, IsCompound: true, Bytes: seqb})
		if err != nil {
			return nil, false, err
		}
		out = append(out, wrapped...)
	}
	res, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: out})
	return res, found, err
}

// verifySCTs checks that at least one embedded SCT is signed by a CT log of
// root over the leaf's precertificate (RFC 6962 §3.2).
func verifySCTs(leaf *x509.Certificate, root *TrustedRoot) error {
	var value []byte
	for _, e := range leaf.Extensions {
		if e.Id.Equal(oidSCTList) {
			value = e.Value
		}
	}
	if value == nil {
		return errors.New("certificate has no embedded SCT")
	}
	scts, err := parseSCTList(value)
	if err != nil {
		return err
	}
	issuer := root.issuerFor(leaf)
	if issuer == nil {
		return errors.New("issuer of the certificate is not in the trusted root")
	}
	tbs, _, err := removeExtension(leaf.RawTBSCertificate, oidSCTList)
	if err != nil {
		return fmt.Errorf("failed to rebuild precertificate: %w", err)
	}
	keyHash := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	last := errors.New("no SCT from a CT log of the trusted root")
	for _, s := range scts {
		log := findLog(root.ctlog, s.logID)
		if log == nil {
			continue
		}
		if s.hashAlg != 4 || s.sigAlg != 3 {
			last = fmt.Errorf("unsupported SCT algorithms %d/%d", s.hashAlg, s.sigAlg)
			continue
		}
		if !log.validFor.contains(time.UnixMilli(int64(s.timestamp))) {
			last = errors.New("CT log key not valid at the SCT's time")
			continue
		}
		msg := make([]byte, 0, 64+len(tbs))
		msg = append(msg, 0, 0) // version v1, certificate_timestamp
		msg = binary.BigEndian.AppendUint64(msg, s.timestamp)
		msg = append(msg, 0, 1) // precert_entry
		msg = append(msg, keyHash[:]...)
		msg = append(msg, byte(len(tbs)>>16), byte(len(tbs)>>8), byte(len(tbs)))
		msg = append(msg, tbs...)
		msg = binary.BigEndian.AppendUint16(msg, uint16(len(s.extensions)))
		msg = append(msg, s.extensions...)
		if verifySig(log.key, msg, s.signature) {
			return nil
		}
		last = errors.New("SCT signature does not verify")
	}
	return last
}
