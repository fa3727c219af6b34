/**
 * A second opinion from `openssl verify`: the same chain and CRL checks OpenVPN's OpenSSL build
 * applies, without a handshake. The two can disagree, and where they do OpenVPN is the one that
 * matters (see the CRL-from-another-CA test in openvpn-driver.test.ts).
 */
import { writePki } from './pki-files';
import { runTool } from './processes';

/** What `openssl verify` said. */
export interface OpensslVerdict {
  /** True if it printed "<file>: OK" and exited 0. */
  readonly ok: boolean;
  /** The reason when not ok, e.g. "certificate revoked" from "error 23 at 0 depth lookup: certificate revoked". */
  readonly error?: string;
  readonly output: string;
}

/**
 * `openssl verify -crl_check -CAfile <ca> -CRLfile <crl> <certificate>`, or without the CRL
 * options when no CRL is given. `-crl_check` checks the leaf's issuer CRL only, which for
 * a one-level CA is the one CRL there is.
 */
export function opensslVerify(input: { caCertificate: string; certificate: string; crl?: string }): OpensslVerdict {
  const files = writePki(input);
  const crlArgs = files.crl ? ['-crl_check', '-CRLfile', files.crl] : [];
  const { status, output } = runTool('openssl', ['verify', ...crlArgs, '-CAfile', files.caCertificate!, files.certificate!]);
  const ok = status === 0 && output.includes(`${files.certificate}: OK`);
  const error = /^error \d+ at \d+ depth lookup: (.+)$/m.exec(output)?.[1];
  return { ok, error, output };
}
