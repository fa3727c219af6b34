/**
 * The certificate authority's acceptance test: what its handler issues works in a real OpenVPN 2.6
 * TLS handshake, the way AWS Client VPN's clients use it.
 *
 * One app is deployed through the lifecycle harness (the bundled handler under Node 22 against the
 * fakes of ACM, Secrets Manager and EC2): a CA with an endpoint and three clients (alice; bob,
 * revoked; carol, who brings a signing request for a key this test made with openssl), and a second,
 * unrelated CA with an endpoint and a client of its own (mallory). Every PEM is then taken from where
 * the handler put it, and nowhere else:
 *
 * - the server certificate and key: the fake ACM's record of the ImportCertificate;
 * - the CA certificate: that import's certificate chain;
 * - the CRL: what the fake EC2 endpoint imported;
 * - each client's certificate and key: the `<cert>` and `<key>` blocks of `configurations[endpointId]`
 *   in the client's secret (carol's key is the test's own; her configuration has no `<key>`).
 *
 * Each attempt starts its own OpenVPN server (`--crl-verify`, `--remote-cert-tls client`) and one
 * client (`--remote-cert-tls server`, `--verify-x509-name <serverDomainName> name`): see openvpn.ts.
 * `openssl verify -crl_check` must agree with OpenVPN every time.
 *
 * The describe blocks run in order on the one deployment: first as created, then with a CRL past
 * its nextUpdate (signed by the test, deployed nowhere), then after a redeploy that revokes alice and
 * un-revokes bob, then after a scheduled renewal of a CRL that was due.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ConnectResult, connectClient, OpensslVerdict, opensslVerify, removeAllPkiDirs, requireTools, ServerPki, startServer, stopAll } from './openvpn';
import { makeTempDir } from './pki-files';
import { runTool } from './processes';
import { ClientVpnCertificateAuthority } from '../../src';
import { loadAuthority, readCertificate, readRevocationList, signRevocationList } from '../../src/custom-resource/pki';
import { ensureBundle, removeSynthesized } from '../lifecycle/apps';
import { Harness } from '../lifecycle/harness';
import { version } from '../lifecycle/scenario-apps';
import { SynthesizedStack } from '../lifecycle/stack-records';
import { deployed } from '../lifecycle/steps';

const SERVER_NAME = 'vpn.example.internal';
const OTHER_SERVER_NAME = 'vpn.other.internal';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Synthesizing, bundling if needed, and deploying take seconds each, far more than one handshake. */
const DEPLOY_TIMEOUT_MS = 120_000;

/** Who is revoked in a version of the app. */
interface Revocations {
  readonly alice: boolean;
  readonly bob: boolean;
}

/** Carol's key, made here and kept here: the CA sees only her signing request. */
let carol: { privateKey: string; request: string };
let h: Harness;

function app(revoked: Revocations): SynthesizedStack {
  return version((place) => {
    const ca = new ClientVpnCertificateAuthority(place.stack, 'Ca', { serverDomainName: SERVER_NAME });
    place.endpoint('Endpoint', { serverCertificate: ca.serverCertificate, clientRootCertificate: ca.clientRootCertificate });
    ca.addClient('alice', { revoked: revoked.alice });
    ca.addClient('bob', { revoked: revoked.bob });
    ca.addClient('carol', { certificateSigningRequest: carol.request });
    // Unrelated to the first: its client must get nowhere with the first CA's endpoint.
    const other = new ClientVpnCertificateAuthority(place.stack, 'OtherCa', { serverDomainName: OTHER_SERVER_NAME });
    place.endpoint('OtherEndpoint', {
      serverCertificate: other.serverCertificate, clientRootCertificate: other.clientRootCertificate, clientCidrBlock: '10.104.0.0/22',
    });
    other.addClient('mallory');
  });
}

/** An RSA 2048 key and a PKCS #10 request for it, by the openssl CLI. */
function opensslKeyAndRequest(commonName: string): { privateKey: string; request: string } {
  const dir = makeTempDir('csr');
  const keyFile = path.join(dir, 'key.pem');
  const requestFile = path.join(dir, 'request.pem');
  const { status, output } = runTool('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-subj', `/CN=${commonName}`, '-out', requestFile]);
  if (status !== 0) {
    throw new Error(`openssl req failed (${status}): ${output}`);
  }
  return { privateKey: fs.readFileSync(keyFile, 'utf8'), request: fs.readFileSync(requestFile, 'utf8') };
}

