/**
 * A real OpenVPN 2.6 server and client on 127.0.0.1, to prove that certificates and CRLs work
 * where AWS Client VPN's clients use them: in OpenVPN's TLS handshake and its certificate checks.
 *
 * The server is a point-to-point TLS server (no --mode server, so no address pools or routes):
 *
 *     openvpn --tls-server --proto tcp-server --local 127.0.0.1 --lport <free port> --dev null
 *             --dh none --ca ca.crt --cert cert.crt --key key.pem --crl-verify crl.pem
 *             --remote-cert-tls client --verb 3
 *
 * `--dev null` needs neither root nor a tun device. TCP, not UDP: the server takes one client at
 * a time, the client learns at once (connection reset) when the server rejects it, and after
 * each client the server restarts and logs "Listening for incoming TCP connection" again, so
 * each attempt has its own stretch of the server log.
 *
 * `connectClient` runs one client against it and reads both logs (see openvpn-log.ts for the
 * lines): 'connected' once both sides completed the handshake, 'refused' once a side logged why
 * it rejected the other and the attempt is over. Anything else (a hang, the client giving up
 * without a rejection, a server that died) throws with both logs: a timeout is never a refusal.
 *
 * Every process is killed by `stopAll()` (call it from `afterEach`), and in any case after
 * PROCESS_LIFETIME_MS.
 */
import * as net from 'net';
import { CONNECTED_LINE, countLines, findRefusal, findWarnings, isConnected, LISTENING_LINE, Refusal, SERVER_GAVE_UP_LINE } from './openvpn-log';
import { makeTempDir, writePki } from './pki-files';
import { spawnTracked, TrackedProcess, waitFor } from './processes';

export { opensslVerify } from './openssl-verify';
export type { OpensslVerdict } from './openssl-verify';
export { removeAllPkiDirs, writePki } from './pki-files';
export type { PkiFiles, PkiPems } from './pki-files';
export { requireTools, stopAll } from './processes';
export type { Refusal } from './openvpn-log';

/** No openvpn process this driver starts outlives this, whatever the test does. */
const PROCESS_LIFETIME_MS = 60_000;
/** How long a server may take to start listening, or to be ready again after a client. */
const LISTEN_TIMEOUT_MS = 10_000;
/** How long one client attempt may take before it counts as a hang (an error, not a refusal). */
const CONNECT_TIMEOUT_MS = 15_000;
/** OpenVPN's own handshake bound (--hand-window), well inside CONNECT_TIMEOUT_MS. */
const HAND_WINDOW_SECONDS = 5;

/** Log options shared by server and client: level 3 shows every VERIFY line, no timestamps. */
const LOG_ARGS = ['--verb', '3', '--suppress-timestamps'];

/** A server's certificate material, as PEM. */
export interface ServerPki {
  readonly caCertificate: string;
  readonly certificate: string;
  readonly privateKey: string;
  /** Passed as --crl-verify. Omit only to test without revocation checking. */
  readonly crl?: string;
}

/** A client's certificate material, as PEM, and the server name it expects. */
export interface ClientPki {
  readonly caCertificate: string;
  readonly certificate: string;
  readonly privateKey: string;
  /** Checked with `--verify-x509-name <serverName> name`: against the server certificate's subject CN. */
  readonly serverName: string;
}

/** A running server. */
export interface OpenVpnServer {
  readonly port: number;
  /** The openvpn process, watched by `connectClient`. */
  readonly process: TrackedProcess;
  /** The server's whole log so far. */
  logs(): string;
  /** Kills the server; resolves once it has exited. */
  stop(): Promise<void>;
  /**
   * Waits until the server listens for its next client and returns the log offset from which that
   * client's lines start. `connectClient` calls this; tests need not.
   */
  readyForNextClient(): Promise<number>;
}

