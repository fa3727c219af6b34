/**
 * The certificate authority's X.509 work (src/custom-resource/pki.ts), checked from outside with
 * the `openssl` CLI: what OpenVPN, ACM and Client VPN read is what OpenSSL reads.
 */
import { spawnSync } from 'child_process';
import { X509Certificate as NodeCertificate } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  createAuthority,
  IssuedCertificate,
  issueClientCertificate,
  issueServerCertificate,
  loadAuthority,
  readCertificate,
  readRevocationList,
  RevokedSerial,
  sameRevocationList,
  signRevocationList,
  SigningAuthority,
} from '../../src/custom-resource/pki';

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_NAME = 'Test Client VPN CA';
const DOMAIN = 'vpn.example.com';

// ---------------------------------------------------------------------------------------------
// openssl, in a temporary directory.

let dir: string;
let fileCount = 0;

/** Writes `text` to a new file in the temporary directory and answers its path. */
function file(content: string, name = 'file.pem'): string {
  const path = join(dir, `${++fileCount}-${name}`);
  writeFileSync(path, content);
  return path;
}

interface Run {
  readonly status: number | null;
  readonly output: string;
}

function run(...args: string[]): Run {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Runs openssl, which must succeed, and answers what it printed. */
function openssl(...args: string[]): string {
  const result = run(...args);
  if (result.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} failed (${result.status}): ${result.output}`);
  }
  return result.output;
}

function text(certificatePem: string): string {
  return openssl('x509', '-noout', '-text', '-in', file(certificatePem, 'cert.pem'));
}

/** The text of one extension as `openssl x509 -text` prints it: its header line (with `critical`) and its value. */
function extension(certificateText: string, name: string): string {
  const match = new RegExp(`${name}:( critical)?[ \\t]*\\n\\s*(.*)`).exec(certificateText);
  if (!match) {
    throw new Error(`No ${name} in:\n${certificateText}`);
  }
  return `${match[1] ? 'critical: ' : ''}${match[2].trim()}`;
}

function verify(certificatePem: string, ...options: string[]): Run {
  return run('verify', '-CAfile', file(ca.certificate, 'ca.pem'), ...options, file(certificatePem, 'leaf.pem'));
}

function modulus(kind: 'x509' | 'req' | 'rsa', pem: string): string {
  return openssl(kind, '-noout', '-modulus', '-in', file(pem, `${kind}.pem`)).trim();
}

// ---------------------------------------------------------------------------------------------
// DER, read by hand: the raw bytes of a name, not a re-encoding of it.

interface Node {
  readonly tag: number;
  readonly start: number;
  readonly header: number;
  readonly end: number;
}

function node(der: Buffer, offset: number): Node {
  let length = der[offset + 1];
  let header = 2;
  if (length > 0x7f) {
    const octets = length - 0x80;
    length = 0;
    for (let i = 0; i < octets; i++) {
      length = length * 256 + der[offset + 2 + i];
    }
    header += octets;
  }
  return { tag: der[offset], start: offset, header, end: offset + header + length };
}

function children(der: Buffer, parent: Node): Node[] {
  const found: Node[] = [];
  for (let offset = parent.start + parent.header; offset < parent.end; offset = found[found.length - 1].end) {
    found.push(node(der, offset));
  }
  return found;
}

function derOf(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** TBSCertificate's fields after the explicit version: serialNumber, signature, issuer, validity, subject, ... */
function certificateFields(pem: string): { der: Buffer; fields: Node[] } {
  const der = derOf(pem);
  const tbs = children(der, node(der, 0))[0];
  const fields = children(der, tbs);
  return { der, fields: fields[0].tag === 0xa0 ? fields.slice(1) : fields };
}

function bytes(der: Buffer, part: Node): Buffer {
  return der.subarray(part.start, part.end);
}

function serialBytes(pem: string): Buffer {
  const { der, fields } = certificateFields(pem);
  expect(fields[0].tag).toBe(0x02);
  return der.subarray(fields[0].start + fields[0].header, fields[0].end);
}

function subjectDer(pem: string): Buffer {
  const { der, fields } = certificateFields(pem);
  return bytes(der, fields[4]);
}

/** TBSCertList: version (v2), signature, issuer, ... */
function crlIssuerDer(pem: string): Buffer {
  const der = derOf(pem);
  const fields = children(der, children(der, node(der, 0))[0]);
  const afterVersion = fields[0].tag === 0x02 ? fields.slice(1) : fields;
  return bytes(der, afterVersion[1]);
}

// ---------------------------------------------------------------------------------------------
// One CA, its server certificate and two clients for the whole file: each keygen takes a moment.

let ca: IssuedCertificate & { privateKey: string };
let signer: SigningAuthority;
let server: IssuedCertificate;
let alice: IssuedCertificate;
let bob: IssuedCertificate;
/** An RSA-2048 request made by `openssl req -new`, and its key. */
let csr: string;
let csrKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cvpn-pki-'));
  ca = await createAuthority(CA_NAME, new Date(Date.now() + 3650 * DAY_MS));
  signer = await loadAuthority(ca.certificate, ca.privateKey);
  server = await issueServerCertificate(signer, DOMAIN, new Date(Date.now() + 825 * DAY_MS));
  alice = await issueClientCertificate(signer, 'alice', new Date(Date.now() + 365 * DAY_MS));
  bob = await issueClientCertificate(signer, 'bob', new Date(Date.now() + 365 * DAY_MS));
  const keyPath = join(dir, 'csr-key.pem');
  const csrPath = join(dir, 'csr.pem');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', '/CN=name-in-the-request');
  csr = openssl('req', '-in', csrPath);
  csrKey = openssl('pkey', '-in', keyPath);
}, 30_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('the certificate authority', () => {
  test('is a critical CA:TRUE with keyCertSign and cRLSign only (critical), RSA 2048, SHA-256, self-signed', () => {
    const printed = text(ca.certificate);

    expect(extension(printed, 'X509v3 Basic Constraints')).toBe('critical: CA:TRUE');
    expect(extension(printed, 'X509v3 Key Usage')).toBe('critical: Certificate Sign, CRL Sign');
    expect(printed).toContain('Public-Key: (2048 bit)');
    expect(printed).toMatch(/Exponent: 65537/);
    expect(printed.match(/Signature Algorithm: (.*)/g)).toEqual(['Signature Algorithm: sha256WithRSAEncryption', 'Signature Algorithm: sha256WithRSAEncryption']);
    expect(printed).toContain(`Subject: CN = ${CA_NAME}`);
    expect(printed).toContain(`Issuer: CN = ${CA_NAME}`);
    expect(printed).toContain('X509v3 Subject Key Identifier');
    expect(verify(ca.certificate)).toEqual({ status: 0, output: expect.stringMatching(/: OK\n$/) });
  });

  test('its private key is the PKCS #8 key of its certificate', () => {
    expect(ca.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(modulus('rsa', ca.privateKey)).toBe(modulus('x509', ca.certificate));
  });

  test('starts a few minutes in the past, and ends when asked', async () => {
    const notAfter = new Date(Date.now() + 100 * DAY_MS);
    const before = Date.now();
    const made = await createAuthority('Short CA', notAfter);
    const certificate = new NodeCertificate(made.certificate);

    const notBefore = new Date(certificate.validFrom).getTime();
    expect(notBefore).toBeLessThanOrEqual(before - 4 * 60 * 1000);
    expect(notBefore).toBeGreaterThanOrEqual(before - 6 * 60 * 1000);
    // X.509 times have whole seconds.
    expect(Math.abs(new Date(certificate.validTo).getTime() - notAfter.getTime())).toBeLessThan(1_000);
    expect(made.notAfter.getTime()).toBe(new Date(certificate.validTo).getTime());
  });
});

describe('the server certificate', () => {
  test('names the domain in its CN and a DNS SAN, is for serverAuth with digitalSignature and keyEncipherment, and chains to the CA', () => {
    const printed = text(server.certificate);

    expect(printed).toContain(`Subject: CN = ${DOMAIN}`);
    expect(printed).toContain(`Issuer: CN = ${CA_NAME}`);
    expect(extension(printed, 'X509v3 Subject Alternative Name')).toBe(`DNS:${DOMAIN}`);
    expect(extension(printed, 'X509v3 Extended Key Usage')).toBe('TLS Web Server Authentication');
    expect(extension(printed, 'X509v3 Key Usage')).toBe('critical: Digital Signature, Key Encipherment');
    expect(extension(printed, 'X509v3 Basic Constraints')).toBe('critical: CA:FALSE');
    expect(printed).toContain('X509v3 Authority Key Identifier');
    expect(printed).toContain('Public-Key: (2048 bit)');
    expect(printed).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(verify(server.certificate, '-purpose', 'sslserver').status).toBe(0);
    expect(verify(server.certificate, '-purpose', 'sslclient').status).not.toBe(0);
  });

  test('comes with its own PKCS #8 private key', () => {
    expect(server.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(modulus('rsa', server.privateKey!)).toBe(modulus('x509', server.certificate));
    expect(modulus('x509', server.certificate)).not.toBe(modulus('x509', ca.certificate));
  });

  test('answers its serial number and notAfter as the certificate has them', () => {
    const certificate = new NodeCertificate(server.certificate);
    expect(server.serialNumber).toBe(certificate.serialNumber.toLowerCase());
    expect(server.notAfter.getTime()).toBe(new Date(certificate.validTo).getTime());
  });
});

describe('client certificates', () => {
  test('are for clientAuth, with digitalSignature, not a CA, and chain to the CA', () => {
    const printed = text(alice.certificate);

    expect(printed).toContain('Subject: CN = alice');
    expect(printed).toContain(`Issuer: CN = ${CA_NAME}`);
    expect(extension(printed, 'X509v3 Extended Key Usage')).toBe('TLS Web Client Authentication');
    expect(extension(printed, 'X509v3 Key Usage')).toMatch(/^critical: Digital Signature(, Key Encipherment)?$/);
    expect(extension(printed, 'X509v3 Basic Constraints')).toBe('critical: CA:FALSE');
    expect(printed).not.toContain('Subject Alternative Name');
    expect(verify(alice.certificate, '-purpose', 'sslclient').status).toBe(0);
    expect(verify(alice.certificate, '-purpose', 'sslserver').status).not.toBe(0);
    expect(modulus('rsa', alice.privateKey!)).toBe(modulus('x509', alice.certificate));
  });

  test('a client certificate cannot sign another: openssl refuses a chain through it', async () => {
    const rogue = await issueClientCertificate(await loadAuthority(alice.certificate, alice.privateKey!), 'mallory',
      new Date(Date.now() + 30 * DAY_MS), csr);
    const result = run('verify', '-CAfile', file(ca.certificate), '-untrusted', file(alice.certificate), file(rogue.certificate));
    expect(result.status).not.toBe(0);
  });

  test('each has a serial of 16 bytes, positive in DER, distinct from every other', async () => {
    // A request needs no keygen: enough certificates to see the first byte is always kept below 0x80.
    const issued = [ca, server, alice, bob];
    for (let i = 0; i < 60; i++) {
      issued.push(await issueClientCertificate(signer, `client-${i}`, new Date(Date.now() + DAY_MS), csr));
    }

    for (const certificate of issued) {
      const serial = serialBytes(certificate.certificate);
      expect(serial).toHaveLength(16);
      expect(serial[0]).toBeGreaterThanOrEqual(0x01);
      expect(serial[0]).toBeLessThanOrEqual(0x7f);
      expect(certificate.serialNumber).toBe(serial.toString('hex'));
    }
    expect(new Set(issued.map((certificate) => certificate.serialNumber)).size).toBe(issued.length);
    // openssl reads the same serial.
    expect(openssl('x509', '-noout', '-serial', '-in', file(alice.certificate)).trim()).toBe(`serial=${alice.serialNumber.toUpperCase()}`);
  });

  test('never outlive the CA: a later notAfter is clamped to the CA\'s, an earlier one kept', async () => {
    const caEnd = new Date(Date.now() + 10 * DAY_MS);
    const shortCa = await createAuthority('Ten Day CA', caEnd);
    const shortSigner = await loadAuthority(shortCa.certificate, shortCa.privateKey);

    const clamped = await issueClientCertificate(shortSigner, 'late', new Date(Date.now() + 365 * DAY_MS), csr);
    const serverClamped = await issueServerCertificate(shortSigner, DOMAIN, new Date(Date.now() + 825 * DAY_MS));
    const kept = await issueClientCertificate(shortSigner, 'early', new Date(Date.now() + 3 * DAY_MS), csr);

    const endOf = (pem: string) => openssl('x509', '-noout', '-enddate', '-in', file(pem)).trim();
    expect(endOf(clamped.certificate)).toBe(endOf(shortCa.certificate));
    expect(endOf(serverClamped.certificate)).toBe(endOf(shortCa.certificate));
    expect(clamped.notAfter.getTime()).toBe(shortCa.notAfter.getTime());
    expect(kept.notAfter.getTime()).toBeLessThan(shortCa.notAfter.getTime() - 6 * DAY_MS);
    // Still valid on the CA's last day, so chain checks pass until then.
    const lastDay = Math.floor(caEnd.getTime() / 1000) - 3600;
    const result = run('verify', '-attime', String(lastDay), '-CAfile', file(shortCa.certificate), file(clamped.certificate));
    expect(result.status).toBe(0);
  });

  test('a common name with `,` `=` and `+` stays one CN attribute', async () => {
    const name = 'Doe, Jane=admin+ops';
    const issued = await issueClientCertificate(signer, name, new Date(Date.now() + DAY_MS), csr);

    const subject = openssl('x509', '-noout', '-subject', '-nameopt', 'multiline,utf8', '-in', file(issued.certificate));
    expect(subject.trim().split('\n').map((line) => line.trim())).toEqual(['subject=', `commonName                = ${name}`]);
    // One RDN (a SET) holding one attribute.
    const der = subjectDer(issued.certificate);
    const rdns = children(der, node(der, 0));
    expect(rdns).toHaveLength(1);
    expect(children(der, rdns[0])).toHaveLength(1);
    expect(readCertificate(issued.certificate).commonName).toBe(name);
  });
});

describe('certificates for a signing request', () => {
  test('an RSA-2048 request made by openssl is signed for its own key, under the given name, with no private key', async () => {
    const issued = await issueClientCertificate(signer, 'carol', new Date(Date.now() + 30 * DAY_MS), csr);

    expect(issued.privateKey).toBeUndefined();
    expect(modulus('x509', issued.certificate)).toBe(modulus('req', csr));
    expect(modulus('x509', issued.certificate)).toBe(modulus('rsa', csrKey));
    const printed = text(issued.certificate);
    expect(printed).toContain('Subject: CN = carol');
    expect(printed).not.toContain('name-in-the-request');
    expect(extension(printed, 'X509v3 Extended Key Usage')).toBe('TLS Web Client Authentication');
    expect(verify(issued.certificate, '-purpose', 'sslclient').status).toBe(0);
  });

  test('an RSA-1024 request is accepted: Client VPN takes 1024-bit keys too', async () => {
    const path = join(dir, 'csr-1024.pem');
    openssl('req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', join(dir, 'csr-1024-key.pem'), '-out', path, '-subj', '/CN=small');
    const request = openssl('req', '-in', path);

    const issued = await issueClientCertificate(signer, 'small', new Date(Date.now() + DAY_MS), request);

    expect(modulus('x509', issued.certificate)).toBe(modulus('req', request));
    expect(text(issued.certificate)).toContain('Public-Key: (1024 bit)');
  });

  test('a request whose signature was tampered with is refused', async () => {
    const der = derOf(csr);
    // The signature BIT STRING ends the request.
    der[der.length - 1] = 255 - der[der.length - 1];
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    // openssl too sees a request that no longer verifies (OpenSSL 3.0 says so, but exits 0).
    expect(run('req', '-noout', '-verify', '-in', file(tampered)).output).toContain('self-signature verify failure');
    expect(run('req', '-noout', '-verify', '-in', file(csr)).output).toContain('self-signature verify OK');

    await expect(issueClientCertificate(signer, 'tampered', new Date(Date.now() + DAY_MS), tampered))
      .rejects.toThrow('The certificate signing request\'s signature does not verify: it was not made with the key it names');
  });

  test('a request for a different subject, re-signed with another key, is refused', async () => {
    // The request names the key of the first CSR but is signed with a different one.
    const otherKey = openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048');
    const good = derOf(csr);
    const other = derOf(openssl('req', '-new', '-key', file(otherKey), '-subj', '/CN=x'));
    const goodParts = children(good, node(good, 0));
    const otherParts = children(other, node(other, 0));
    const body = Buffer.concat([bytes(good, goodParts[0]), bytes(other, otherParts[1]), bytes(other, otherParts[2])]);
    const length = body.length;
    const spliced = Buffer.concat([Buffer.from([0x30, 0x82, Math.floor(length / 256), length % 256]), body]);
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${spliced.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;

    await expect(issueClientCertificate(signer, 'spliced', new Date(Date.now() + DAY_MS), pem)).rejects.toThrow(/signature does not verify/);
  });

  test.each([
    ['an EC P-256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']],
    ['an RSA-4096', ['-newkey', 'rsa:4096']],
  ])('%s request is refused, naming the 1024 and 2048 bits Client VPN accepts', async (_kind, keyOptions) => {
    const request = openssl('req', '-new', ...keyOptions, '-nodes', '-keyout', join(dir, 'refused-key.pem'), '-subj', '/CN=refused');

    await expect(issueClientCertificate(signer, 'refused', new Date(Date.now() + DAY_MS), request))
      .rejects.toThrow(/Client VPN accepts RSA keys of 1024 or 2048 bits only/);
  }, 20_000);

  test('text that is no PEM request is refused as such', async () => {
    await expect(issueClientCertificate(signer, 'garbage', new Date(Date.now() + DAY_MS), 'not a request'))
      .rejects.toThrow(/^The certificate signing request is not a PEM PKCS #10 request/);
    // A certificate is PEM, but no request.
    await expect(issueClientCertificate(signer, 'garbage', new Date(Date.now() + DAY_MS), alice.certificate))
      .rejects.toThrow(/^The certificate signing request is not a PEM PKCS #10 request/);
  });
});

describe('revocation lists', () => {
  const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000 - 5 * 60 * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + 30 * DAY_MS);
  let revoked: RevokedSerial[];
  let crl: string;

  beforeAll(async () => {
    revoked = [
      { serialNumber: alice.serialNumber, revokedAt: new Date(thisUpdate.getTime() - DAY_MS), reason: 'privilegeWithdrawn' },
      { serialNumber: '7f00000000000000000000000000abcd', revokedAt: thisUpdate, reason: 'cessationOfOperation' },
    ];
    crl = await signRevocationList(signer, revoked, 7, thisUpdate, nextUpdate);
  });

  function crlText(pem: string): string {
    return openssl('crl', '-noout', '-text', '-in', file(pem, 'crl.pem'));
  }

  test('is PEM labelled X509 CRL, signed by the CA with SHA-256', () => {
    expect(crl).toMatch(/^-----BEGIN X509 CRL-----\n[A-Za-z0-9+/=\n]+-----END X509 CRL-----\n?$/);
    const result = run('crl', '-noout', '-CAfile', file(ca.certificate), '-in', file(crl));
    expect(result).toEqual({ status: 0, output: expect.stringContaining('verify OK') });
    expect(crlText(crl)).toContain('Signature Algorithm: sha256WithRSAEncryption');
  });

  test('names the CA in the very bytes of its subject', () => {
    expect(crlIssuerDer(crl).equals(subjectDer(ca.certificate))).toBe(true);
    expect(crlText(crl)).toContain(`Issuer: CN = ${CA_NAME}`);
  });

  test('has the authority key identifier of the CA, its CRL number, thisUpdate and nextUpdate', () => {
    const printed = crlText(crl);
    const subjectKeyId = extension(text(ca.certificate), 'X509v3 Subject Key Identifier');

    // OpenSSL 1.1 prints `keyid:` before the identifier, 3.0 does not.
    expect(extension(printed, 'X509v3 Authority Key Identifier').replace(/^keyid:/, '')).toBe(subjectKeyId);
    expect(subjectKeyId).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(extension(printed, 'X509v3 CRL Number')).toBe('7');
    expect(printed).toContain('Version 2');
    const lastUpdate = openssl('crl', '-noout', '-lastupdate', '-nextupdate', '-in', file(crl));
    const [last, next] = lastUpdate.trim().split('\n').map((line) => new Date(line.split('=')[1]).getTime());
    expect(last).toBe(thisUpdate.getTime());
    expect(next).toBe(nextUpdate.getTime());
  });

  test('gives each entry its reason code', () => {
    const printed = crlText(crl);
    const entries = printed.split('Serial Number: ').slice(1).map((entry) => ({
      serial: entry.split('\n')[0].trim().toLowerCase(),
      reason: /CRL Reason Code:\s*\n\s*(.*)/.exec(entry)?.[1].trim(),
    }));

    expect(entries).toEqual([
      { serial: alice.serialNumber, reason: 'Privilege Withdrawn' },
      { serial: '7f00000000000000000000000000abcd', reason: 'Cessation Of Operation' },
    ]);
  });

  test('openssl verify -crl_check refuses the revoked client and accepts the others', () => {
    const crlFile = file(crl, 'crl.pem');

    const refused = verify(alice.certificate, '-crl_check', '-CRLfile', crlFile);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('certificate revoked');
    expect(verify(bob.certificate, '-crl_check', '-CRLfile', crlFile)).toEqual({ status: 0, output: expect.stringMatching(/: OK\n$/) });
    expect(verify(server.certificate, '-crl_check', '-CRLfile', crlFile).status).toBe(0);
  });

  test('an empty list loads, and revokes nobody', async () => {
    const empty = await signRevocationList(signer, [], 1, thisUpdate, nextUpdate);

    expect(crlText(empty)).toContain('No Revoked Certificates');
    expect(verify(alice.certificate, '-crl_check', '-CRLfile', file(empty)).status).toBe(0);
    expect(readRevocationList(empty)).toEqual({ entries: [], nextUpdate });
  });

  test('a list signed by another CA is refused by openssl', async () => {
    const other = await createAuthority(CA_NAME, new Date(Date.now() + 30 * DAY_MS));
    const foreign = await signRevocationList(await loadAuthority(other.certificate, other.privateKey), revoked, 8, thisUpdate, nextUpdate);

    expect(run('crl', '-noout', '-CAfile', file(ca.certificate), '-in', file(foreign)).output).not.toContain('verify OK');
    expect(verify(bob.certificate, '-crl_check', '-CRLfile', file(foreign)).status).not.toBe(0);
  });

  test('readRevocationList answers the entries, their reasons and dates, and nextUpdate', () => {
    expect(readRevocationList(crl)).toEqual({ entries: revoked, nextUpdate });
  });

  test('serials round-trip as the certificates answer them, leading zero nibble and all', async () => {
    // The handler compares the CRL's serials with the clients' SerialNumber attributes as strings.
    const serials = ['05abcdef0123456789abcdef01234567', '0100000000000000000000000000000a', bob.serialNumber];
    const list = await signRevocationList(signer, serials.map((serialNumber) => ({ serialNumber, revokedAt: thisUpdate, reason: 'privilegeWithdrawn' })),
      2, thisUpdate, nextUpdate);

    expect(readRevocationList(list).entries.map((entry) => entry.serialNumber)).toEqual(serials);
    const printed = crlText(list).toLowerCase().replace(/:/g, '');
    for (const serial of serials) {
      expect(printed).toContain(`serial number ${serial}\n`);
    }
  });
});

describe('sameRevocationList', () => {
  const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000 - 5 * 60 * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + 30 * DAY_MS);
  const revoked: RevokedSerial[] = [{ serialNumber: '7f00000000000000000000000000abcd', revokedAt: thisUpdate, reason: 'privilegeWithdrawn' }];
  let crl: string;

  beforeAll(async () => {
    crl = await signRevocationList(signer, revoked, 3, thisUpdate, nextUpdate);
  });

  /** The PEM with its base64 body wrapped at `lineLength`, ending with `end`. */
  function rewrapped(pem: string, lineLength: number, end = '\n'): string {
    const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    return ['-----BEGIN X509 CRL-----', ...body.match(new RegExp(`.{1,${lineLength}}`, 'g'))!, '-----END X509 CRL-----'].join(end === '\r\n' ? '\r\n' : '\n') + end;
  }

  test.each<[string, (pem: string) => string]>([
    ['itself', (pem) => pem],
    ['wrapped at 76 characters', (pem) => rewrapped(pem, 76)],
    ['wrapped at 72 characters, with no final newline', (pem) => rewrapped(pem, 72, '')],
    ['with CRLF line ends', (pem) => rewrapped(pem, 64, '\r\n')],
    ['with whitespace around it', (pem) => `\n  ${pem.trim()}\n\n`],
  ])('is true for the same CRL, %s', (_name, wrap) => {
    const other = wrap(crl);
    expect(other.replace(/\s+/g, '')).toBe(crl.replace(/\s+/g, ''));

    expect(sameRevocationList(crl, other)).toBe(true);
    expect(sameRevocationList(other, crl)).toBe(true);
  });

  test('is false for two different CRLs, however alike', async () => {
    const renumbered = await signRevocationList(signer, revoked, 4, thisUpdate, nextUpdate);
    const otherEntries = await signRevocationList(signer, [], 3, thisUpdate, nextUpdate);
    const later = await signRevocationList(signer, revoked, 3, thisUpdate, new Date(nextUpdate.getTime() + 1000));
    const other = await createAuthority(CA_NAME, new Date(Date.now() + 30 * DAY_MS));
    const foreign = await signRevocationList(await loadAuthority(other.certificate, other.privateKey), revoked, 3, thisUpdate, nextUpdate);
    // Signing is deterministic: the same inputs give the same CRL, which the differences above are measured against.
    expect(sameRevocationList(crl, await signRevocationList(signer, revoked, 3, thisUpdate, nextUpdate))).toBe(true);

    for (const different of [renumbered, otherEntries, later, foreign]) {
      expect(sameRevocationList(crl, different)).toBe(false);
      expect(sameRevocationList(different, crl)).toBe(false);
      expect(sameRevocationList(rewrapped(crl, 76), rewrapped(different, 76))).toBe(false);
    }
  });

  test('is false for text that is no CRL, even the same text on both sides', () => {
    const lines = crl.trim().split('\n');
    const truncated = [...lines.slice(0, 3), lines[lines.length - 1]].join('\n');

    for (const notCrl of ['', 'not a CRL', ca.certificate, truncated]) {
      expect(sameRevocationList(crl, notCrl)).toBe(false);
      expect(sameRevocationList(notCrl, crl)).toBe(false);
      expect(sameRevocationList(notCrl, notCrl)).toBe(false);
    }
  });
});

describe('readCertificate', () => {
  test('answers the serial, common name and notAfter openssl reads', () => {
    const facts = readCertificate(server.certificate);
    const end = openssl('x509', '-noout', '-enddate', '-in', file(server.certificate)).trim().split('=')[1];

    expect(facts).toEqual({ serialNumber: server.serialNumber, commonName: DOMAIN, notAfter: new Date(end) });
    expect(readCertificate(ca.certificate).commonName).toBe(CA_NAME);
  });

  test('reads a certificate openssl made', () => {
    const key = openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048');
    const made = openssl('req', '-x509', '-new', '-key', file(key), '-subj', '/O=Elsewhere/CN=made by openssl', '-days', '2',
      '-set_serial', '0x0123456789abcdef');

    expect(readCertificate(made)).toMatchObject({ serialNumber: '0123456789abcdef', commonName: 'made by openssl' });
  });
});

describe('loadAuthority', () => {
  test('loads the CA from its PEMs, to sign what openssl verifies', async () => {
    const loaded = await loadAuthority(ca.certificate, ca.privateKey);
    const issued = await issueClientCertificate(loaded, 'dave', new Date(Date.now() + DAY_MS), csr);

    expect(loaded.certificate.serialNumber).toBe(ca.serialNumber);
    expect(verify(issued.certificate).status).toBe(0);
  });
});
