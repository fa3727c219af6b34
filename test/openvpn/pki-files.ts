/**
 * PEM files on disk, where `openvpn` and `openssl` read them: one fresh temporary directory per
 * set, private keys readable by their owner only (0600, as OpenVPN expects of a key file).
 *
 * `removeAllPkiDirs()` (called from `afterAll`) deletes every directory made here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** PEM texts, each optional; which are written depends on what the caller has. */
export interface PkiPems {
  readonly caCertificate?: string;
  readonly certificate?: string;
  readonly privateKey?: string;
  readonly crl?: string;
}

/** Paths of the files `writePki` wrote, for the PEMs it was given. */
export interface PkiFiles {
  readonly dir: string;
  readonly caCertificate?: string;
  readonly certificate?: string;
  readonly privateKey?: string;
  readonly crl?: string;
}

const FILE_NAMES: { readonly [K in keyof PkiPems]-?: string } = {
  caCertificate: 'ca.crt',
  certificate: 'cert.crt',
  privateKey: 'key.pem',
  crl: 'crl.pem',
};

const made: string[] = [];

/** A new empty directory under the OS temp directory, removed by `removeAllPkiDirs`. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Writes one PEM text, with the trailing newline OpenSSL's PEM reader wants. */
export function writePem(file: string, pem: string, mode = 0o644): string {
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(pem)) {
    throw new Error(`${path.basename(file)}: not PEM (no BEGIN line): ${pem.slice(0, 60)}`);
  }
  fs.writeFileSync(file, pem.endsWith('\n') ? pem : `${pem}\n`, { mode });
  // writeFileSync's mode applies only when it creates the file, and is masked by the umask.
  fs.chmodSync(file, mode);
  return file;
}

/** Writes the given PEMs into `dir` (a new temp directory if omitted); keys get mode 0600. */
export function writePki(pems: PkiPems, dir: string = makeTempDir('openvpn-pki')): PkiFiles {
  const files: { -readonly [K in keyof PkiFiles]: PkiFiles[K] } = { dir };
  for (const key of Object.keys(FILE_NAMES) as Array<keyof PkiPems>) {
    const pem = pems[key];
    if (pem !== undefined) {
      files[key] = writePem(path.join(dir, FILE_NAMES[key]), pem, key === 'privateKey' ? 0o600 : 0o644);
    }
  }
  return files;
}

/** Deletes every directory `makeTempDir` (and so `writePki`) made. */
export function removeAllPkiDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
