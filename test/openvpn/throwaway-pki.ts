/**
 * A throwaway certificate authority made with the `openssl` CLI, so the driver can be tested
 * against certificates whose every field is known: no code of the library's own is involved.
 *
 * `openssl ca` keeps its state (index.txt, serial, crlnumber) in the CA's temporary directory,
 * which is what lets it revoke a certificate and list it in a CRL. OpenSSL 3's
 * `-crl_lastupdate`/`-crl_nextupdate` set a CRL's dates freely, so an already expired CRL needs
 * neither faketime nor waiting.
 */
import * as fs from 'fs';
import * as path from 'path';
import { makeTempDir } from './pki-files';
import { runTool } from './processes';

/** What AWS Client VPN's server certificate carries: keyUsage, EKU serverAuth, the DNS name in SAN (and CN). */
export function serverExtensions(dnsName: string): string[] {
  return [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = DNS:${dnsName}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
  ];
}

/** A client certificate: keyUsage digitalSignature, EKU clientAuth. */
export const CLIENT_EXTENSIONS: readonly string[] = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = clientAuth',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
];

/** A certificate and its key, as PEM. */
export interface Issued {
  readonly certificate: string;
  readonly privateKey: string;
}

/** CRL validity, as OpenSSL times (YYYYMMDDHHMMSSZ); by default from now for 30 days. */
export interface CrlDates {
  readonly lastUpdate?: string;
  readonly nextUpdate?: string;
}

/** `openssl ca`'s configuration: a database in `dir`, any subject, no extensions copied from CSRs. */
const CA_CONFIG = `
[ ca ]
default_ca = throwaway
[ throwaway ]
database = index.txt
new_certs_dir = .
serial = serial
crlnumber = crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = any_subject
unique_subject = no
copy_extensions = none
[ any_subject ]
commonName = supplied
[ crl_extensions ]
authorityKeyIdentifier = keyid
`;

const CA_EXTENSIONS = [
  'basicConstraints = critical, CA:TRUE',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
];

/** A CA with an RSA-2048 key, self-signed, able to issue, revoke and publish CRLs. */
export class ThrowawayCa {
  /** Creates the CA in a new temporary directory. */
  public static create(commonName: string): ThrowawayCa {
    const dir = makeTempDir('throwaway-ca');
    fs.writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
    fs.writeFileSync(path.join(dir, 'index.txt'), '');
    fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
    fs.writeFileSync(path.join(dir, 'crlnumber'), '1000\n');
    fs.writeFileSync(path.join(dir, 'ca-ext.cnf'), `[ ext ]\n${CA_EXTENSIONS.join('\n')}\n`);
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30',
      '-subj', `/CN=${commonName}`, '-config', 'ca-ext.cnf', '-extensions', 'ext');
    return new ThrowawayCa(dir);
  }

  /** The CA certificate, PEM. */
  public readonly certificate: string;
  private issuedCount = 0;

  private constructor(private readonly dir: string) {
    this.certificate = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  }

  /** Issues a certificate for `/CN=<commonName>` with the given extension lines (openssl config syntax). */
  public issue(commonName: string, extensions: readonly string[]): Issued {
    const name = `leaf${++this.issuedCount}`;
    fs.writeFileSync(path.join(this.dir, `${name}.ext`), `[ ext ]\n${extensions.join('\n')}\n`);
    openssl(this.dir, 'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`);
    openssl(this.dir, 'ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-notext',
      '-in', `${name}.csr`, '-out', `${name}.crt`, '-extfile', `${name}.ext`, '-extensions', 'ext');
    return {
      certificate: fs.readFileSync(path.join(this.dir, `${name}.crt`), 'utf8'),
      privateKey: fs.readFileSync(path.join(this.dir, `${name}.key`), 'utf8'),
    };
  }

  /** Marks a certificate this CA issued as revoked; it appears in every CRL made afterwards. */
  public revoke(certificate: string): void {
    const file = path.join(this.dir, `revoke${Date.now()}.crt`);
    fs.writeFileSync(file, certificate);
    openssl(this.dir, 'ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-revoke', file);
  }

  /** A CRL of everything revoked so far (PEM), with an AKI and a CRL number. */
  public crl(dates: CrlDates = {}): string {
    const out = `crl${Date.now()}-${Math.random().toString(36).slice(2)}.pem`;
    openssl(this.dir, 'ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-gencrl', '-crlexts', 'crl_extensions', '-out', out,
      ...(dates.lastUpdate ? ['-crl_lastupdate', dates.lastUpdate] : []),
      ...(dates.nextUpdate ? ['-crl_nextupdate', dates.nextUpdate] : []));
    return fs.readFileSync(path.join(this.dir, out), 'utf8');
  }
}

function openssl(cwd: string, ...args: string[]): void {
  const { status, output } = runTool('openssl', args, { cwd });
  if (status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${status}):\n${output}`);
}