// --- Where the handler put things -----------------------------------------------------------

function secretJson(arn: string): any {
  const value = h.fake.secretsManager.secret(arn)?.value;
  if (value === undefined) {
    throw new Error(`the secret ${arn} has no value`);
  }
  return JSON.parse(value);
}

/** The server certificate, its key and the CA, as the handler imported them into ACM. */
function imported(caLogicalId: string): { certificate: string; privateKey: string; caCertificate: string } {
  const arn = h.physicalId(caLogicalId);
  const record = h.fake.acm.certificate(arn);
  if (!record?.chainPem) {
    throw new Error(`ACM holds no certificate with a chain at ${arn}`);
  }
  return { certificate: record.certificatePem, privateKey: record.privateKeyPem, caCertificate: record.chainPem };
}

/** The CRL the endpoint holds: the last ImportClientVpnClientCertificateRevocationList. */
function endpointCrl(endpointLogicalId = 'Endpoint'): string {
  const crl = h.fake.ec2.endpoints.get(h.physicalId(endpointLogicalId))?.crl;
  if (!crl) {
    throw new Error(`${endpointLogicalId} holds no CRL`);
  }
  return crl;
}

/** A PEM inline in an `.ovpn`: the text between `<tag>` and `</tag>`. */
function block(ovpn: string, tag: string): string | undefined {
  return new RegExp(`^<${tag}>\\n([\\s\\S]*?)\\n</${tag}>$`, 'm').exec(ovpn)?.[1];
}

interface ClientMaterial {
  readonly ovpn: string;
  readonly certificate: string;
  /** The `<key>` block; absent for a client that keeps its own key. */
  readonly privateKey?: string;
}

/** A client's certificate and key out of its `.ovpn` for the endpoint, in the client's secret. */
function configured(clientSecretLogicalId: string, endpointLogicalId: string): ClientMaterial {
  const endpointId = h.physicalId(endpointLogicalId);
  const ovpn = secretJson(h.physicalId(clientSecretLogicalId)).configurations?.[endpointId];
  if (typeof ovpn !== 'string') {
    throw new Error(`${clientSecretLogicalId} has no configuration for ${endpointId}`);
  }
  const certificate = block(ovpn, 'cert');
  if (!certificate) {
    throw new Error(`the configuration in ${clientSecretLogicalId} has no <cert> block:\n${ovpn}`);
  }
  return { ovpn, certificate, privateKey: block(ovpn, 'key') };
}

/** The first CA's server, trusting that CA, revoking by `crl` (by default what the endpoint holds). */
function serverPki(crl = endpointCrl()): ServerPki {
  const { certificate, privateKey, caCertificate } = imported('Ca');
  return { caCertificate, certificate, privateKey, crl };
}

type ClientName = 'alice' | 'bob' | 'carol' | 'mallory';

/** A client of the first endpoint (mallory: of the other one), with its key, and the first CA as its trust anchor. */
function client(name: ClientName): { certificate: string; privateKey: string } {
  const material = name === 'mallory' ? configured('OtherCamallorySecret', 'OtherEndpoint') : configured(`Ca${name}Secret`, 'Endpoint');
  const privateKey = name === 'carol' ? carol.privateKey : material.privateKey;
  if (!privateKey) {
    throw new Error(`the configuration of ${name} has no <key> block`);
  }
  return { certificate: material.certificate, privateKey };
}

/**
 * One handshake of `name` against a fresh server, and openssl's verdict on the same certificate,
 * CA and CRL. Every client trusts the first CA, mallory too: she is refused by the server for her
 * own certificate, not because she distrusts the server's.
 */
async function attempt(name: ClientName, pki: ServerPki = serverPki()): Promise<{ vpn: ConnectResult; openssl: OpensslVerdict }> {
  const credentials = client(name);
  const server = await startServer(pki);
  const vpn = await connectClient(server, { caCertificate: pki.caCertificate, ...credentials, serverName: SERVER_NAME });
  await server.stop();
  return { vpn, openssl: opensslVerify({ caCertificate: pki.caCertificate, crl: pki.crl, certificate: credentials.certificate }) };
}

