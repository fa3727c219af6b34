/**
 * The certificate authority's X.509 work: keys and signatures from Node.js's WebCrypto, the
 * encoding of certificates, requests and revocation lists from @peculiar/x509. Bundled into the
 * certificate authority's handler only.
 */
/* eslint-disable no-bitwise */ // key usages are bit flags
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Client VPN accepts RSA keys of 1024 and 2048 bits only ("Mutual authentication", AWS Client VPN Administrator Guide). */
const KEY_ALGORITHM: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const ACCEPTED_MODULUS_LENGTHS = [1024, 2048];
/** Certificates start a little in the past, so a client whose clock is slow still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

export interface IssuedCertificate {
  readonly certificate: string;
  /** PKCS #8 PEM; absent when the certificate was issued for a request, whose key stays with its owner. */
  readonly privateKey?: string;
  /** Hexadecimal, lower case. */
  readonly serialNumber: string;
  readonly notAfter: Date;
}

/** The CA's certificate and key, ready to sign. */
export interface SigningAuthority {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
}

export interface RevokedSerial {
  readonly serialNumber: string;
  readonly revokedAt: Date;
  /**
   * Always given: an entry without a reason would carry an empty extensions sequence, which
   * RFC 5280 forbids (SIZE (1..MAX)) and OpenSSL refuses to load.
   */
  readonly reason: RevocationReason;
}

/** `revoked: true` withdraws the holder's privilege; a client gone from the app has ceased operation. */
export type RevocationReason = 'privilegeWithdrawn' | 'cessationOfOperation';

/** A self-signed CA: basic constraints CA (critical), key usage keyCertSign and cRLSign (critical). */
export async function createAuthority(commonName: string, notAfter: Date): Promise<IssuedCertificate & { privateKey: string }> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: nameOf(commonName),
    notBefore: backdated(),
    notAfter,
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { ...describe(certificate), privateKey: await exportPrivateKey(keys.privateKey) };
}

export async function loadAuthority(certificatePem: string, privateKeyPem: string): Promise<SigningAuthority> {
  const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(privateKeyPem), KEY_ALGORITHM, false, ['sign']);
  return { certificate: new x509.X509Certificate(certificatePem), privateKey };
}

/**
 * The endpoint's server certificate: its domain name in both the subject CN and a DNS SAN (ACM
 * and Client VPN need a domain name), extended key usage serverAuth, which OpenVPN clients
 * check with `remote-cert-tls server`.
 */
export async function issueServerCertificate(authority: SigningAuthority, domainName: string, notAfter: Date): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  return {
    ...await issue(authority, keys.publicKey, domainName, notAfter, [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: domainName }]),
    ]),
    privateKey: await exportPrivateKey(keys.privateKey),
  };
}

/**
 * A client certificate with extended key usage clientAuth (OpenVPN's `remote-cert-tls client`).
 * With a request, its signature is verified and its key certified; otherwise a key is made here.
 */
export async function issueClientCertificate(
  authority: SigningAuthority,
  commonName: string,
  notAfter: Date,
  certificateSigningRequest?: string,
): Promise<IssuedCertificate> {
  const extensions = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ];
  if (certificateSigningRequest !== undefined) {
    const publicKey = await verifiedRequestKey(certificateSigningRequest);
    return issue(authority, publicKey, commonName, notAfter, extensions);
  }
  const keys = await generateKeys();
  return {
    ...await issue(authority, keys.publicKey, commonName, notAfter, extensions),
    privateKey: await exportPrivateKey(keys.privateKey),
  };
}

/** A CRL signed by the CA, with the authority key identifier and CRL number RFC 5280 asks for. */
export async function signRevocationList(
  authority: SigningAuthority,
  revoked: readonly RevokedSerial[],
  crlNumber: number,
  thisUpdate: Date,
  nextUpdate: Date,
): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: authority.certificate.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: authority.privateKey,
    signingAlgorithm: KEY_ALGORITHM,
    entries: revoked.map(({ serialNumber, revokedAt, reason }) => ({ serialNumber, revocationDate: revokedAt, reason: x509.X509CrlReason[reason] })),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(authority.certificate.publicKey),
      new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(crlNumber))),
    ],
  });
  // The label OpenSSL, OpenVPN and Client VPN read (RFC 7468 5.3); the library would write `CRL`.
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
}

