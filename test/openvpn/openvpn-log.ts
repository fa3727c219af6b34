/**
 * Reading OpenVPN 2.6's log (at --verb 3, --suppress-timestamps) into a verdict. Pure functions
 * over text, so the rules are in one place and can be read next to the lines they match.
 *
 * A successful handshake, on either side, ends with (p2p mode, --dev null):
 *
 *     VERIFY OK: depth=0, CN=vpn.example.internal
 *     [vpn.example.internal] Peer Connection Initiated with [AF_INET]127.0.0.1:1194
 *     Initialization Sequence Completed
 *
 * A rejected certificate is named by the side that rejected it, before the handshake fails:
 *
 *     VERIFY ERROR: depth=0, error=certificate revoked: CN=client2, serial=4098
 *     VERIFY ERROR: depth=0, error=CRL has expired: CN=client1, serial=4097
 *     VERIFY ERROR: depth=0, error=unable to get local issuer certificate: CN=intruder, serial=...
 *     VERIFY KU ERROR                        (--remote-cert-tls: no keyUsage extension)
 *     VERIFY EKU ERROR                       (--remote-cert-tls: EKU lacks clientAuth/serverAuth)
 *     VERIFY X509NAME ERROR: CN=vpn.example.internal, must be wrong.example.internal
 *
 * followed by "TLS Error: TLS handshake failed". That last line alone is no refusal: OpenVPN
 * prints it too when "TLS key negotiation failed to occur within N seconds", i.e. on a hang.
 */

/** The line that marks a completed handshake and data channel, on either side. */
export const CONNECTED_LINE = 'Initialization Sequence Completed';
/** Printed on both sides once the peer's certificate was accepted and keys were exchanged. */
export const PEER_LINE = 'Peer Connection Initiated with';
/** The server, after a failed handshake, drops the connection and restarts (TCP p2p). */
export const SERVER_GAVE_UP_LINE = 'Fatal TLS error';
/** The server is (again) ready for one client. */
export const LISTENING_LINE = 'Listening for incoming TCP connection on';

/** Lines that name why a peer was rejected. */
const REFUSAL_PATTERNS: readonly RegExp[] = [
  // OpenSSL's chain verification (also CRL checks) and OpenVPN's own KU/EKU/X509NAME checks.
  /^VERIFY (?:[A-Z0-9]+ )?ERROR.*$/m,
  // A TLS alert the peer sent, e.g. "OpenSSL: error:0A000418:SSL routines::tlsv1 alert unknown ca:..."
  /^OpenSSL: .*alert.*$/m,
  /^AUTH_FAILED.*$/m,
];

/** Why a handshake was refused, as the rejecting side logged it. */
export interface Refusal {
  /** Which process logged the rejection. */
  readonly side: 'server' | 'client';
  /** The log line, e.g. "VERIFY ERROR: depth=0, error=certificate revoked: CN=client2, serial=4098". */
  readonly line: string;
  /**
   * The gist: OpenSSL's error text for "VERIFY ERROR" lines ("certificate revoked", "CRL has
   * expired", "unable to get local issuer certificate"), else the check's name ("VERIFY EKU ERROR",
   * "VERIFY X509NAME ERROR").
   */
  readonly error: string;
}

/** The first line of `log` that names a refusal, if any. */
export function findRefusal(side: Refusal['side'], log: string): Refusal | undefined {
  const found = REFUSAL_PATTERNS
    .map((pattern) => pattern.exec(log))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => a.index - b.index)[0];
  if (!found) return undefined;
  const line = found[0].trim();
  const error = /^VERIFY ERROR: depth=\d+, error=(.+?): /.exec(line)?.[1] ?? line.replace(/:.*$/, '');
  return { side, line, error };
}

/**
 * "VERIFY WARNING" lines: OpenVPN accepts the peer but something was not checked. The one that
 * matters: "VERIFY WARNING: depth=0, unable to get certificate CRL: CN=..." when --crl-verify's
 * file holds no CRL by the peer's issuer. Revocation is then silently not enforced.
 */
export function findWarnings(log: string): string[] {
  return log.split('\n').filter((line) => line.startsWith('VERIFY WARNING'));
}

/** True once `log` shows a completed handshake. */
export function isConnected(log: string): boolean {
  return log.includes(PEER_LINE) && log.includes(CONNECTED_LINE);
}

/** How many lines of `log` contain `line`. */
export function countLines(log: string, line: string): number {
  return log.split('\n').filter((l) => l.includes(line)).length;
}
