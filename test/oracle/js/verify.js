'use strict';
// Oracle C: verify a Sigstore bundle v0.3 (converted from a PEP 740
// attestation) with @sigstore/verify against a given trusted root.
//
// usage: node verify.js <bundle.json> <trusted_root.json> <sha256> <san-regex> <source-repo-uri> <build-config-uri>
//
// Prints "ok" and exits 0 when the bundle verifies, with a transparency
// log entry, an SCT and a verified timestamp required, the GitHub issuer,
// the SAN pattern, the Source Repository URI (OID .1.12), the Build Config
// URI (OID .1.18) and the statement's single subject digest. Otherwise
// prints "<code>: <message>" to stderr and exits 1.
const fs = require('fs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

function utf8Extension(signer, last) {
  const oid = [1, 3, 6, 1, 4, 1, 57264, 1, last].join('.');
  const ext = (signer.identity?.oids || []).find((o) => o.oid?.id.join('.') === oid);
  if (!ext) return undefined;
  const v = ext.value;
  // DER UTF8String: tag 0x0c, then a short or long form length.
  if (v[0] !== 0x0c) return undefined;
  let len = v[1];
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | v[2 + i];
    off = 2 + n;
  }
  return v.subarray(off, off + len).toString('utf8');
}

function main(argv) {
  if (argv.length !== 6) {
    throw Object.assign(new Error('usage: node verify.js <bundle> <root> <sha256> <san-regex> <source-repo-uri> <build-config-uri>'), { code: 'USAGE' });
  }
  const [bundlePath, rootPath, sha256, san, sourceRepo, buildConfig] = argv;
  const trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))));
  const verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const signer = verifier.verify(toSignedEntity(bundle), {
    subjectAlternativeName: new RegExp(san),
    extensions: { issuer: GITHUB_ISSUER },
  });
  const gotRepo = utf8Extension(signer, 12);
  if (gotRepo !== sourceRepo) {
    throw Object.assign(new Error(`Source Repository URI ${gotRepo} != ${sourceRepo}`), { code: 'POLICY_ERROR' });
  }
  const gotConfig = utf8Extension(signer, 18);
  if (gotConfig !== buildConfig) {
    throw Object.assign(new Error(`Build Config URI ${gotConfig} != ${buildConfig}`), { code: 'POLICY_ERROR' });
  }
  const statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
  if (statement.subject?.length !== 1 || statement.subject[0].digest?.sha256 !== sha256) {
    throw Object.assign(new Error('statement subject digest does not match'), { code: 'DIGEST_ERROR' });
  }
}

try {
  main(process.argv.slice(2));
  console.log('ok');
} catch (e) {
  console.error(`${e.code || e.name}: ${e.message}`);
  process.exit(1);
}