export interface CertificateFacts {
  readonly serialNumber: string;
  readonly commonName: string;
  readonly notAfter: Date;
}

export function readCertificate(pem: string): CertificateFacts {
  const certificate = new x509.X509Certificate(pem);
  return {
    serialNumber: certificate.serialNumber,
    commonName: certificate.subjectName.getField('CN')[0] ?? '',
    notAfter: certificate.notAfter,
  };
}

/** Whether two PEM texts are the same CRL, however EC2 wraps the text it exports; one that does not parse is not. */
export function sameRevocationList(a: string, b: string): boolean {
  try {
    return Buffer.from(new x509.X509Crl(a).rawData).equals(Buffer.from(new x509.X509Crl(b).rawData));
  } catch {
    return false;
  }
}

export interface RevocationListFacts {
  readonly entries: RevokedSerial[];
  readonly nextUpdate?: Date;
}

export function readRevocationList(pem: string): RevocationListFacts {
  const crl = new x509.X509Crl(pem);
  return {
    entries: crl.entries.map((entry) => ({
      serialNumber: entry.serialNumber,
      revokedAt: entry.revocationDate,
      reason: entry.reason === x509.X509CrlReason.privilegeWithdrawn ? 'privilegeWithdrawn' : 'cessationOfOperation',
    })),
    nextUpdate: crl.nextUpdate,
  };
}

async function issue(
  authority: SigningAuthority,
  publicKey: CryptoKey | x509.PublicKey,
  commonName: string,
  notAfter: Date,
  extensions: x509.Extension[],
): Promise<IssuedCertificate> {
  // A certificate cannot outlive its issuer: a chain check would fail from that day on.
  const end = new Date(Math.min(notAfter.getTime(), authority.certificate.notAfter.getTime()));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: nameOf(commonName),
    issuer: authority.certificate.subjectName,
    notBefore: backdated(),
    notAfter: end,
    publicKey,
    signingKey: authority.privateKey,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...extensions,
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(authority.certificate.publicKey),
    ],
  });
  return describe(certificate);
}

async function verifiedRequestKey(pem: string): Promise<x509.PublicKey> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch (error) {
    throw new Error(`The certificate signing request is not a PEM PKCS #10 request: ${(error as Error).message}`);
  }
  if (!await request.verify()) {
    throw new Error('The certificate signing request\'s signature does not verify: it was not made with the key it names');
  }
  const algorithm = request.publicKey.algorithm as Partial<webcrypto.RsaHashedKeyAlgorithm>;
  if (algorithm.name !== 'RSASSA-PKCS1-v1_5' || !ACCEPTED_MODULUS_LENGTHS.includes(algorithm.modulusLength ?? 0)) {
    throw new Error(`The certificate signing request's key is ${algorithm.name} ${algorithm.modulusLength ?? ''}; `
      + 'Client VPN accepts RSA keys of 1024 or 2048 bits only');
  }
  return request.publicKey;
}

function describe(certificate: x509.X509Certificate): IssuedCertificate {
  return { certificate: certificate.toString('pem'), serialNumber: certificate.serialNumber, notAfter: certificate.notAfter };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** As a JSON name, so a CN with `,`, `=` or `+` stays one attribute. */
function nameOf(commonName: string): x509.JsonName {
  return [{ CN: [commonName] }];
}

/**
 * 16 random bytes (RFC 5280 4.1.2.2: positive, at most 20 octets): the first in 1..127, so the
 * DER integer is positive and keeps all 16 bytes.
 */
function randomSerialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = 1 + bytes[0] % 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function backdated(): Date {
  return new Date(Date.now() - BACKDATE_MS);
}