/** Connected with every check passed on both sides, no VERIFY WARNING (a CRL by another issuer is only one), and openssl agrees. */
function expectAdmitted({ vpn, openssl }: { vpn: ConnectResult; openssl: OpensslVerdict }, commonName: string): void {
  expect({ outcome: vpn.outcome, refusal: vpn.refusal, warnings: vpn.warnings }).toEqual({ outcome: 'connected', refusal: undefined, warnings: [] });
  expect(vpn.serverLog).not.toContain('VERIFY WARNING');
  expect(vpn.serverLog).toContain('VERIFY KU OK');
  expect(vpn.serverLog).toContain('VERIFY EKU OK');
  expect(vpn.serverLog).toContain(`VERIFY OK: depth=0, CN=${commonName}`);
  expect(vpn.clientLog).toContain(`VERIFY X509NAME OK: CN=${SERVER_NAME}`);
  expect(vpn.clientLog).toContain('VERIFY EKU OK');
  expect(openssl).toMatchObject({ ok: true, error: undefined });
}

/** Refused by the server with OpenSSL's `error` for the client certificate, and openssl verify says the same. */
function expectRefused({ vpn, openssl }: { vpn: ConnectResult; openssl: OpensslVerdict }, commonName: string, error: string): void {
  expect({ outcome: vpn.outcome, refusal: vpn.refusal }).toEqual({
    outcome: 'refused',
    refusal: { side: 'server', error, line: expect.stringMatching(new RegExp(`^VERIFY ERROR: depth=0, error=${error}: CN=${commonName}, serial=`)) },
  });
  expect(openssl).toMatchObject({ ok: false, error });
}

beforeAll(async () => {
  // Fails every test, never skips one, without openvpn and openssl.
  requireTools();
  ensureBundle();
  carol = opensslKeyAndRequest('carol');
  h = await Harness.start();
  await deployed(h, app({ alice: false, bob: true }), 'CREATE_COMPLETE');
}, DEPLOY_TIMEOUT_MS);

afterEach(stopAll);

afterAll(async () => {
  await stopAll();
  await h?.stop();
  removeSynthesized();
  removeAllPkiDirs();
});

describe('as deployed', () => {
  test('the material is where the construct API says: a CA-chained server certificate, the CRL, an .ovpn per client', () => {
    const server = imported('Ca');
    expect(readCertificate(server.certificate).commonName).toBe(SERVER_NAME);
    // Every client's secret names the CA that ACM holds as the chain.
    for (const name of ['alice', 'bob', 'carol']) {
      expect(secretJson(h.physicalId(`Ca${name}Secret`)).caCertificate).toBe(server.caCertificate);
    }
    expect(imported('OtherCa').caCertificate).not.toBe(server.caCertificate);
    // Carol's secret and configuration hold her certificate only.
    expect(secretJson(h.physicalId('CacarolSecret')).privateKey).toBeUndefined();
    expect(configured('CacarolSecret', 'Endpoint').privateKey).toBeUndefined();
    // Bob, and only bob, is on the CRL.
    const serials = readRevocationList(endpointCrl()).entries.map((entry) => entry.serialNumber);
    expect(serials).toEqual([readCertificate(client('bob').certificate).serialNumber]);
  });

  test('alice completes the handshake: every check passed, no VERIFY WARNING', async () => {
    expectAdmitted(await attempt('alice'), 'alice');
  });

  test('carol, whose signing request the CA signed, connects with her own key', async () => {
    expectAdmitted(await attempt('carol'), 'carol');
  });

  test('bob, revoked, is refused: certificate revoked', async () => {
    expectRefused(await attempt('bob'), 'bob', 'certificate revoked');
  });

  test("given the other CA's CRL, the server lets revoked bob in, with only a VERIFY WARNING: why every admission asserts none", async () => {
    const { vpn, openssl } = await attempt('bob', serverPki(endpointCrl('OtherEndpoint')));
    expect(vpn.outcome).toBe('connected');
    // One for bob, one for the CA above him: no CRL by that issuer, so none checked.
    expect(vpn.warnings).toEqual([
      'VERIFY WARNING: depth=0, unable to get certificate CRL: CN=bob',
      expect.stringMatching(/^VERIFY WARNING: depth=1, unable to get certificate CRL: CN=Client VPN CA /),
    ]);
    expect(openssl).toMatchObject({ ok: false, error: 'unable to get certificate CRL' });
  });

  test("mallory, the other CA's client, is refused: unable to get local issuer certificate", async () => {
    expectRefused(await attempt('mallory'), 'mallory', 'unable to get local issuer certificate');
  });
});

