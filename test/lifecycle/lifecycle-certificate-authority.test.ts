/**
 * Whole lifecycles of a ClientVpnCertificateAuthority (construct API, "ClientVpnCertificateAuthority"):
 * the CA, its clients and the endpoints that trust it created; clients added, revoked, un-revoked,
 * renamed and removed; a second endpoint; an endpoint replaced; the scheduled renewal; failed
 * updates rolled back under both rollback orders; a refused change; the stack deleted. The
 * invariants are checked after every stack operation, the fakes' state is read directly (CRLs with
 * openssl), and every scenario ends with the key-material scan (key-material.ts).
 */
import { execFileSync } from 'child_process';
import { randomUUID, X509Certificate, createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { DeployOptions } from './cloudformation';
import { Harness } from './harness';
import { keyMaterialFindings, Place as ScannedPlace, stackOutputs } from './key-material';
import { Place, version } from './scenario-apps';
import { ScheduledRun } from './schedules';
import { OperationRecord, StackStatus, SynthesizedStack } from './stack-records';
import { deployed, destroyed, useHarness } from './steps';
import { ec2Error } from './wire';
import {
  ClientVpnCertificateAuthority, ClientVpnCertificateAuthorityProps, ClientVpnClientOptions, ClientVpnEndpointProps,
} from '../../src';
import { AUTHORITY_TAG_KEY } from '../../src/custom-resource/certificate-authority-properties';
import { loadAuthority, readRevocationList, signRevocationList } from '../../src/custom-resource/pki';

const IMPORT_CRL = 'ImportClientVpnClientCertificateRevocationList';
const DAY_MS = 24 * 3600 * 1000;

// --- The apps --------------------------------------------------------------------------------

interface CaSpec {
  readonly ca?: ClientVpnCertificateAuthorityProps;
  /** Client ids (lower case: `Ca<id>` is its logical id) and their options, in order. */
  readonly clients?: { readonly [id: string]: ClientVpnClientOptions };
  /** Endpoints trusting the CA, by id. */
  readonly endpoints?: { readonly [id: string]: Partial<ClientVpnEndpointProps> };
  /** Anything else in the stack, e.g. a resource a test makes fail. */
  readonly extra?: (place: Place, ca: ClientVpnCertificateAuthority) => void;
}

const OTHER = { clientCidrBlock: '10.104.0.0/22' };

/** One version: a CA, endpoints trusting it, its clients, and outputs naming what the stack made. */
function caApp(spec: CaSpec): SynthesizedStack {
  return version((place) => {
    const ca = new ClientVpnCertificateAuthority(place.stack, 'Ca', spec.ca);
    for (const [id, props] of Object.entries(spec.endpoints ?? { Endpoint: {} })) {
      place.endpoint(id, { serverCertificate: ca.serverCertificate, clientRootCertificate: ca.clientRootCertificate, ...props });
    }
    for (const [id, options] of Object.entries(spec.clients ?? {})) {
      const client = ca.addClient(id, options);
      new CfnOutput(place.stack, `${id}Secret`, { value: client.secret.secretArn });
      new CfnOutput(place.stack, `${id}Serial`, { value: client._serialNumber });
    }
    new CfnOutput(place.stack, 'ServerCertificateArn', { value: ca.serverCertificate.certificateArn });
    spec.extra?.(place, ca);
  });
}

/** The logical id in a synthesized template that starts with this construct id. */
function logicalIdIn(stack: SynthesizedStack, start: string): string {
  const matches = Object.keys(stack.template.Resources).filter((id) => new RegExp(`^${start}[0-9A-F]{8}$`).test(id));
  expect(matches).toHaveLength(1);
  return matches[0];
}

// --- What the fakes hold ---------------------------------------------------------------------

interface ClientSecretJson {
  readonly certificate: string;
  readonly privateKey?: string;
  readonly caCertificate: string;
  readonly configurations: { readonly [endpointId: string]: string };
}

interface CaSecretJson {
  readonly certificate: string;
  readonly privateKey: string;
  readonly validityDays: number;
  readonly revocationLists?: { current: { number: number; pem: string }; previous?: { number: number; pem: string } };
}

function secretValue<T>(h: Harness, arn: string): T {
  const view = h.fake.secretsManager.secret(arn);
  expect(view?.state).toBe('active');
  return JSON.parse(view!.value!) as T;
}

const caSecret = (h: Harness) => secretValue<CaSecretJson>(h, h.physicalId('CaSecret'));
const clientSecret = (h: Harness, id: string) => secretValue<ClientSecretJson>(h, h.physicalId(`Ca${id}Secret`));
const serialOf = (pem: string) => new X509Certificate(pem).serialNumber.toLowerCase();

interface CrlFacts {
  readonly number: number;
  /** Serial (lower-case hex) to reason, as openssl prints it. */
  readonly revoked: { readonly [serial: string]: string };
  readonly lastUpdate: Date;
  readonly nextUpdate: Date;
}

/** The CRL as openssl reads it, its signature verified against the CA's certificate. */
function readCrl(pem: string, caCertificate: string): CrlFacts {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cvpn-crl-'));
  try {
    const [crlFile, caFile] = [path.join(directory, 'crl.pem'), path.join(directory, 'ca.pem')];
    fs.writeFileSync(crlFile, pem);
    fs.writeFileSync(caFile, caCertificate);
    // Exits non-zero (and throws) when the signature does not verify against the CA.
    execFileSync('openssl', ['crl', '-in', crlFile, '-CAfile', caFile, '-noout'], { stdio: 'pipe' });
    const text = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text'], { encoding: 'utf8' });
    const revoked: { [serial: string]: string } = {};
    for (const entry of text.split(/Serial Number: /).slice(1)) {
      const serial = entry.match(/^([0-9A-F]+)/)![1].toLowerCase();
      revoked[serial] = entry.match(/CRL Reason Code:\s*\n\s*(.+)/)?.[1].trim() ?? 'none';
    }
    return {
      number: Number(text.match(/CRL Number:\s*\n\s*(\d+)/)![1]),
      revoked,
      lastUpdate: new Date(text.match(/Last Update: (.+)/)![1]),
      nextUpdate: new Date(text.match(/Next Update: (.+)/)![1]),
    };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** The CRL imported into an endpoint, read. */
function endpointCrl(h: Harness, endpointLogicalId = 'Endpoint'): CrlFacts {
  const pem = h.fake.ec2.endpoints.get(h.physicalId(endpointLogicalId))?.crl;
  expect(pem).toBeDefined();
  return readCrl(pem!, caSecret(h).certificate);
}

/** The `.ovpn` the handler should have written: the endpoint's export, then the client's certificate and key inline. */
function expectedConfiguration(h: Harness, endpointLogicalId: string, secret: ClientSecretJson): string {
  const exported = h.fake.ec2.clientConfiguration(h.fake.ec2.endpoints.get(h.physicalId(endpointLogicalId))!);
  const key = secret.privateKey ? `<key>\n${secret.privateKey.trim()}\n</key>\n` : '';
  return `${exported.trimEnd()}\n<cert>\n${secret.certificate.trim()}\n</cert>\n${key}`;
}

/** Each client's secret: issued by the CA, its key matching, a configuration for exactly these endpoints. */
function expectClientSecrets(h: Harness, clients: Array<[id: string, commonName: string]>, endpoints: string[]): void {
  const ca = caSecret(h);
  const caCertificate = new X509Certificate(ca.certificate);
  for (const [id, commonName] of clients) {
    const secret = clientSecret(h, id);
    const certificate = new X509Certificate(secret.certificate);
    expect({
      id,
      subject: certificate.subject,
      issuedByCa: certificate.verify(caCertificate.publicKey) && certificate.checkIssued(caCertificate),
      keyMatches: certificate.checkPrivateKey(createPrivateKey(secret.privateKey!)),
      caCertificate: secret.caCertificate === ca.certificate,
      serialAttribute: h.resource(`Ca${id}`).attributes.SerialNumber,
      endpoints: Object.keys(secret.configurations).sort(),
    }).toEqual({
      id,
      subject: `CN=${commonName}`,
      issuedByCa: true,
      keyMatches: true,
      caCertificate: true,
      serialAttribute: serialOf(secret.certificate),
      endpoints: endpoints.map((endpoint) => h.physicalId(endpoint)).sort(),
    });
    for (const endpoint of endpoints) {
      expect(secret.configurations[h.physicalId(endpoint)]).toBe(expectedConfiguration(h, endpoint, secret));
    }
  }
}

const serial = (h: Harness, id: string) => serialOf(clientSecret(h, id).certificate);

/** A secret version's JSON; the first version is the random string CloudFormation generated, which is none. */
function versionJson(value: string): Partial<ClientSecretJson> {
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * The CRL of each endpoint follows the template: a client's current certificate is on it exactly
 * when the client is `revoked`, and every other certificate ever written to a client's secret (the
 * superseded ones, the removed clients') is on it.
 */
function expectCrlFollowsTemplate(h: Harness, revoked: { [id: string]: boolean }, endpoints = ['Endpoint']): void {
  const current = new Map(Object.keys(revoked).map((id) => [serial(h, id), id]));
  const everIssued = h.fake.secretsManager.all().flatMap((view) => h.fake.secretsManager.stored(view.arn)!.versions)
    .flatMap((secretVersion) => {
      const value = versionJson(secretVersion.value);
      return value.caCertificate && value.certificate ? [serialOf(value.certificate)] : [];
    });
  const expected = [...new Set(everIssued)].filter((issued) => !current.has(issued) || revoked[current.get(issued)!]).sort();
  for (const endpoint of endpoints) {
    expect({ endpoint, revoked: Object.keys(endpointCrl(h, endpoint).revoked).sort() }).toEqual({ endpoint, revoked: expected });
  }
}

// --- Each scenario, tracked for the key-material scan ----------------------------------------

/** What a test synthesized, deployed and ran: the key-material scan looks at all of it. */
class Scenario {
  private readonly stacks: SynthesizedStack[] = [];
  private readonly runs: ScheduledRun[] = [];
  private readonly outputs: ScannedPlace[] = [];

  constructor(public readonly h: Harness) {}

  public app(spec: CaSpec): SynthesizedStack {
    const stack = caApp(spec);
    this.stacks.push(stack);
    return stack;
  }

  public async deploy(spec: CaSpec | SynthesizedStack, status: StackStatus, options?: DeployOptions): Promise<OperationRecord> {
    const stack = 'template' in spec ? spec : this.app(spec);
    const operation = await deployed(this.h, stack, status, options);
    this.outputs.push(...stackOutputs(this.h));
    return operation;
  }

  public async destroy(): Promise<OperationRecord> {
    return destroyed(this.h);
  }

  public async renewal(): Promise<ScheduledRun> {
    const run = await this.h.runSchedule('CaRenewal');
    this.runs.push(run);
    expect(run.error).toBeUndefined();
    return run;
  }

  public findings(): string[] {
    return keyMaterialFindings(this.h, { stacks: this.stacks, runs: this.runs, outputs: this.outputs });
  }
}

/** A test whose last step is the key-material scan. */
function scenario(name: string, harness: () => Harness, body: (s: Scenario, h: Harness) => Promise<void>, options: { failing?: boolean } = {}): void {
  (options.failing ? test.failing : test)(name, async () => {
    const s = new Scenario(harness());
    await body(s, s.h);
    expect(s.findings()).toEqual([]);
  });
}

// --- The scenarios ---------------------------------------------------------------------------

describe('a certificate authority, its clients and the endpoints that trust it', () => {
  const harness = useHarness();

  scenario('created: the CRL revokes exactly the revoked client, each secret holds its certificate, key and .ovpn, the server key alone is in ACM', harness, async (s, h) => {
    const created = await s.deploy({ clients: { alice: {}, bob: { revoked: true }, carol: { commonName: 'Carol Jones' } } }, 'CREATE_COMPLETE');
    expect(s.h.fake.callsOf(IMPORT_CRL)).toHaveLength(1);
    expect(created.customResources.every((record) => record.outcome?.status === 'SUCCESS')).toBe(true);

    const crl = endpointCrl(h);
    expect(crl).toMatchObject({ number: 1, revoked: { [serial(h, 'bob')]: 'Privilege Withdrawn' } });
    expect(Object.keys(crl.revoked)).toEqual([h.resource('Cabob').attributes.SerialNumber]);
    // Backdated, so a client with a slow clock accepts it; valid for the default 180 days.
    expect(crl.lastUpdate.getTime()).toBeLessThan(Date.now());
    expect(Math.round((crl.nextUpdate.getTime() - Date.now()) / DAY_MS)).toBe(180);
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob'], ['carol', 'Carol Jones']], ['Endpoint']);
    expectCrlFollowsTemplate(h, { alice: false, bob: true, carol: false });

    const ca = caSecret(h);
    const caCertificate = new X509Certificate(ca.certificate);
    expect(caCertificate.ca).toBe(true);
    const arn = h.physicalId('Ca');
    expect(h.fake.acm.certificates().map((certificate) => certificate.arn)).toEqual([arn]);
    const imported = h.fake.acm.certificate(arn)!;
    const server = new X509Certificate(imported.certificatePem);
    expect({
      chainIsCa: new X509Certificate(imported.chainPem!).raw.equals(caCertificate.raw),
      issuedByCa: server.checkIssued(caCertificate) && server.verify(caCertificate.publicKey),
      keyIsServers: server.checkPrivateKey(createPrivateKey(imported.privateKeyPem)),
      keyIsNotCas: !caCertificate.checkPrivateKey(createPrivateKey(imported.privateKeyPem)),
      names: server.subjectAltName,
      tag: imported.tags[AUTHORITY_TAG_KEY],
      imports: imported.imports,
    }).toEqual({
      chainIsCa: true,
      issuedByCa: true,
      keyIsServers: true,
      keyIsNotCas: true,
      names: 'DNS:server.client-vpn.internal',
      tag: h.resource('Ca').properties.AuthorityTag,
      imports: 1,
    });
    expect(imported.chainPem).not.toContain('PRIVATE KEY');
    const endpoint = h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))!;
    expect(endpoint.settings.get('ServerCertificateArn')).toBe(arn);
  });

  scenario('a client added, revoked and un-revoked: each CRL change is imported once, an unchanged deploy imports nothing', harness, async (s, h) => {
    const clients = (carol?: ClientVpnClientOptions) => ({ clients: { alice: {}, bob: { revoked: true }, ...carol ? { carol } : {} } });
    await s.deploy(clients(), 'CREATE_COMPLETE');
    const first = endpointCrl(h);

    await s.deploy(clients({}), 'UPDATE_COMPLETE');
    // The revoked set is the same: the CRL is not signed again, nor imported (an import resets every connection).
    expect(s.h.fake.callsOf(IMPORT_CRL)).toHaveLength(1);
    expect(endpointCrl(h)).toEqual(first);
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob'], ['carol', 'carol']], ['Endpoint']);

    await s.deploy(clients({ revoked: true }), 'UPDATE_COMPLETE');
    const revoked = endpointCrl(h);
    expect(s.h.fake.callsOf(IMPORT_CRL)).toHaveLength(2);
    expect(revoked.revoked).toEqual({ [serial(h, 'bob')]: 'Privilege Withdrawn', [serial(h, 'carol')]: 'Privilege Withdrawn' });
    expect(revoked.number).toBeGreaterThan(first.number);

    await s.deploy(clients({ revoked: false }), 'UPDATE_COMPLETE');
    const unrevoked = endpointCrl(h);
    expect(s.h.fake.callsOf(IMPORT_CRL)).toHaveLength(3);
    expect(unrevoked.revoked).toEqual({ [serial(h, 'bob')]: 'Privilege Withdrawn' });
    expectCrlFollowsTemplate(h, { alice: false, bob: true, carol: false });

    const unchanged = await s.deploy(clients({ revoked: false }), 'UPDATE_COMPLETE');
    expect(unchanged.customResources).toEqual([]);
    expect(s.h.fake.callsOf(IMPORT_CRL)).toHaveLength(3);
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob'], ['carol', 'carol']], ['Endpoint']);
  });

  scenario('a client removed from the app: its serial goes on the CRL (cessation of operation), its secret is deleted', harness, async (s, h) => {
    await s.deploy({ clients: { alice: {}, bob: { revoked: true }, carol: {} } }, 'CREATE_COMPLETE');
    const [carolSerial, carolSecret] = [serial(h, 'carol'), h.physicalId('CacarolSecret')];

    await s.deploy({ clients: { alice: {}, bob: { revoked: true } } }, 'UPDATE_COMPLETE');
    expect(endpointCrl(h).revoked).toEqual({ [serial(h, 'bob')]: 'Privilege Withdrawn', [carolSerial]: 'Cessation Of Operation' });
    expect(h.fake.secretsManager.secret(carolSecret)?.state).toBe('deleted');
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob']], ['Endpoint']);

    // It stays revoked in later lists.
    await s.deploy({ clients: { alice: { revoked: true }, bob: { revoked: true } } }, 'UPDATE_COMPLETE');
    expect(Object.keys(endpointCrl(h).revoked).sort()).toEqual([serial(h, 'alice'), serial(h, 'bob'), carolSerial].sort());
    expectCrlFollowsTemplate(h, { alice: true, bob: true });
  });

  scenario('a client\'s common name changed: a new certificate in the same secret, the old serial revoked, the .ovpn rewritten', harness, async (s, h) => {
    await s.deploy({ clients: { alice: {}, bob: {} } }, 'CREATE_COMPLETE');
    const [oldSerial, secretArn, bobSerial] = [serial(h, 'alice'), h.physicalId('CaaliceSecret'), serial(h, 'bob')];

    await s.deploy({ clients: { alice: { commonName: 'Alice Smith' }, bob: {} } }, 'UPDATE_COMPLETE');
    expect(h.physicalId('CaaliceSecret')).toBe(secretArn);
    expect(serial(h, 'alice')).not.toBe(oldSerial);
    expect(serial(h, 'bob')).toBe(bobSerial);
    expect(endpointCrl(h).revoked).toEqual({ [oldSerial]: 'Cessation Of Operation' });
    expectClientSecrets(h, [['alice', 'Alice Smith'], ['bob', 'bob']], ['Endpoint']);
    expectCrlFollowsTemplate(h, { alice: false, bob: false });
  });

  scenario('a second endpoint trusting the same CA: both have the CRL, each secret a configuration for each', harness, async (s, h) => {
    const clients = { alice: {}, bob: { revoked: true } };
    await s.deploy({ clients }, 'CREATE_COMPLETE');
    await s.deploy({ clients, endpoints: { Endpoint: {}, Other: OTHER } }, 'UPDATE_COMPLETE');
    expect(endpointCrl(h, 'Other')).toEqual(endpointCrl(h, 'Endpoint'));
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob']], ['Endpoint', 'Other']);

    await s.deploy({ clients: { alice: { revoked: true }, bob: { revoked: true } }, endpoints: { Endpoint: {}, Other: OTHER } }, 'UPDATE_COMPLETE');
    for (const endpoint of ['Endpoint', 'Other']) {
      expect(Object.keys(endpointCrl(h, endpoint).revoked).sort()).toEqual([serial(h, 'alice'), serial(h, 'bob')].sort());
    }

    // The second endpoint removed: its configurations go from the secrets.
    const otherId = h.physicalId('Other');
    await s.deploy({ clients: { alice: { revoked: true }, bob: { revoked: true } } }, 'UPDATE_COMPLETE');
    expect(h.fake.ec2.endpoints.get(otherId)?.status).toBe('deleted');
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob']], ['Endpoint']);
    expectCrlFollowsTemplate(h, { alice: true, bob: true });
  });

  scenario('the endpoint replaced: the new one gets the CRL and the configurations, the old one\'s configurations go in the cleanup', harness, async (s, h) => {
    const app = (clientCidrBlock: string) => ({ clients: { alice: {}, bob: { revoked: true } }, endpoints: { Endpoint: { clientCidrBlock } } });
    await s.deploy(app('10.100.0.0/22'), 'CREATE_COMPLETE');
    const [oldId, oldCrl] = [h.physicalId('Endpoint'), endpointCrl(h)];

    const replaced = await s.deploy(app('10.200.0.0/22'), 'UPDATE_COMPLETE');
    expect(h.physicalId('Endpoint')).not.toBe(oldId);
    expect(endpointCrl(h)).toEqual(oldCrl);
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob']], ['Endpoint']);
    const trust = h.resource('EndpointCertificateAuthorityTrust');
    expect(replaced.customResources.map((record) => `${record.phase} ${record.event.RequestType} ${record.logicalId} ${record.event.PhysicalResourceId ?? ''}`))
      .toContain(`UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete ${trust.logicalId} cvpn-ca-trust:${oldId}`);
  });

  scenario('a renewal run: a due CRL is signed again with the same entries and imported into every trusting endpoint; a fresh one is left alone', harness, async (s, h) => {
    await s.deploy({ clients: { alice: {}, bob: { revoked: true }, carol: { revoked: true } }, endpoints: { Endpoint: {}, Other: OTHER } }, 'CREATE_COMPLETE');
    const before = endpointCrl(h);
    const imports = h.fake.callsOf(IMPORT_CRL).length;

    await s.renewal();
    expect(h.fake.callsOf(IMPORT_CRL)).toHaveLength(imports);
    expect(endpointCrl(h)).toEqual(before);

    await makeCrlDue(h, 20);
    const renewed = await s.renewal();
    expect(renewed.invocations).toHaveLength(1);
    expect(h.fake.callsOf(IMPORT_CRL)).toHaveLength(imports + 2);
    for (const endpoint of ['Endpoint', 'Other']) {
      const crl = endpointCrl(h, endpoint);
      expect({ number: crl.number, revoked: crl.revoked, days: Math.round((crl.nextUpdate.getTime() - Date.now()) / DAY_MS) })
        .toEqual({ number: before.number + 1, revoked: before.revoked, days: 180 });
      expect(h.fake.ec2.endpoints.get(h.physicalId(endpoint))?.crl).toBe(caSecret(h).revocationLists?.current.pem);
    }
    // The server certificate has most of its 395 days left: not re-imported.
    expect(h.fake.acm.certificate(h.physicalId('Ca'))?.imports).toBe(1);

    await s.renewal();
    expect(h.fake.callsOf(IMPORT_CRL)).toHaveLength(imports + 2);

    // A deploy after the renewal keeps the renewed list's entries.
    await s.deploy({ clients: { alice: {}, bob: { revoked: true }, carol: { revoked: true }, dave: {} }, endpoints: { Endpoint: {}, Other: OTHER } }, 'UPDATE_COMPLETE');
    expect(endpointCrl(h).revoked).toEqual(before.revoked);
    expectClientSecrets(h, [['alice', 'alice'], ['dave', 'dave']], ['Endpoint', 'Other']);
    expectCrlFollowsTemplate(h, { alice: false, bob: true, carol: true, dave: false }, ['Endpoint', 'Other']);
  });

  // The function retries nothing by itself: the next run finds the renewed CRL fresh, and imports it
  // wherever the endpoint's own list (ExportClientVpnClientCertificateRevocationList) is another.
  scenario('a renewal whose import into one endpoint fails: the next run leaves every endpoint with the renewed CRL', harness, async (s, h) => {
    await s.deploy({ clients: { alice: {}, bob: { revoked: true } }, endpoints: { Endpoint: {}, Other: OTHER } }, 'CREATE_COMPLETE');
    await makeCrlDue(h, 20);
    h.fake.faults.queue(IMPORT_CRL, ec2Error(400, 'InvalidParameterValue', 'The certificate revocation list is not valid.'));
    const failed = await h.runSchedule('CaRenewal');
    expect(failed.error).toContain('InvalidParameterValue');
    h.fake.faults.clear();
    await s.renewal();
    const current = caSecret(h).revocationLists!.current.pem;
    expect(['Endpoint', 'Other'].map((endpoint) => h.fake.ec2.endpoints.get(h.physicalId(endpoint))?.crl === current)).toEqual([true, true]);
  });

  scenario('the CA\'s common name changed: refused, rolled back, the CA unchanged', harness, async (s, h) => {
    await s.deploy({ ca: { commonName: 'Corp CA' }, clients: { alice: {} } }, 'CREATE_COMPLETE');
    const [ca, versions, aliceSecret] = [caSecret(h), h.fake.secretsManager.secret(h.physicalId('CaSecret'))!.versions, clientSecret(h, 'alice')];

    const refused = await s.deploy({ ca: { commonName: 'Other CA' }, clients: { alice: {} } }, 'UPDATE_ROLLBACK_COMPLETE');
    expect(refused.failures.join()).toContain('The CA\'s common name and validity cannot change');
    expect(caSecret(h)).toEqual(ca);
    expect(h.fake.secretsManager.secret(h.physicalId('CaSecret'))!.versions).toBe(versions);
    expect(new X509Certificate(caSecret(h).certificate).subject).toBe('CN=Corp CA');
    expect(clientSecret(h, 'alice')).toEqual(aliceSecret);
    expect(h.fake.acm.certificate(h.physicalId('Ca'))?.imports).toBe(1);
  });

  scenario('the stack deleted: the ACM certificate goes after the endpoint, the secrets go (the default removal policy)', harness, async (s, h) => {
    await s.deploy({ clients: { alice: {}, bob: { revoked: true } } }, 'CREATE_COMPLETE');
    const [arn, secrets] = [h.physicalId('Ca'), ['CaSecret', 'CaaliceSecret', 'CabobSecret'].map((id) => h.physicalId(id))];
    const deleted = await s.destroy();
    expect(h.fake.acm.certificate(arn)?.deleted).toBe(true);
    expect(secrets.map((arnOfSecret) => h.fake.secretsManager.secret(arnOfSecret)?.state)).toEqual(['deleted', 'deleted', 'deleted']);
    const completed = deleted.events.filter((event) => event.status === 'DELETE_COMPLETE').map((event) => event.logicalId);
    expect(completed.findIndex((id) => id.startsWith('Endpoint') && !id.includes('Trust') && id.length === 'Endpoint'.length + 8))
      .toBeLessThan(completed.findIndex((id) => /^Ca[0-9A-F]{8}$/.test(id)));
  });

  scenario('the stack deleted with RemovalPolicy.RETAIN: the CA\'s secret stays, the clients\' go', harness, async (s, h) => {
    await s.deploy({ ca: { removalPolicy: RemovalPolicy.RETAIN }, clients: { alice: {} } }, 'CREATE_COMPLETE');
    const [ca, caArn, aliceArn, arn] = [caSecret(h), h.physicalId('CaSecret'), h.physicalId('CaaliceSecret'), h.physicalId('Ca')];
    await s.destroy();
    expect(h.fake.secretsManager.secret(caArn)?.state).toBe('active');
    expect(JSON.parse(h.fake.secretsManager.secret(caArn)!.value!)).toEqual(ca);
    expect(h.fake.secretsManager.secret(aliceArn)?.state).toBe('deleted');
    expect(h.fake.acm.certificate(arn)?.deleted).toBe(true);
  });
});

/**
 * Rewrites the CA's secret as a scheduled renewal finds it weeks later: the current CRL re-signed
 * with the same entries, number and key, but `daysLeft` days before its nextUpdate.
 */
async function makeCrlDue(h: Harness, daysLeft: number): Promise<void> {
  const arn = h.physicalId('CaSecret');
  const ca = caSecret(h);
  const current = ca.revocationLists!.current;
  const signer = await loadAuthority(ca.certificate, ca.privateKey);
  const pem = await signRevocationList(signer, readRevocationList(current.pem).entries, current.number,
    new Date(Date.now() - 160 * DAY_MS), new Date(Date.now() + daysLeft * DAY_MS));
  const aged: CaSecretJson = { ...ca, revocationLists: { current: { number: current.number, pem }, previous: ca.revocationLists!.previous } };
  h.fake.secretsManager.addVersion(h.fake.secretsManager.stored(arn)!, randomUUID(), JSON.stringify(aged));
  for (const endpoint of h.fake.ec2.endpoints.values()) {
    if (endpoint.crl === current.pem) {
      endpoint.crl = pem;
    }
  }
}

describe.each(['reverse', 'forward'] as const)('a failed update rolls back to the old CRL and secrets (rollback updates in %s order)', (rollbackOrder) => {
  const harness = useHarness({ rollbackOrder });

  /** What the old template says, as the fakes hold it: compared after the rollback. */
  function state(h: Harness, clients: string[]) {
    const crl = endpointCrl(h);
    return {
      revoked: Object.fromEntries(clients.map((id) => [id, serial(h, id) in crl.revoked])),
      secrets: Object.fromEntries(clients.map((id) => {
        const secret = clientSecret(h, id);
        return [id, { subject: new X509Certificate(secret.certificate).subject, endpoints: Object.keys(secret.configurations) }];
      })),
    };
  }

  const before = { alice: {}, bob: { revoked: true }, carol: {} };

  scenario('a client revoked while another resource fails after the trust was updated', harness, async (s, h) => {
    await s.deploy({ clients: before }, 'CREATE_COMPLETE');
    const old = state(h, ['alice', 'bob', 'carol']);
    const failing = s.app({
      clients: { ...before, carol: { revoked: true } },
      extra: (place) => new ssm.StringParameter(place.stack, 'Marker', { stringValue: 'after the trust' }).node.addDependency(place.stack.node.findChild('Endpoint')),
    });
    const failed = await s.deploy(failing, 'UPDATE_ROLLBACK_COMPLETE', { fail: [logicalIdIn(failing, 'Marker')] });
    expect(failed.customResources.some((record) => record.phase === 'UPDATE_IN_PROGRESS' && record.logicalId.startsWith('EndpointCertificateAuthorityTrust'))).toBe(true);
    expect(state(h, ['alice', 'bob', 'carol'])).toEqual(old);
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob'], ['carol', 'carol']], ['Endpoint']);
    expectCrlFollowsTemplate(h, { alice: false, bob: true, carol: false });
  });

  scenario('a client revoked while the CRL import into the endpoint fails', harness, async (s, h) => {
    await s.deploy({ clients: before }, 'CREATE_COMPLETE');
    const old = state(h, ['alice', 'bob', 'carol']);
    h.fake.faults.queue(IMPORT_CRL, ec2Error(400, 'InvalidParameterValue', 'The certificate revocation list is not valid.'));
    await s.deploy({ clients: { ...before, carol: { revoked: true } } }, 'UPDATE_ROLLBACK_COMPLETE');
    expect(h.fake.faults.pending()).toEqual([]);
    expect(state(h, ['alice', 'bob', 'carol'])).toEqual(old);
    expectCrlFollowsTemplate(h, { alice: false, bob: true, carol: false });
  });

  // In reverse order the trust rolls back before the client and the revocation list: the client's
  // rollback re-issue carries its configurations over, and the CRL revoking the failed update's
  // certificate reaches the endpoint with the next renewal run.
  scenario('a client renamed and another revoked while the trust\'s import of the new CRL fails', harness, async (s, h) => {
    await s.deploy({ clients: before }, 'CREATE_COMPLETE');
    const old = state(h, ['alice', 'bob', 'carol']);
    const issuedBefore = serial(h, 'alice');
    // The re-issue wrote alice's new certificate, and its .ovpn, before the trust runs.
    h.fake.faults.queue(IMPORT_CRL, ec2Error(400, 'InvalidParameterValue', 'The certificate revocation list is not valid.'));
    await s.deploy({ clients: { alice: { commonName: 'Alice Smith' }, bob: { revoked: true }, carol: { revoked: true } } }, 'UPDATE_ROLLBACK_COMPLETE');
    expect(h.fake.faults.pending()).toEqual([]);
    expect(state(h, ['alice', 'bob', 'carol'])).toEqual(old);
    expectClientSecrets(h, [['alice', 'alice'], ['bob', 'bob'], ['carol', 'carol']], ['Endpoint']);
    // The certificate issued in the failed update (its key was in the secret) is superseded: revoked.
    // (The one before it stays valid: the old template names it, until the next deploy revokes it.)
    const aliceVersions = h.fake.secretsManager.stored(h.physicalId('CaaliceSecret'))!.versions
      .map((secretVersion) => versionJson(secretVersion.value));
    const inFailedUpdate = aliceVersions.map((value) => value.certificate && serialOf(value.certificate))
      .filter((issued) => issued && issued !== issuedBefore && issued !== serial(h, 'alice'));
    expect(inFailedUpdate).toHaveLength(1);
    // The list in force revokes it, in either order.
    expect(readRevocationList(caSecret(h).revocationLists!.current.pem).entries.map((entry) => entry.serialNumber))
      .toEqual(expect.arrayContaining(inFailedUpdate));
    if (rollbackOrder === 'reverse') {
      expect(Object.keys(endpointCrl(h).revoked)).not.toEqual(expect.arrayContaining(inFailedUpdate));
      await s.renewal();
    }
    expect(Object.keys(endpointCrl(h).revoked)).toEqual(expect.arrayContaining(inFailedUpdate));
  });

  scenario('after a renewal, a client un-revoked while another resource fails: the rollback keeps it revoked', harness, async (s, h) => {
    await s.deploy({ clients: before }, 'CREATE_COMPLETE');
    await makeCrlDue(h, 20);
    await s.renewal();
    const old = state(h, ['alice', 'bob', 'carol']);
    const failing = s.app({
      clients: { ...before, bob: {} },
      extra: (place) => new ssm.StringParameter(place.stack, 'Marker', { stringValue: 'after the trust' }).node.addDependency(place.stack.node.findChild('Endpoint')),
    });
    await s.deploy(failing, 'UPDATE_ROLLBACK_COMPLETE', { fail: [logicalIdIn(failing, 'Marker')] });
    expect(state(h, ['alice', 'bob', 'carol'])).toEqual(old);
    expectCrlFollowsTemplate(h, { alice: false, bob: true, carol: false });
  });
});

describe('the key-material scan', () => {
  const harness = useHarness();

  test('reports a key planted in a log line, a response and an output, in any of the forms a leak takes; not a certificate', async () => {
    const h = harness();
    const s = new Scenario(h);
    await s.deploy({ clients: { alice: {} } }, 'CREATE_COMPLETE');
    expect(s.findings()).toEqual([]);

    const key = clientSecret(h, 'alice').privateKey!;
    const body = key.split('\n').slice(1, -2);
    const [record] = h.cfn.protocol.records.filter((candidate) => candidate.invocations.length > 0);
    const logs = record.invocations[0].logs;
    const plant = (line: string) => {
      logs.push(line);
      const findings = s.findings();
      logs.pop();
      return findings;
    };
    expect(plant(`debug ${key}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^log line \d+ of .*: `PRIVATE KEY`$/),
      expect.stringMatching(/^log line \d+ of .*: a run of the private key held in secret CaaliceSecret.* \(DER in base64\)$/),
    ]));
    // One line of the PEM body, without armour; the DER as a Buffer dump; the private exponent as JWK.
    expect(plant(`line ${body[10]}`)).toEqual(expect.arrayContaining([expect.stringContaining('(DER in base64)')]));
    const der = createPrivateKey(key).export({ type: 'pkcs8', format: 'der' });
    expect(plant(`<Buffer ${der.subarray(600, 700).toString('hex').match(/../g)!.join(' ')}>`)).toEqual(expect.arrayContaining([expect.stringContaining('(DER in hex)')]));
    const jwk = createPrivateKey(key).export({ format: 'jwk' });
    expect(plant(JSON.stringify({ d: jwk.d }))).toEqual(expect.arrayContaining([expect.stringContaining('private component in base64url')]));
    expect(plant(JSON.stringify({ PrivateKey: Buffer.from(key).toString('base64') }))).toEqual(expect.arrayContaining([expect.stringContaining('PEM text in base64')]));
    // JSON-escaped inside a custom resource response.
    const response = h.fake.responses[0];
    (response as { body?: unknown }).body = { ...response.body!, Data: { Leak: JSON.stringify(JSON.stringify(key)) } };
    expect(s.findings()).toEqual(expect.arrayContaining([expect.stringMatching(/^response PUT for .*: a run of the private key/)]));
    (response as { body?: unknown }).body = { ...response.body!, Data: {} };
    // The certificate and the public key (which share the modulus with the key) are not key material.
    const certificate = clientSecret(h, 'alice').certificate;
    expect(plant(certificate)).toEqual([]);
    expect(plant(Buffer.from(new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' })).toString('base64'))).toEqual([]);
    // A stack output that resolves to a key.
    const leaking = s.app({ clients: { alice: {} }, extra: (place) => new CfnOutput(place.stack, 'Leak', { value: body.join('') }) });
    await s.deploy(leaking, 'UPDATE_COMPLETE');
    expect(s.findings()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^stack output Leak .*: a run of the private key/),
      expect.stringMatching(/^cloud assembly .*ClientVpnLifecycle\.template\.json: a run of the private key/),
    ]));
  });
});

