/**
 * The driver's self-test: a PKI made with the openssl CLI (throwaway-pki.ts), whose every
 * answer is known, against a real OpenVPN 2.6. Each case asserts OpenVPN's outcome, the reason
 * it logged, and that `openssl verify` agrees; so the driver can tell a refusal from a success,
 * and each reason from the others, before it is trusted with the library's certificate authority.
 */
import { connectClient, OpenVpnServer, opensslVerify, removeAllPkiDirs, requireTools, startServer, stopAll } from './openvpn';
import { openvpnVersion } from './processes';
import { CLIENT_EXTENSIONS, Issued, serverExtensions, ThrowawayCa } from './throwaway-pki';

const SERVER_NAME = 'vpn.example.internal';

// Fails the whole file, never skips it, where openvpn or openssl is missing.
requireTools();

let ca: ThrowawayCa;
let server: Issued;
let goodClient: Issued;
let revokedClient: Issued;
let otherCaClient: Issued;
let crl: string;
let expiredCrl: string;

beforeAll(() => {
  ca = ThrowawayCa.create('Test VPN CA');
  server = ca.issue(SERVER_NAME, serverExtensions(SERVER_NAME));
  goodClient = ca.issue('client-good', CLIENT_EXTENSIONS);
  revokedClient = ca.issue('client-revoked', CLIENT_EXTENSIONS);
  // Issued like a good client, by a CA the server does not trust.
  otherCaClient = ThrowawayCa.create('Some Other CA').issue('client-intruder', CLIENT_EXTENSIONS);
  ca.revoke(revokedClient.certificate);
  crl = ca.crl();
  expiredCrl = ca.crl({ lastUpdate: '20200101000000Z', nextUpdate: '20200102000000Z' });
});

afterEach(stopAll);
afterAll(removeAllPkiDirs);

test('runs OpenVPN 2.6', () => {
  expect(openvpnVersion()).toMatch(/^OpenVPN 2\.6\./);
});

describe('with a current CRL', () => {
  let vpn: OpenVpnServer;
  beforeEach(async () => {
    vpn = await startServer({ caCertificate: ca.certificate, ...server, crl });
  });
  const connect = (client: Issued, serverName = SERVER_NAME) =>
    connectClient(vpn, { caCertificate: ca.certificate, ...client, serverName });

  test('the good client connects, with every check passed on both sides', async () => {
    const result = await connect(goodClient);
    expect(result).toMatchObject({ outcome: 'connected', warnings: [] });
    expect(result.serverLog).toContain('VERIFY EKU OK');
    expect(result.serverLog).toContain('VERIFY OK: depth=0, CN=client-good');
    expect(result.clientLog).toContain(`VERIFY X509NAME OK: CN=${SERVER_NAME}`);
    expect(opensslVerify({ caCertificate: ca.certificate, crl, certificate: goodClient.certificate })).toMatchObject({ ok: true });
  });

  test('the revoked client is refused by the server, as revoked', async () => {
    const result = await connect(revokedClient);
    expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'certificate revoked' } });
    expect(result.refusal?.line).toMatch(/^VERIFY ERROR: depth=0, error=certificate revoked: CN=client-revoked, serial=/);
    expect(opensslVerify({ caCertificate: ca.certificate, crl, certificate: revokedClient.certificate }))
      .toMatchObject({ ok: false, error: 'certificate revoked' });
  });

  test("another CA's client is refused by the server, its issuer unknown", async () => {
    const result = await connect(otherCaClient);
    expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'unable to get local issuer certificate' } });
    expect(opensslVerify({ caCertificate: ca.certificate, crl, certificate: otherCaClient.certificate }))
      .toMatchObject({ ok: false, error: 'unable to get local issuer certificate' });
  });

  test('a client expecting another server name refuses the server', async () => {
    const result = await connect(goodClient, 'wrong.example.internal');
    expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'client', error: 'VERIFY X509NAME ERROR' } });
    expect(result.refusal?.line).toBe(`VERIFY X509NAME ERROR: CN=${SERVER_NAME}, must be wrong.example.internal`);
    // The certificate itself is fine: only the name was wrong.
    expect(opensslVerify({ caCertificate: ca.certificate, certificate: server.certificate })).toMatchObject({ ok: true });
  });

  test('one server takes clients one after another', async () => {
    expect((await connect(revokedClient)).outcome).toBe('refused');
    expect((await connect(goodClient)).outcome).toBe('connected');
    expect((await connect(goodClient)).outcome).toBe('connected');
  });
});

describe('with an expired CRL', () => {
  let vpn: OpenVpnServer;
  beforeEach(async () => {
    vpn = await startServer({ caCertificate: ca.certificate, ...server, crl: expiredCrl });
  });

  test.each([
    ['good', () => goodClient],
    ['revoked', () => revokedClient],
  ])('the %s client is refused: the CRL has expired', async (_name, client) => {
    const result = await connectClient(vpn, { caCertificate: ca.certificate, ...client(), serverName: SERVER_NAME });
    expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'CRL has expired' } });
    expect(opensslVerify({ caCertificate: ca.certificate, crl: expiredCrl, certificate: client().certificate }))
      .toMatchObject({ ok: false, error: 'CRL has expired' });
  });
});

test('a CRL that does not parse stops the server from starting, instead of serving without revocation', async () => {
  await expect(startServer({ caCertificate: ca.certificate, ...server, crl: '-----BEGIN X509 CRL-----\nnot a crl\n-----END X509 CRL-----\n' }))
    .rejects.toThrow(/did not load the CRL[\s\S]*CRL: cannot read CRL/);
});