describe('with a CRL past its nextUpdate, as when renewal never runs', () => {
  let expired: string;

  beforeAll(async () => {
    // Signed by the handler's own code with the CA's key from its secret: the same list as the
    // endpoint's, but for the dates.
    const ca = secretJson(h.physicalId('CaSecret'));
    const current = readRevocationList(endpointCrl());
    const now = Date.now();
    expired = await signRevocationList(await loadAuthority(ca.certificate, ca.privateKey), current.entries,
      ca.revocationLists.current.number + 1, new Date(now - 200 * DAY_MS), new Date(now - 20 * DAY_MS));
  });

  test.each(['alice', 'carol', 'bob'] as const)('%s is refused: CRL has expired', async (name) => {
    expectRefused(await attempt(name, serverPki(expired)), name, 'CRL has expired');
  });
});

describe('after a redeploy that revokes alice and un-revokes bob', () => {
  let before: string;
  let bobBefore: string;

  beforeAll(async () => {
    before = endpointCrl();
    bobBefore = client('bob').certificate;
    await deployed(h, app({ alice: true, bob: false }), 'UPDATE_COMPLETE');
  }, DEPLOY_TIMEOUT_MS);

  test('the endpoint holds a new CRL, naming alice only', () => {
    expect(endpointCrl()).not.toBe(before);
    const serials = readRevocationList(endpointCrl()).entries.map((entry) => entry.serialNumber);
    expect(serials).toEqual([readCertificate(client('alice').certificate).serialNumber]);
  });

  test('alice is refused: certificate revoked', async () => {
    expectRefused(await attempt('alice'), 'alice', 'certificate revoked');
  });

  test('bob connects again, with the same certificate', async () => {
    expect(client('bob').certificate).toBe(bobBefore);
    expectAdmitted(await attempt('bob'), 'bob');
  });
});

describe('after the scheduled renewal of a CRL that was due', () => {
  let due: string;
  let dueNumber: number;

  beforeAll(async () => {
    // As if the current CRL had been signed long ago: its entries, 170 of its 180 days gone.
    // The endpoint holds it, as it would.
    const caSecretArn = h.physicalId('CaSecret');
    const ca = secretJson(caSecretArn);
    dueNumber = ca.revocationLists.current.number;
    const now = Date.now();
    due = await signRevocationList(await loadAuthority(ca.certificate, ca.privateKey), readRevocationList(ca.revocationLists.current.pem).entries,
      dueNumber, new Date(now - 170 * DAY_MS), new Date(now + 10 * DAY_MS));
    const planted = { ...ca, revocationLists: { ...ca.revocationLists, current: { number: dueNumber, pem: due } } };
    h.fake.secretsManager.addVersion(h.fake.secretsManager.stored(caSecretArn)!, randomUUID(), JSON.stringify(planted));
    h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))!.crl = due;

    const run = await h.runSchedule('CaRenewal');
    expect({ error: run.error, attempts: run.invocations.length }).toEqual({ error: undefined, attempts: 1 });
  }, DEPLOY_TIMEOUT_MS);

  test('the endpoint holds a renewed CRL: the next number, the same entries, a full validity ahead', () => {
    const renewed = endpointCrl();
    expect(renewed).not.toBe(due);
    expect(secretJson(h.physicalId('CaSecret')).revocationLists.current).toEqual({ number: dueNumber + 1, pem: renewed, renews: [dueNumber] });
    const facts = readRevocationList(renewed);
    expect(facts.entries.map((entry) => entry.serialNumber)).toEqual(readRevocationList(due).entries.map((entry) => entry.serialNumber));
    expect(facts.nextUpdate!.getTime()).toBeGreaterThan(Date.now() + 179 * DAY_MS);
  });

  test('alice is still refused: certificate revoked', async () => {
    expectRefused(await attempt('alice'), 'alice', 'certificate revoked');
  });

  test('bob is admitted', async () => {
    expectAdmitted(await attempt('bob'), 'bob');
  });
});