/** How one client attempt ended. */
export interface ConnectResult {
  readonly outcome: 'connected' | 'refused';
  /** Set when refused: the first rejection logged, server side first. */
  readonly refusal?: Refusal;
  /** "VERIFY WARNING" lines on either side, e.g. a CRL that is not the peer issuer's. */
  readonly warnings: string[];
  readonly clientLog: string;
  /** The server's log from the moment it was ready for this client. */
  readonly serverLog: string;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

function describe(title: string, logs: { [name: string]: string }): string {
  return [title, ...Object.entries(logs).map(([name, log]) => `----- ${name} log -----\n${log.trimEnd()}`)].join('\n');
}

/** Starts an OpenVPN TLS server on a free port and waits until it listens with its CRL loaded. */
export async function startServer(pki: ServerPki): Promise<OpenVpnServer> {
  const files = writePki(pki, makeTempDir('openvpn-server'));
  // The port was free when probed; should another process take it first, try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawnTracked('openvpn', [
      '--tls-server', '--proto', 'tcp-server', '--local', '127.0.0.1', '--lport', String(port), '--dev', 'null',
      // No DH parameters: ECDHE only, as OpenVPN 2.6 recommends.
      '--dh', 'none',
      '--ca', files.caCertificate!, '--cert', files.certificate!, '--key', files.privateKey!,
      ...(files.crl ? ['--crl-verify', files.crl] : []),
      // The client certificate must have a keyUsage extension and EKU clientAuth.
      '--remote-cert-tls', 'client',
      '--hand-window', String(HAND_WINDOW_SECONDS),
      ...LOG_ARGS,
    ], files.dir, PROCESS_LIFETIME_MS);
    const started = await waitFor([proc], () => {
      const log = proc.output();
      if (/Socket bind failed|Address already in use/.test(log)) return 'port taken' as const;
      if (log.includes(LISTENING_LINE)) return 'listening' as const;
      if (proc.exitCode() !== undefined) throw new Error(describe(`openvpn server exited (${proc.exitCode()}) before listening`, { server: log }));
      return undefined;
    }, LISTEN_TIMEOUT_MS, () => describe(`openvpn server not listening after ${LISTEN_TIMEOUT_MS} ms`, { server: proc.output() }));
    if (started === 'port taken' && attempt < 3) {
      await proc.stop();
      continue;
    }
    // OpenVPN starts without revocation checking if it cannot parse the CRL (it logs
    // "CRL: cannot read CRL from file" and "CRL: loaded 0 CRLs"): refuse to test against that.
    if (files.crl && (!/CRL: loaded [1-9]\d* CRLs/.test(proc.output()) || proc.output().includes('CRL: cannot read'))) {
      await proc.stop();
      throw new Error(describe('openvpn server did not load the CRL', { server: proc.output() }));
    }
    return makeServer(proc, port);
  }
}

function makeServer(proc: TrackedProcess, port: number): OpenVpnServer {
  let clientsServed = 0;
  return {
    port,
    process: proc,
    logs: () => proc.output(),
    stop: () => proc.stop(),
    readyForNextClient: async () => {
      // The server logs LISTENING_LINE once at start and again after each client, once it has
      // dropped the connection and restarted.
      clientsServed++;
      const wanted = clientsServed;
      return waitFor([proc], () => {
        if (proc.exitCode() !== undefined) throw new Error(describe(`openvpn server exited (${proc.exitCode()})`, { server: proc.output() }));
        return countLines(proc.output(), LISTENING_LINE) >= wanted ? proc.output().length : undefined;
      }, LISTEN_TIMEOUT_MS, () => describe(`openvpn server not ready for client ${wanted} after ${LISTEN_TIMEOUT_MS} ms`, { server: proc.output() }));
    },
  };
}

/** Runs one OpenVPN client against `server`; resolves to how the handshake ended (see ConnectResult). */
export async function connectClient(server: OpenVpnServer, pki: ClientPki): Promise<ConnectResult> {
  const offset = await server.readyForNextClient();
  const serverLog = () => server.logs().slice(offset);
  const files = writePki(pki, makeTempDir('openvpn-client'));
  const client = spawnTracked('openvpn', [
    '--tls-client', '--proto', 'tcp-client', '--remote', '127.0.0.1', String(server.port), '--nobind', '--dev', 'null',
    '--ca', files.caCertificate!, '--cert', files.certificate!, '--key', files.privateKey!,
    // The server certificate must have a keyUsage extension and EKU serverAuth, and this subject CN.
    '--remote-cert-tls', 'server',
    '--verify-x509-name', pki.serverName, 'name',
    // One TCP connection attempt; a TLS failure ends the process instead of a retry.
    '--connect-retry-max', '1', '--connect-timeout', '5', '--tls-exit',
    '--hand-window', String(HAND_WINDOW_SECONDS),
    ...LOG_ARGS,
  ], files.dir, PROCESS_LIFETIME_MS);
  const logs = () => ({ client: client.output(), server: serverLog() });
  try {
    // The server is watched too: the verdict can depend on its log alone.
    const verdict = await waitFor([client, server.process], () => {
      const { client: clientLog, server: srvLog } = logs();
      if (server.process.exitCode() !== undefined) throw new Error(describe(`openvpn server exited (${server.process.exitCode()})`, logs()));
      if (isConnected(clientLog) && isConnected(srvLog)) return { outcome: 'connected' as const, serverLog: srvLog };
      const refusal = findRefusal('server', srvLog) ?? findRefusal('client', clientLog);
      const clientEnded = client.exitCode() !== undefined;
      // Over once the client has exited (--tls-exit, or no retry after the server hung up) or the
      // server has given up on this connection.
      if (refusal && (clientEnded || srvLog.includes(SERVER_GAVE_UP_LINE))) return { outcome: 'refused' as const, refusal, serverLog: srvLog };
      if (clientEnded) {
        throw new Error(describe(`openvpn client exited (${client.exitCode()}) with neither "${CONNECTED_LINE}" on both sides nor a logged refusal`, logs()));
      }
      return undefined;
    }, CONNECT_TIMEOUT_MS, () => describe(`no verdict after ${CONNECT_TIMEOUT_MS} ms: a hang, not a refusal`, logs()));
    await client.stop();
    const clientLog = client.output();
    return { ...verdict, clientLog, warnings: [...findWarnings(verdict.serverLog), ...findWarnings(clientLog)] };
  } finally {
    await client.stop();
  }
}
