/**
 * What OpenVPN 2.6 demands of the certificates and CRL a certificate authority issues, shown
 * with near-misses from the throwaway CA: each is one field away from a certificate that works
 * (openvpn-driver.test.ts), and each is refused, or worse, silently accepted, for that field.
 */
import { connectClient, opensslVerify, removeAllPkiDirs, requireTools, startServer, stopAll } from './openvpn';
import { CLIENT_EXTENSIONS, Issued, serverExtensions, ThrowawayCa } from './throwaway-pki';

const SERVER_NAME = 'vpn.example.internal';

requireTools();

let ca: ThrowawayCa;
let server: Issued;
let goodClient: Issued;

beforeAll(() => {
  ca = ThrowawayCa.create('Test VPN CA');
  server = ca.issue(SERVER_NAME, serverExtensions(SERVER_NAME));
  goodClient = ca.issue('client-good', CLIENT_EXTENSIONS);
});

afterEach(stopAll);
afterAll(removeAllPkiDirs);

/** One client against a fresh server with a current CRL (or the one given). */
async function attempt(client: Issued, options: { serverCert?: Issued; crl?: string } = {}) {
  const vpn = await startServer({ caCertificate: ca.certificate, ...(options.serverCert ?? server), crl: options.crl ?? ca.crl() });
  return connectClient(vpn, { caCertificate: ca.certificate, ...client, serverName: SERVER_NAME });
}

const without = (line: string) => CLIENT_EXTENSIONS.filter((l) => !l.startsWith(line));

test('--remote-cert-tls needs a keyUsage extension on the client certificate', async () => {
  const result = await attempt(ca.issue('client-no-ku', without('keyUsage')));
  expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'VERIFY KU ERROR' } });
});

test('--remote-cert-tls client needs EKU clientAuth', async () => {
  const result = await attempt(ca.issue('client-no-eku', without('extendedKeyUsage')));
  expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'VERIFY EKU ERROR' } });
});

test('a client keyUsage without digitalSignature is refused by OpenSSL as the wrong purpose', async () => {
  const client = ca.issue('client-key-encipherment', [...without('keyUsage'), 'keyUsage = critical, keyEncipherment']);
  const result = await attempt(client);
  expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'unsuitable certificate purpose' } });
});

test('--verify-x509-name <name> name compares the subject CN, not the SAN', async () => {
  // The DNS name in the SAN only, as a browser would accept it.
  const sanOnly = ca.issue('server-1', serverExtensions(SERVER_NAME));
  const result = await attempt(goodClient, { serverCert: sanOnly });
  expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'client', error: 'VERIFY X509NAME ERROR' } });
  expect(result.refusal?.line).toBe(`VERIFY X509NAME ERROR: CN=server-1, must be ${SERVER_NAME}`);
});

test('a CRL whose lastUpdate is in the future refuses everyone (clock skew)', async () => {
  const result = await attempt(goodClient, { crl: ca.crl({ lastUpdate: '20990101000000Z', nextUpdate: '20990201000000Z' }) });
  expect(result).toMatchObject({ outcome: 'refused', refusal: { side: 'server', error: 'CRL is not yet valid' } });
});

test('a CRL by another issuer is only a warning to OpenVPN: revocation silently off (openssl verify refuses)', async () => {
  const revoked = ca.issue('client-revoked', CLIENT_EXTENSIONS);
  ca.revoke(revoked.certificate);
  const otherCrl = ThrowawayCa.create('Some Other CA').crl();
  const result = await attempt(revoked, { crl: otherCrl });
  expect(result.outcome).toBe('connected');
  expect(result.warnings).toContainEqual(expect.stringMatching(/^VERIFY WARNING: depth=0, unable to get certificate CRL: CN=client-revoked/));
  expect(opensslVerify({ caCertificate: ca.certificate, crl: otherCrl, certificate: revoked.certificate }))
    .toMatchObject({ ok: false, error: 'unable to get certificate CRL' });
});
