import { execFileSync } from 'child_process';
import { createPublicKey, X509Certificate } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ACMClient, DeleteCertificateCommand, DescribeCertificateCommand, ImportCertificateCommand } from '@aws-sdk/client-acm';
import {
  EC2Client,
  ExportClientVpnClientCertificateRevocationListCommand,
  ExportClientVpnClientConfigurationCommand,
  ImportClientVpnClientCertificateRevocationListCommand,
} from '@aws-sdk/client-ec2';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ENDPOINT_ID, OTHER_ENDPOINT_ID, STACK_ID } from './handler-fixtures';
import { ResponseRecorder } from './response-recorder';
import { handler } from '../../src/custom-resource/certificate-authority.lambda';
import { withClientCredentials } from '../../src/custom-resource/client-configuration';
import {
  createAuthority,
  IssuedCertificate,
  issueClientCertificate,
  loadAuthority,
  readRevocationList,
  RevokedSerial,
  signRevocationList,
  SigningAuthority,
} from '../../src/custom-resource/pki';

// ---------------------------------------------------------------------------------------------
// A virtual clock: the handler's waits (15 s between in-use Deletes, the retry backoff) pass at
// once, and Date.now moves on by as much, so deadlines are checked as they would be.

const mockClock = { offset: 0, sleeps: [] as number[] };
jest.mock('timers/promises', () => ({
  ...jest.requireActual('timers/promises'),
  setTimeout: async (ms: number, value?: unknown) => {
    // Whole milliseconds, as Date.now has them.
    mockClock.offset += Math.ceil(ms);
    mockClock.sleeps.push(ms);
    return value;
  },
}));
const realNow = Date.now.bind(Date);

const acmMock = mockClient(ACMClient);
const ec2Mock = mockClient(EC2Client);
const secretsMock = mockClient(SecretsManagerClient);

const DAY_MS = 24 * 60 * 60 * 1000;
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:certificate-authority';
const CA_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cvpn/ca-AbCdEf';
const ALICE_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cvpn/alice-GhIjKl';
const BOB_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cvpn/bob-MnOpQr';
const CAROL_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cvpn/carol-StUvWx';
const CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CA_NAME = 'Shared Test CA';
const DOMAIN = 'vpn.example.com';
const AUTHORITY_TAG = 'Test/Authority';
const TAG_KEY = 'cdk-client-vpn:certificate-authority';
const LOGICAL_ID = 'Authority1A2B3C4D';
const FAILED_CREATE_ID = 'cvpn-ca-failed-request-0001';
/** What CloudFormation's AWS::SecretsManager::Secret puts in a new secret: a generated string, no JSON. */
const GENERATED = 'q8Zr!generated-secret-string';
const CONFIGURATION = 'client\ndev tun\nproto udp\nremote cvpn.example 443\n<ca>\nCONFIGURATION-CA-BODY\n</ca>\n\n';
const OTHER_CONFIGURATION = 'client\ndev tun\nproto tcp\nremote cvpn.example 1194\n<ca>\nCONFIGURATION-CA-BODY\n</ca>\n';

const AUTHORITY = 'Custom::ClientVpnCertificateAuthority';
const CLIENT = 'Custom::ClientVpnClientCertificate';
const REVOCATION_LIST = 'Custom::ClientVpnRevocationList';
const TRUST = 'Custom::ClientVpnCertificateAuthorityTrust';

// ---------------------------------------------------------------------------------------------
// The response server: CloudFormation's pre-signed URL, recording every PUT.

const recorder = new ResponseRecorder();
/** Every response body of the test, for the checks that no key material was ever sent. */
let responses: string[] = [];

// ---------------------------------------------------------------------------------------------
// One CA and two client certificates for the file (keygens take a while); each test writes them
// into its own in-memory secrets, so none sees another's state.

let ca: IssuedCertificate & { privateKey: string };
let signer: SigningAuthority;
let alice: IssuedCertificate;
let bob: IssuedCertificate;
/** An RSA-2048 request made by openssl, whose key stays with its owner, and that key's public half. */
let csr: string;
let csrPublicKey: string;
/** An empty CRL another CA signed. */
let otherAuthorityList: string;

beforeAll(async () => {
  await recorder.start();
  ca = await createAuthority(CA_NAME, new Date(Date.now() + 3650 * DAY_MS));
  signer = await loadAuthority(ca.certificate, ca.privateKey);
  alice = await issueClientCertificate(signer, 'alice', new Date(Date.now() + 365 * DAY_MS));
  bob = await issueClientCertificate(signer, 'bob', new Date(Date.now() + 365 * DAY_MS));
  const other = await createAuthority(CA_NAME, new Date(Date.now() + 365 * DAY_MS));
  otherAuthorityList = await signRevocationList(await loadAuthority(other.certificate, other.privateKey), [], 5,
    new Date(Date.now() - 5 * 60 * 1000), new Date(Date.now() + 30 * DAY_MS));
  const dir = mkdtempSync(join(tmpdir(), 'cvpn-ca-'));
  try {
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'csr.pem'),
      '-subj', '/CN=carol'], { stdio: 'ignore' });
    csr = readFileSync(join(dir, 'csr.pem'), 'utf8');
    csrPublicKey = execFileSync('openssl', ['req', '-in', join(dir, 'csr.pem'), '-noout', '-pubkey'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
afterAll(() => recorder.stop());

// ---------------------------------------------------------------------------------------------
// Secrets Manager, in memory: GetSecretValue answers what PutSecretValue stored, and a secret that
// is not there, or is scheduled for deletion, fails as AWS fails it.

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

interface Fault {
  readonly operation: 'GetSecretValue' | 'PutSecretValue';
  readonly secretId: string;
  readonly error: Error;
  times: number;
}

const secrets = {
  values: new Map<string, string>(),
  deleted: new Set<string>(),
  faults: [] as Fault[],
};

function secretCall(operation: Fault['operation'], secretId: string): void {
  const fault = secrets.faults.find((f) => f.operation === operation && f.secretId === secretId && f.times > 0);
  if (fault) {
    fault.times--;
    throw fault.error;
  }
  if (secrets.deleted.has(secretId)) {
    throw awsError('InvalidRequestException',
      'You can\'t perform this operation on the secret because it was marked for deletion.');
  }
  if (!secrets.values.has(secretId)) {
    throw awsError('ResourceNotFoundException', 'Secrets Manager can\'t find the specified secret.');
  }
}

/** The next `times` calls of `operation` on the secret fail with `error`. */
function failSecret(operation: Fault['operation'], secretId: string, error: Error, times = Infinity): void {
  secrets.faults.push({ operation, secretId, error, times });
}

function seed(secretId: string, value: object | string = GENERATED): void {
  secrets.values.set(secretId, typeof value === 'string' ? value : JSON.stringify(value));
}

function stored(secretId: string): any {
  return JSON.parse(secrets.values.get(secretId)!);
}

interface SignedList {
  readonly number: number;
  readonly pem: string;
  readonly renews?: readonly number[];
}

function seedAuthority(revocationLists?: { current: SignedList; previous?: SignedList }): void {
  seed(CA_SECRET, { certificate: ca.certificate, privateKey: ca.privateKey, validityDays: 3650, revocationLists });
}

function seedClient(secretId: string, issued: IssuedCertificate, configurations: { [endpointId: string]: string } = {}): void {
  seed(secretId, { certificate: issued.certificate, privateKey: issued.privateKey, caCertificate: ca.certificate, configurations });
}

/** from, from - 1, ..., to. */
function range(from: number, to: number): number[] {
  return Array.from({ length: from - to + 1 }, (_, i) => from - i);
}

/** A CRL the shared CA signed, `validDays` from now. */
async function crl(number: number, revoked: RevokedSerial[], validDays = 30): Promise<SignedList> {
  const now = Date.now();
  return { number, pem: await signRevocationList(signer, revoked, number, new Date(now - 5 * 60 * 1000), new Date(now + validDays * DAY_MS)) };
}

// ---------------------------------------------------------------------------------------------
// ACM and EC2: strict, anything not set up explicitly fails.

function importsCertificate(): void {
  acmMock.on(ImportCertificateCommand).callsFake(async (input) => ({ CertificateArn: input.CertificateArn ?? CERT_ARN }));
}

/** DescribeCertificate answers the server certificate as ending `days` from now. */
function describesServer(days: number | undefined): void {
  acmMock.on(DescribeCertificateCommand, { CertificateArn: CERT_ARN }).resolves({
    Certificate: { CertificateArn: CERT_ARN, NotAfter: days === undefined ? undefined : new Date(Date.now() + days * DAY_MS) },
  });
}

/** The CRL each endpoint holds, as ExportClientVpnClientCertificateRevocationList answers it: what was last imported into it. */
const endpointLists = new Map<string, string>();

/** Imports succeed, and the endpoint holds the list from then on; except into the endpoints `failing` names. */
function importsRevocationList(failing: { [endpointId: string]: Error } = {}): void {
  ec2Mock.on(ImportClientVpnClientCertificateRevocationListCommand).callsFake(async (input) => {
    if (failing[input.ClientVpnEndpointId]) {
      throw failing[input.ClientVpnEndpointId];
    }
    endpointLists.set(input.ClientVpnEndpointId, input.CertificateRevocationList);
    return { Return: true };
  });
}

/** The endpoints answer the CRL they hold; one with none answers no CertificateRevocationList, as EC2 does. */
function exportsRevocationLists(failing: { [endpointId: string]: Error } = {}): void {
  ec2Mock.on(ExportClientVpnClientCertificateRevocationListCommand).callsFake(async (input) => {
    if (failing[input.ClientVpnEndpointId]) {
      throw failing[input.ClientVpnEndpointId];
    }
    const pem = endpointLists.get(input.ClientVpnEndpointId);
    return pem === undefined ? { Status: { Code: 'pending' } } : { CertificateRevocationList: pem, Status: { Code: 'active' } };
  });
}

/** The same PEM, its base64 body wrapped at another line length: the same CRL, another text. */
function rewrapped(pem: string, lineLength = 76): string {
  const [, label, body] = /^-----BEGIN ([^-]+)-----\n([\s\S]*?)-----END \1-----\n?$/.exec(pem)!;
  const flat = body.replace(/\s+/g, '');
  const lines = flat.match(new RegExp(`.{1,${lineLength}}`, 'g'))!;
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function exportsConfiguration(configuration = CONFIGURATION, endpointId = ENDPOINT_ID): void {
  ec2Mock.on(ExportClientVpnClientConfigurationCommand, { ClientVpnEndpointId: endpointId }).resolves({ ClientConfiguration: configuration });
}

type Mock = typeof acmMock;
type Call = ReturnType<Mock['calls']>[number];

function commandName(call: Call): string {
  return call.args[0].constructor.name.replace(/Command$/, '');
}

function allCalls(): Call[] {
  // Sinon numbers every call across stubs, which gives the order between the clients.
  const order = (call: Call) => (call as unknown as { callId: number }).callId;
  return [acmMock, ec2Mock, secretsMock].flatMap((mock) => (mock as unknown as Mock).calls()).sort((a, b) => order(a) - order(b));
}

/** The API calls made, by operation name, in order. */
function sent(): string[] {
  return allCalls().map(commandName);
}

function inputs(operation: string): any[] {
  return allCalls().filter((call) => commandName(call) === operation).map((call) => call.args[0].input);
}

/** The values written by PutSecretValue, in order, parsed. */
function written(): Array<{ secretId: string; value: any }> {
  return inputs('PutSecretValue').map((input) => ({ secretId: input.SecretId, value: JSON.parse(input.SecretString) }));
}

// ---------------------------------------------------------------------------------------------
// Events, context and invocation.

type Props = { [key: string]: string };

function authorityProps(overrides: Props = {}): Props {
  return {
    ServiceToken: SERVICE_TOKEN,
    CaSecretArn: CA_SECRET,
    CommonName: CA_NAME,
    ServerDomainName: DOMAIN,
    ValidityDays: '3650',
    ServerCertificateValidityDays: '825',
    AuthorityTag: AUTHORITY_TAG,
    ...overrides,
  };
}

function clientProps(overrides: Props = {}): Props {
  return {
    ServiceToken: SERVICE_TOKEN,
    CaSecretArn: CA_SECRET,
    ClientSecretArn: ALICE_SECRET,
    CommonName: 'alice',
    ValidityDays: '365',
    Authority: CERT_ARN,
    ...overrides,
  };
}

function entries(...list: Array<[IssuedCertificate | string, boolean]>): string {
  return JSON.stringify(list.map(([issued, revoked]) => ({ serialNumber: typeof issued === 'string' ? issued : issued.serialNumber, revoked })));
}

function listProps(clients: string, overrides: Props = {}): Props {
  return { ServiceToken: SERVICE_TOKEN, CaSecretArn: CA_SECRET, ValidityDays: '30', Clients: clients, ...overrides };
}

function trusted(...list: Array<[string, IssuedCertificate]>): string {
  return JSON.stringify(list.map(([secretArn, issued]) => ({ secretArn, serialNumber: issued.serialNumber })));
}

function trustProps(number: string, clients: string, overrides: Props = {}): Props {
  return {
    ServiceToken: SERVICE_TOKEN,
    CaSecretArn: CA_SECRET,
    ClientVpnEndpointId: ENDPOINT_ID,
    RevocationListNumber: number,
    ConfigurationInputs: '{"port":443}',
    Clients: clients,
    ...overrides,
  };
}

function baseEvent(resourceType: string) {
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: recorder.url,
    StackId: STACK_ID,
    RequestId: 'request-0001',
    LogicalResourceId: LOGICAL_ID,
    ResourceType: resourceType,
  };
}

function createEvent(resourceType: string, resourceProperties: unknown): CloudFormationCustomResourceEvent {
  return { ...baseEvent(resourceType), RequestType: 'Create', ResourceProperties: resourceProperties } as CloudFormationCustomResourceEvent;
}

function updateEvent(resourceType: string, physicalId: string, resourceProperties: unknown, old: unknown): CloudFormationCustomResourceEvent {
  return {
    ...baseEvent(resourceType),
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
    OldResourceProperties: old,
  } as CloudFormationCustomResourceEvent;
}

function deleteEvent(resourceType: string, physicalId: string, resourceProperties: unknown): CloudFormationCustomResourceEvent {
  return {
    ...baseEvent(resourceType),
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: resourceProperties,
  } as CloudFormationCustomResourceEvent;
}

function context(remainingMillis = 60_000): Context {
  const started = Date.now();
  return {
    getRemainingTimeInMillis: () => remainingMillis - (Date.now() - started),
    logStreamName: 'test-stream',
  } as unknown as Context;
}

interface Response {
  readonly Status: string;
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: { [key: string]: string };
}

async function invoke(event: CloudFormationCustomResourceEvent, ctx: Context = context()): Promise<Response> {
  recorder.requests = [];
  await handler(event, ctx);
  const requests = recorder.requests;
  expect(requests).toHaveLength(1);
  expect(requests[0].method).toBe('PUT');
  expect(requests[0].url).toBe('/response');
  responses.push(requests[0].body);
  return JSON.parse(requests[0].body);
}

function renewal(overrides: { [key: string]: unknown } = {}) {
  return {
    Renewal: {
      CaSecretArn: CA_SECRET,
      CertificateArn: CERT_ARN,
      ServerDomainName: DOMAIN,
      ServerCertificateValidityDays: '825',
      RevocationListValidityDays: '30',
      ClientVpnEndpointIds: [ENDPOINT_ID, OTHER_ENDPOINT_ID],
      ...overrides,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Checks on what was issued.

function certificateOf(pem: string | Uint8Array): X509Certificate {
  return new X509Certificate(typeof pem === 'string' ? pem : Buffer.from(pem));
}

function publicKeyOf(privateKeyPem: string): Buffer {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
}

function certifiedKey(certificate: X509Certificate): Buffer {
  return certificate.publicKey.export({ type: 'spki', format: 'der' });
}

function expectIssuedBy(certificate: X509Certificate, issuerPem: string): void {
  const issuer = certificateOf(issuerPem);
  expect(certificate.checkIssued(issuer)).toBe(true);
  expect(certificate.verify(issuer.publicKey)).toBe(true);
}

/** The `.ovpn` the handler writes: the exported configuration, then the client's certificate and key inline. */
function ovpn(configuration: string, certificate: string, privateKey?: string): string {
  return `${configuration.trimEnd()}\n<cert>\n${certificate.trim()}\n</cert>\n`
    + (privateKey ? `<key>\n${privateKey.trim()}\n</key>\n` : '');
}

// ---------------------------------------------------------------------------------------------

let logSpy: jest.SpyInstance;
let errorSpy: jest.SpyInstance;

function logged(): string {
  return [...logSpy.mock.calls, ...errorSpy.mock.calls].map((args) => args.map(String).join(' ')).join('\n');
}

beforeEach(() => {
  mockClock.offset = 0;
  mockClock.sleeps = [];
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + mockClock.offset);
  secrets.values.clear();
  secrets.deleted.clear();
  secrets.faults = [];
  endpointLists.clear();
  responses = [];
  recorder.requests = [];
  acmMock.reset();
  acmMock.onAnyCommand().rejects(new Error('unexpected call'));
  ec2Mock.reset();
  ec2Mock.onAnyCommand().rejects(new Error('unexpected call'));
  secretsMock.reset();
  secretsMock.onAnyCommand().rejects(new Error('unexpected call'));
  secretsMock.on(GetSecretValueCommand).callsFake(async (input) => {
    secretCall('GetSecretValue', input.SecretId);
    return { ARN: input.SecretId, SecretString: secrets.values.get(input.SecretId), VersionId: 'version' };
  });
  secretsMock.on(PutSecretValueCommand).callsFake(async (input) => {
    secretCall('PutSecretValue', input.SecretId);
    secrets.values.set(input.SecretId, input.SecretString);
    return { ARN: input.SecretId, VersionId: 'version' };
  });
  logSpy = jest.spyOn(console, 'log').mockImplementation();
  errorSpy = jest.spyOn(console, 'error').mockImplementation();
});

afterEach(() => {
  const text = logged();
  // No key ever reaches the logs or CloudFormation.
  expect(text).not.toContain('PRIVATE KEY');
  expect(text).not.toContain(ca.privateKey.split('\n')[1]);
  for (const body of responses) {
    expect(body).not.toContain('PRIVATE KEY');
  }
  // No call may be left out of the strict setup: 'unexpected call' is only ever swallowed by a trust's Delete.
  expect(text).not.toContain('unexpected call');
  logSpy.mockRestore();
  errorSpy.mockRestore();
  jest.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------

describe('the authority', () => {
  test('Create writes the CA to its secret and imports the server certificate, chained to the CA and tagged', async () => {
    seed(CA_SECRET);
    importsCertificate();

    const response = await invoke(createEvent(AUTHORITY, authorityProps()));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: CERT_ARN,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { CertificateArn: CERT_ARN },
    });
    // The CA's key is kept before anything is made with it.
    expect(sent()).toEqual(['PutSecretValue', 'ImportCertificate']);
    const [{ secretId, value: secret }] = written();
    expect(secretId).toBe(CA_SECRET);
    expect(Object.keys(secret).sort()).toEqual(['certificate', 'privateKey', 'validityDays']);
    expect(secret.validityDays).toBe(3650);
    const caCertificate = certificateOf(secret.certificate);
    expect(caCertificate.subject).toBe(`CN=${CA_NAME}`);
    expect(caCertificate.ca).toBe(true);
    expectIssuedBy(caCertificate, secret.certificate);
    expect(publicKeyOf(secret.privateKey)).toEqual(certifiedKey(caCertificate));
    const days = (new Date(caCertificate.validTo).getTime() - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(3649.9);
    expect(days).toBeLessThan(3650.1);

    const [imported] = inputs('ImportCertificate');
    expect(Object.keys(imported).sort()).toEqual(['Certificate', 'CertificateArn', 'CertificateChain', 'PrivateKey', 'Tags']);
    expect(imported.CertificateArn).toBeUndefined();
    expect(imported.Tags).toEqual([{ Key: TAG_KEY, Value: AUTHORITY_TAG }]);
    expect(certificateOf(imported.CertificateChain).raw).toEqual(caCertificate.raw);
    const server = certificateOf(imported.Certificate);
    expect(server.subject).toBe(`CN=${DOMAIN}`);
    expect(server.subjectAltName).toBe(`DNS:${DOMAIN}`);
    expect(server.ca).toBe(false);
    expectIssuedBy(server, secret.certificate);
    expect(publicKeyOf(Buffer.from(imported.PrivateKey).toString())).toEqual(certifiedKey(server));
    expect(publicKeyOf(Buffer.from(imported.PrivateKey).toString())).not.toEqual(certifiedKey(caCertificate));
    const serverDays = (new Date(server.validTo).getTime() - Date.now()) / DAY_MS;
    expect(Math.round(serverDays)).toBe(825);
  });

  test('a Create that fails gets a cvpn-ca-failed- id, whose Delete removes nothing', async () => {
    // The secret is not there: PutSecretValue fails as AWS fails it.
    const created = await invoke(createEvent(AUTHORITY, authorityProps()));

    expect(created).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: FAILED_CREATE_ID,
      Reason: 'PutSecretValue failed: ResourceNotFoundException: Secrets Manager can\'t find the specified secret. (HTTP 400) (log stream test-stream)',
    });
    expect(sent()).toEqual(['PutSecretValue']);

    acmMock.resetHistory();
    secretsMock.resetHistory();
    const deleted = await invoke(deleteEvent(AUTHORITY, FAILED_CREATE_ID, authorityProps()));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FAILED_CREATE_ID });
    expect(sent()).toEqual([]);
  });

  test('a Create with a missing or malformed property fails naming it, and writes nothing', async () => {
    seed(CA_SECRET);

    const missing = await invoke(createEvent(AUTHORITY, authorityProps({ ServerDomainName: '' })));
    const malformed = await invoke(createEvent(AUTHORITY, authorityProps({ ValidityDays: '10.5' })));

    expect(missing).toMatchObject({ Status: 'FAILED', Reason: 'Missing properties: ServerDomainName (log stream test-stream)' });
    expect(malformed).toMatchObject({ Status: 'FAILED', Reason: "ValidityDays must be a whole number of days, got '10.5' (log stream test-stream)" });
    expect(sent()).toEqual([]);
  });

  test.each<[string, Props]>([
    ['CommonName', { CommonName: 'Another CA' }],
    ['ValidityDays', { ValidityDays: '365' }],
  ])('an Update changing %s fails with a clear reason, and its rollback succeeds writing nothing', async (_name, change) => {
    seedAuthority();
    describesServer(300);
    const before = secrets.values.get(CA_SECRET);

    const refused = await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps(change), authorityProps()));

    expect(refused).toEqual({
      Status: 'FAILED',
      PhysicalResourceId: CERT_ARN,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Reason: `The CA's common name and validity cannot change (it is '${CA_NAME}', 3650 days): every client certificate is signed by it. `
        + 'Create a new ClientVpnCertificateAuthority instead (log stream test-stream)',
    });
    expect(sent()).toEqual(['GetSecretValue']);

    // CloudFormation rolls back: the old properties are the new ones, and the CA is as it was.
    const rollback = await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps(), authorityProps(change)));

    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CERT_ARN, Data: { CertificateArn: CERT_ARN } });
    expect(sent()).toEqual(['GetSecretValue', 'GetSecretValue', 'DescribeCertificate']);
    expect(secrets.values.get(CA_SECRET)).toBe(before);
  });

  test.each<[string, Props, string, number]>([
    ['ServerDomainName', { ServerDomainName: 'vpn2.example.com' }, 'vpn2.example.com', 825],
    ['ServerCertificateValidityDays', { ServerCertificateValidityDays: '90' }, DOMAIN, 90],
  ])('an Update changing %s re-imports to the same CertificateArn, with no Tags', async (_name, change, domain, days) => {
    seedAuthority();
    importsCertificate();

    const response = await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps(change), authorityProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CERT_ARN, Data: { CertificateArn: CERT_ARN } });
    expect(sent()).toEqual(['GetSecretValue', 'ImportCertificate']);
    const [imported] = inputs('ImportCertificate');
    expect(imported.CertificateArn).toBe(CERT_ARN);
    expect(imported.Tags).toBeUndefined();
    expect(Buffer.from(imported.CertificateChain).toString()).toBe(ca.certificate);
    const server = certificateOf(imported.Certificate);
    expect(server.subject).toBe(`CN=${domain}`);
    expect(server.subjectAltName).toBe(`DNS:${domain}`);
    expectIssuedBy(server, ca.certificate);
    expect(publicKeyOf(Buffer.from(imported.PrivateKey).toString())).toEqual(certifiedKey(server));
    expect(Math.round((new Date(server.validTo).getTime() - Date.now()) / DAY_MS)).toBe(days);
    // The CA is not written again.
    expect(written()).toEqual([]);
  });

  test.each<[string, number | undefined, boolean]>([
    ['expires in 29 days', 29, true],
    ['has no NotAfter', undefined, true],
    ['expires in 31 days', 31, false],
  ])('an unchanged Update re-imports a server certificate that %s: %s', async (_name, days, reimports) => {
    seedAuthority();
    describesServer(days);
    importsCertificate();

    const response = await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps(), authorityProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CERT_ARN, Data: { CertificateArn: CERT_ARN } });
    expect(inputs('DescribeCertificate')).toEqual([{ CertificateArn: CERT_ARN }]);
    expect(sent()).toEqual(['GetSecretValue', 'DescribeCertificate', ...reimports ? ['ImportCertificate'] : []]);
    if (reimports) {
      expect(inputs('ImportCertificate')).toEqual([expect.objectContaining({ CertificateArn: CERT_ARN, Tags: undefined })]);
    }
    expect(written()).toEqual([]);
  });

  test('an Update fails when the CA secret holds no CA', async () => {
    seed(CA_SECRET);

    const response = await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps(), authorityProps()));

    expect(response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: CERT_ARN,
      Reason: expect.stringContaining(`The secret ${CA_SECRET} holds no certificate authority`),
    });
  });

  test('Delete deletes the server certificate', async () => {
    acmMock.on(DeleteCertificateCommand).resolves({});

    const response = await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CERT_ARN });
    expect(inputs('DeleteCertificate')).toEqual([{ CertificateArn: CERT_ARN }]);
    expect(sent()).toEqual(['DeleteCertificate']);
  });

  test('Delete waits 15 s between tries while the certificate is in use, and succeeds once it is not', async () => {
    acmMock.on(DeleteCertificateCommand)
      .rejectsOnce(awsError('ResourceInUseException', `Certificate ${CERT_ARN} is in use.`))
      .rejectsOnce(awsError('ResourceInUseException', `Certificate ${CERT_ARN} is in use.`))
      .resolves({});

    const response = await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps()), context(120_000));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CERT_ARN });
    expect(sent()).toEqual(['DeleteCertificate', 'DeleteCertificate', 'DeleteCertificate']);
    expect(mockClock.sleeps).toEqual([15_000, 15_000]);
  });

  test('Delete retries ResourceInUseException until the deadline, then fails naming it', async () => {
    acmMock.on(DeleteCertificateCommand).rejects(awsError('ResourceInUseException', `Certificate ${CERT_ARN} is in use.`));

    // 55 s left, 5 s of them reserved for the response: tries at 0, 15, 30 and 45 s, none at 60.
    const response = await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps()), context(55_000));

    expect(response).toEqual({
      Status: 'FAILED',
      PhysicalResourceId: CERT_ARN,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Reason: `DeleteCertificate failed: ResourceInUseException: Certificate ${CERT_ARN} is in use. (HTTP 400) (log stream test-stream)`,
    });
    expect(sent()).toEqual(Array(4).fill('DeleteCertificate'));
    expect(mockClock.sleeps).toEqual([15_000, 15_000, 15_000]);
  });

  test('Delete with less than 15 s left fails at the first in-use answer', async () => {
    acmMock.on(DeleteCertificateCommand).rejects(awsError('ResourceInUseException', `Certificate ${CERT_ARN} is in use.`));

    const response = await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps()), context(15_000));

    expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('ResourceInUseException') });
    expect(sent()).toEqual(['DeleteCertificate']);
    expect(mockClock.sleeps).toEqual([]);
  });

  test('Delete treats ResourceNotFoundException as done', async () => {
    acmMock.on(DeleteCertificateCommand).rejects(awsError('ResourceNotFoundException', `Could not find certificate ${CERT_ARN}.`));

    const response = await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CERT_ARN });
    expect(sent()).toEqual(['DeleteCertificate']);
  });

  test('Delete fails at once on another error', async () => {
    acmMock.on(DeleteCertificateCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform acm:DeleteCertificate'));

    const response = await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps()));

    expect(response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: CERT_ARN,
      Reason: 'DeleteCertificate failed: AccessDeniedException: not authorized to perform acm:DeleteCertificate (HTTP 400) (log stream test-stream)',
    });
    expect(sent()).toEqual(['DeleteCertificate']);
  });
});

test.each([AUTHORITY, CLIENT, REVOCATION_LIST, TRUST])('the Delete of a failed Create of %s deletes nothing', async (resourceType) => {
  const response = await invoke(deleteEvent(resourceType, FAILED_CREATE_ID, {}));

  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FAILED_CREATE_ID });
  expect(sent()).toEqual([]);
});

test('an unknown resource type fails naming it', async () => {
  const response = await invoke(createEvent('Custom::Unknown', {}));

  expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: FAILED_CREATE_ID, Reason: 'Unknown resource type Custom::Unknown (log stream test-stream)' });
});

// ---------------------------------------------------------------------------------------------

describe('client certificates', () => {
  const ALICE_ID = `cvpn-ca-client:${ALICE_SECRET}`;

  test('Create writes the documented JSON to the client\'s secret and answers the serial', async () => {
    seedAuthority();
    seed(ALICE_SECRET);

    const response = await invoke(createEvent(CLIENT, clientProps()));

    // The client's secret is read first, for configurations to carry over: it holds Secrets Manager's random string, so none.
    expect(sent()).toEqual(['GetSecretValue', 'GetSecretValue', 'PutSecretValue']);
    expect(inputs('GetSecretValue')).toEqual([{ SecretId: ALICE_SECRET }, { SecretId: CA_SECRET }]);
    const [{ secretId, value }] = written();
    expect(secretId).toBe(ALICE_SECRET);
    expect(Object.keys(value).sort()).toEqual(['caCertificate', 'certificate', 'configurations', 'privateKey']);
    expect(value.caCertificate).toBe(ca.certificate);
    expect(value.configurations).toEqual({});
    const certificate = certificateOf(value.certificate);
    expect(certificate.subject).toBe('CN=alice');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expectIssuedBy(certificate, ca.certificate);
    expect(publicKeyOf(value.privateKey)).toEqual(certifiedKey(certificate));
    expect(Math.round((new Date(certificate.validTo).getTime() - Date.now()) / DAY_MS)).toBe(365);
    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: ALICE_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { SerialNumber: certificate.serialNumber.toLowerCase() },
    });
  });

  test('Create for a signing request certifies the request\'s key and writes no privateKey', async () => {
    seedAuthority();
    seed(CAROL_SECRET);

    const response = await invoke(createEvent(CLIENT, clientProps({ ClientSecretArn: CAROL_SECRET, CommonName: 'carol', CertificateSigningRequest: csr })));

    const [{ value }] = written();
    expect(Object.keys(value).sort()).toEqual(['caCertificate', 'certificate', 'configurations']);
    const certificate = certificateOf(value.certificate);
    expect(certifiedKey(certificate)).toEqual(createPublicKey(csrPublicKey).export({ type: 'spki', format: 'der' }));
    expectIssuedBy(certificate, ca.certificate);
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `cvpn-ca-client:${CAROL_SECRET}`,
      Data: { SerialNumber: certificate.serialNumber.toLowerCase() },
    });
  });

  test('an empty CertificateSigningRequest makes a key, as none', async () => {
    seedAuthority();
    seed(ALICE_SECRET);

    const response = await invoke(createEvent(CLIENT, clientProps({ CertificateSigningRequest: '' })));

    expect(response.Status).toBe('SUCCESS');
    expect(written()[0].value.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  test('a Create with a request that does not verify fails, and writes nothing', async () => {
    seedAuthority();
    seed(CAROL_SECRET);
    const lines = csr.trim().split('\n');
    const body = Buffer.from(lines.slice(1, -1).join(''), 'base64');
    // The last byte of the signature, changed.
    body[body.length - 1] = 255 - body[body.length - 1];
    const tampered = `${lines[0]}\n${body.toString('base64')}\n${lines[lines.length - 1]}\n`;

    const response = await invoke(createEvent(CLIENT, clientProps({ ClientSecretArn: CAROL_SECRET, CertificateSigningRequest: tampered })));

    expect(response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: FAILED_CREATE_ID,
      Reason: 'The certificate signing request\'s signature does not verify: it was not made with the key it names (log stream test-stream)',
    });
    expect(written()).toEqual([]);
  });

  test('an Update with unchanged issuing inputs issues nothing and answers the current serial', async () => {
    seedAuthority();
    seedClient(ALICE_SECRET, alice, { [ENDPOINT_ID]: 'kept' });

    const response = await invoke(updateEvent(CLIENT, ALICE_ID, clientProps(), clientProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ALICE_ID, Data: { SerialNumber: alice.serialNumber } });
    expect(sent()).toEqual(['GetSecretValue']);
    expect(inputs('GetSecretValue')).toEqual([{ SecretId: ALICE_SECRET }]);
  });

  test.each<[string, Props, string]>([
    ['CommonName', { CommonName: 'alice.smith' }, 'alice.smith'],
    ['ValidityDays', { ValidityDays: '30' }, 'alice'],
    ['Authority', { Authority: `${CERT_ARN}-replaced` }, 'alice'],
  ])('an Update with a changed %s issues anew into the same secret, with the same physical id', async (_name, change, commonName) => {
    seedAuthority();
    seedClient(ALICE_SECRET, alice, { [ENDPOINT_ID]: ovpn(CONFIGURATION, alice.certificate, alice.privateKey) });

    const response = await invoke(updateEvent(CLIENT, ALICE_ID, clientProps(change), clientProps()));

    expect(sent()).toEqual(['GetSecretValue', 'GetSecretValue', 'PutSecretValue']);
    expect(inputs('GetSecretValue')).toEqual([{ SecretId: ALICE_SECRET }, { SecretId: CA_SECRET }]);
    const [{ secretId, value }] = written();
    expect(secretId).toBe(ALICE_SECRET);
    expect(Object.keys(value).sort()).toEqual(['caCertificate', 'certificate', 'configurations', 'privateKey']);
    const certificate = certificateOf(value.certificate);
    expect(certificate.subject).toBe(`CN=${commonName}`);
    expect(certificate.serialNumber.toLowerCase()).not.toBe(alice.serialNumber);
    expect(value.privateKey).not.toBe(alice.privateKey);
    // The endpoint's configuration carries the new certificate and key at once.
    expect(value.configurations).toEqual({ [ENDPOINT_ID]: ovpn(CONFIGURATION, value.certificate, value.privateKey) });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ALICE_ID, Data: { SerialNumber: certificate.serialNumber.toLowerCase() } });
  });

  /** The bodies of a configuration's `<tag>` blocks. */
  function blocks(configuration: string, tag: 'cert' | 'key'): string[] {
    return [...configuration.matchAll(new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`, 'g'))].map((match) => match[1]);
  }

  /** A line of the PEM's body near its end: random for a key, the signature for a certificate. */
  function tail(pem: string): string {
    const lines = pem.trim().split('\n');
    return lines[lines.length - 3];
  }

  test('a re-issue keeps every endpoint\'s configuration, each with the new certificate and key in place of the old', async () => {
    seedAuthority();
    seedClient(ALICE_SECRET, alice, {
      [ENDPOINT_ID]: ovpn(CONFIGURATION, alice.certificate, alice.privateKey),
      [OTHER_ENDPOINT_ID]: ovpn(OTHER_CONFIGURATION, alice.certificate, alice.privateKey),
    });

    const response = await invoke(updateEvent(CLIENT, ALICE_ID, clientProps({ CommonName: 'alice.smith' }), clientProps()));

    expect(response.Status).toBe('SUCCESS');
    const [{ value }] = written();
    expect(value.certificate).not.toBe(alice.certificate);
    expect(value.configurations).toEqual({
      [ENDPOINT_ID]: ovpn(CONFIGURATION, value.certificate, value.privateKey),
      [OTHER_ENDPOINT_ID]: ovpn(OTHER_CONFIGURATION, value.certificate, value.privateKey),
    });
    for (const configuration of Object.values<string>(value.configurations)) {
      expect(blocks(configuration, 'cert')).toEqual([value.certificate.trim()]);
      expect(blocks(configuration, 'key')).toEqual([value.privateKey.trim()]);
      expect(configuration).not.toContain(tail(alice.certificate));
      expect(configuration).not.toContain(tail(alice.privateKey!));
      expect(configuration.match(/<ca>/g)).toHaveLength(1);
    }
    expect(stored(ALICE_SECRET)).toEqual(value);
  });

  test('a re-issue for a signing request leaves no key, in the secret or any configuration', async () => {
    seedAuthority();
    seedClient(ALICE_SECRET, alice, {
      [ENDPOINT_ID]: ovpn(CONFIGURATION, alice.certificate, alice.privateKey),
      [OTHER_ENDPOINT_ID]: ovpn(OTHER_CONFIGURATION, alice.certificate, alice.privateKey),
    });

    const response = await invoke(updateEvent(CLIENT, ALICE_ID, clientProps({ CertificateSigningRequest: csr }), clientProps()));

    expect(response.Status).toBe('SUCCESS');
    const [{ value }] = written();
    expect(Object.keys(value).sort()).toEqual(['caCertificate', 'certificate', 'configurations']);
    expect(certifiedKey(certificateOf(value.certificate))).toEqual(createPublicKey(csrPublicKey).export({ type: 'spki', format: 'der' }));
    expect(value.configurations).toEqual({
      [ENDPOINT_ID]: ovpn(CONFIGURATION, value.certificate),
      [OTHER_ENDPOINT_ID]: ovpn(OTHER_CONFIGURATION, value.certificate),
    });
    for (const configuration of Object.values<string>(value.configurations)) {
      expect(blocks(configuration, 'cert')).toEqual([value.certificate.trim()]);
      expect(configuration).not.toContain('<key>');
      expect(configuration).not.toContain('PRIVATE KEY');
      expect(configuration).not.toContain(tail(alice.certificate));
    }
  });

  test('withClientCredentials replaces the credentials a configuration has, and is idempotent', () => {
    const credentials = { certificate: alice.certificate, privateKey: alice.privateKey };
    const once = withClientCredentials(CONFIGURATION, credentials);

    expect(once).toBe(ovpn(CONFIGURATION, alice.certificate, alice.privateKey));
    expect(withClientCredentials(once, credentials)).toBe(once);
    expect(withClientCredentials(withClientCredentials(once, credentials), credentials)).toBe(once);
    // Other credentials, with or without a key, take the place of the ones it had.
    expect(withClientCredentials(once, { certificate: bob.certificate, privateKey: bob.privateKey }))
      .toBe(ovpn(CONFIGURATION, bob.certificate, bob.privateKey));
    expect(withClientCredentials(once, { certificate: bob.certificate })).toBe(ovpn(CONFIGURATION, bob.certificate));
    const keyless = withClientCredentials(CONFIGURATION, { certificate: bob.certificate });
    expect(withClientCredentials(keyless, { certificate: bob.certificate })).toBe(keyless);
    expect(withClientCredentials(keyless, credentials)).toBe(once);
  });

  test('an Update whose secret holds no certificate issues one, though nothing changed', async () => {
    seedAuthority();
    seed(ALICE_SECRET);

    const response = await invoke(updateEvent(CLIENT, ALICE_ID, clientProps(), clientProps()));

    expect(response.Status).toBe('SUCCESS');
    expect(written()).toHaveLength(1);
    expect(response.Data!.SerialNumber).toBe(certificateOf(written()[0].value.certificate).serialNumber.toLowerCase());
  });

  test('an Update to another secret issues into it, under that secret\'s physical id', async () => {
    seedAuthority();
    seedClient(ALICE_SECRET, alice);
    seed(BOB_SECRET);

    const response = await invoke(updateEvent(CLIENT, ALICE_ID, clientProps({ ClientSecretArn: BOB_SECRET }), clientProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `cvpn-ca-client:${BOB_SECRET}` });
    expect(written().map(({ secretId }) => secretId)).toEqual([BOB_SECRET]);
    expect(stored(ALICE_SECRET).certificate).toBe(alice.certificate);
  });

  test('Delete leaves the secret to CloudFormation', async () => {
    const response = await invoke(deleteEvent(CLIENT, ALICE_ID, clientProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ALICE_ID });
    expect(sent()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the revocation list', () => {
  const CRL_ID = `cvpn-ca-crl:${CA_SECRET}`;

  function lists() {
    const { revocationLists } = stored(CA_SECRET);
    return {
      current: { number: revocationLists.current.number, ...readRevocationList(revocationLists.current.pem) },
      previous: revocationLists.previous && { number: revocationLists.previous.number, ...readRevocationList(revocationLists.previous.pem) },
    };
  }

  function serials(list: { entries: RevokedSerial[] }): Array<[string, string]> {
    return list.entries.map((entry) => [entry.serialNumber, entry.reason]);
  }

  test('Create signs list 1 with the revoked clients', async () => {
    seedAuthority();

    const response = await invoke(createEvent(REVOCATION_LIST, listProps(entries([alice, true], [bob, false]))));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: CRL_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
      Data: { RevocationListNumber: '1' },
    });
    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue']);
    const secret = stored(CA_SECRET);
    // The CA itself is kept as it was.
    expect(secret).toMatchObject({ certificate: ca.certificate, privateKey: ca.privateKey, validityDays: 3650 });
    expect(secret.revocationLists.previous).toBeUndefined();
    expect(secret.revocationLists.current.pem).toMatch(/^-----BEGIN X509 CRL-----/);
    const { current } = lists();
    expect(current.number).toBe(1);
    expect(serials(current)).toEqual([[alice.serialNumber, 'privilegeWithdrawn']]);
    expect(Math.round((current.nextUpdate!.getTime() - Date.now()) / DAY_MS)).toBe(30);
  });

  test('an Update that removes a client revokes it (cessationOfOperation); a revoked one gone keeps its entry', async () => {
    const first = await crl(1, [{ serialNumber: alice.serialNumber, revokedAt: new Date(Date.now() - 3 * DAY_MS), reason: 'privilegeWithdrawn' }]);
    seedAuthority({ current: first });

    const response = await invoke(updateEvent(REVOCATION_LIST, CRL_ID,
      listProps(entries(['0123', false])), listProps(entries([alice, true], [bob, false], ['0123', false]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CRL_ID, Data: { RevocationListNumber: '2' } });
    const { current, previous } = lists();
    expect(current.number).toBe(2);
    expect(serials(current).sort()).toEqual([[alice.serialNumber, 'privilegeWithdrawn'], [bob.serialNumber, 'cessationOfOperation']].sort());
    expect(current.entries.find((entry) => entry.serialNumber === alice.serialNumber)!.revokedAt)
      .toEqual(readRevocationList(first.pem).entries[0].revokedAt);
    expect(previous).toEqual({ number: 1, ...readRevocationList(first.pem) });
    expect(stored(CA_SECRET).revocationLists.previous).toEqual(first);
  });

  test('an Update with revoked:false again un-revokes the client', async () => {
    seedAuthority({ current: await crl(4, [{ serialNumber: alice.serialNumber, revokedAt: new Date(), reason: 'privilegeWithdrawn' }]) });

    const response = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, false], [bob, false])),
      listProps(entries([alice, true], [bob, false]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '5' } });
    expect(lists().current).toMatchObject({ number: 5, entries: [] });
  });

  test('an unchanged set reuses the list: no PutSecretValue, the same number', async () => {
    seedAuthority({ current: await crl(3, [{ serialNumber: alice.serialNumber, revokedAt: new Date(), reason: 'privilegeWithdrawn' }]) });
    const before = secrets.values.get(CA_SECRET);

    const response = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, true], [bob, false])),
      listProps(entries([alice, true], [bob, false]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CRL_ID, Data: { RevocationListNumber: '3' } });
    expect(sent()).toEqual(['GetSecretValue']);
    expect(secrets.values.get(CA_SECRET)).toBe(before);
  });

  test('the rollback of a change answers the previous number without signing again', async () => {
    seedAuthority({ current: await crl(1, []) });
    const changed = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, true], [bob, false])),
      listProps(entries([alice, false], [bob, false]))));
    expect(changed).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '2' } });
    const afterChange = stored(CA_SECRET);
    secretsMock.resetHistory();

    const rollback = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, false], [bob, false])),
      listProps(entries([alice, true], [bob, false]))));

    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CRL_ID, Data: { RevocationListNumber: '1' } });
    // The list in force is always `current`: the two change places, neither is signed again.
    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue']);
    expect(stored(CA_SECRET)).toEqual({
      ...afterChange,
      revocationLists: { current: afterChange.revocationLists.previous, previous: afterChange.revocationLists.current },
    });
    expect(lists().current.number).toBe(1);
    expect(lists().previous.number).toBe(2);

    // The change made again reuses list 2, which changes places once more.
    secretsMock.resetHistory();
    const again = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, true], [bob, false])),
      listProps(entries([alice, false], [bob, false]))));

    expect(again).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '2' } });
    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue']);
    expect(stored(CA_SECRET)).toEqual(afterChange);
  });

  test('after a rollback made the older list current, the next list is numbered above both (RFC 5280: CRL numbers only increase)', async () => {
    seedAuthority({ current: await crl(1, []) });
    const [withAlice, without] = [entries([alice, true], [bob, false]), entries([alice, false], [bob, false])];
    await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(withAlice), listProps(without)));
    await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(without), listProps(withAlice)));
    expect([lists().current.number, lists().previous.number]).toEqual([1, 2]);

    const other = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, false], [bob, true])),
      listProps(entries([alice, false], [bob, false]))));

    expect(other).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '3' } });
    expect(serials(lists().current)).toEqual([[bob.serialNumber, 'privilegeWithdrawn']]);
  });

  test('a client whose secret holds a certificate issued since its serial was recorded (a rollback re-issued it) is revoked with both', async () => {
    seedAuthority({ current: await crl(1, []) });
    // The template recorded alice's serial; her secret holds bob's certificate, as after the rollback of a re-issue.
    seedClient(ALICE_SECRET, bob);
    const withSecret = (revoked: boolean) => JSON.stringify([{ serialNumber: alice.serialNumber, revoked, secretArn: ALICE_SECRET }]);

    const revoking = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(withSecret(true)), listProps(withSecret(false))));
    expect(revoking).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '2' } });
    expect(serials(lists().current).map(([serialNumber]) => serialNumber).sort()).toEqual([alice.serialNumber, bob.serialNumber].sort());

    // Un-revoked, both leave the list; removed from the app, both are revoked again (by the list
    // signed before, which revokes the same two).
    await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(withSecret(false)), listProps(withSecret(true))));
    expect(serials(lists().current)).toEqual([]);
    await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps('[]'), listProps(withSecret(false))));
    expect(serials(lists().current).map(([serialNumber]) => serialNumber).sort()).toEqual([alice.serialNumber, bob.serialNumber].sort());
  });

  test('a client whose secret is gone is revoked by its recorded serial', async () => {
    seedAuthority({ current: await crl(1, []) });
    const gone = JSON.stringify([{ serialNumber: alice.serialNumber, revoked: false, secretArn: ALICE_SECRET }]);

    await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps('[]'), listProps(gone)));

    expect(serials(lists().current)).toEqual([[alice.serialNumber, 'cessationOfOperation']]);
  });

  test('the rollback of a removal answers the previous number without signing again', async () => {
    seedAuthority({ current: await crl(6, []) });
    const changed = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, false])),
      listProps(entries([alice, false], [bob, false]))));
    expect(changed).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '7' } });
    expect(serials(lists().current)).toEqual([[bob.serialNumber, 'cessationOfOperation']]);
    const afterChange = stored(CA_SECRET);
    secretsMock.resetHistory();

    const rollback = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, false], [bob, false])),
      listProps(entries([alice, false]))));

    expect(rollback).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: '6' } });
    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue']);
    const { current: before, previous: beforePrevious } = afterChange.revocationLists;
    expect(stored(CA_SECRET).revocationLists).toEqual({ current: beforePrevious, previous: before });
    expect(serials(lists().current)).toEqual([]);
  });

  test.each([
    ['less than half its validity left is signed again, with the same entries', 14, '10'],
    ['more than half its validity left is reused', 16, '9'],
  ])('a list with %s', async (_name, daysLeft, number) => {
    const revokedAt = new Date(Date.now() - 20 * DAY_MS);
    const old = await crl(9, [{ serialNumber: alice.serialNumber, revokedAt, reason: 'privilegeWithdrawn' }], daysLeft);
    seedAuthority({ current: old });

    const response = await invoke(updateEvent(REVOCATION_LIST, CRL_ID, listProps(entries([alice, true])), listProps(entries([alice, true]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { RevocationListNumber: number } });
    const { current } = lists();
    expect(current.number).toBe(Number(number));
    expect(current.entries).toEqual([{ serialNumber: alice.serialNumber, revokedAt: readRevocationList(old.pem).entries[0].revokedAt, reason: 'privilegeWithdrawn' }]);
    expect(written()).toHaveLength(number === '10' ? 1 : 0);
  });

  test('Create fails when the CA secret holds no CA yet', async () => {
    seed(CA_SECRET);

    const response = await invoke(createEvent(REVOCATION_LIST, listProps(entries())));

    expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('holds no certificate authority') });
    expect(written()).toEqual([]);
  });

  test('malformed Clients fail with a readable reason', async () => {
    seedAuthority();

    const response = await invoke(createEvent(REVOCATION_LIST, listProps('[{"serialNumber":1}]')));

    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Clients must be a JSON list (log stream test-stream)' });
  });

  test('Delete does nothing', async () => {
    const response = await invoke(deleteEvent(REVOCATION_LIST, CRL_ID, listProps(entries())));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CRL_ID });
    expect(sent()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('a trusting endpoint', () => {
  const TRUST_ID = `cvpn-ca-trust:${ENDPOINT_ID}`;
  let first: SignedList;
  let second: SignedList;
  /** A client whose certificate was issued for its request: no key in its secret. */
  let carol: IssuedCertificate;

  beforeAll(async () => {
    first = await crl(1, []);
    second = await crl(2, [{ serialNumber: '0badc0de', revokedAt: new Date(), reason: 'cessationOfOperation' }]);
    carol = await issueClientCertificate(signer, 'carol', new Date(Date.now() + 365 * DAY_MS), csr);
  });

  function seedTrust(): void {
    seedAuthority({ current: second, previous: first });
    seedClient(ALICE_SECRET, alice);
    seedClient(CAROL_SECRET, carol);
  }

  const clients = () => trusted([ALICE_SECRET, alice], [CAROL_SECRET, carol]);

  test('an Update with a new number does not import a list the endpoint already holds (the renewal imported it)', async () => {
    seedTrust();
    endpointLists.set(ENDPOINT_ID, rewrapped(second.pem, 72));
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();

    const response = await invoke(updateEvent(TRUST, TRUST_ID, trustProps('2', clients()), trustProps('1', clients())));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    expect(inputs('ExportClientVpnClientCertificateRevocationList')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID }]);
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([]);
  });

  test('Create imports the CRL, exports the configuration and writes a ready .ovpn to each client secret', async () => {
    seedTrust();
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();

    const response = await invoke(createEvent(TRUST, trustProps('2', clients())));

    expect(response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: TRUST_ID,
      StackId: STACK_ID,
      RequestId: 'request-0001',
      LogicalResourceId: LOGICAL_ID,
    });
    expect(sent()).toEqual([
      'GetSecretValue',
      'ExportClientVpnClientCertificateRevocationList',
      'ImportClientVpnClientCertificateRevocationList',
      'ExportClientVpnClientConfiguration',
      'GetSecretValue',
      'PutSecretValue',
      'GetSecretValue',
      'PutSecretValue',
    ]);
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: second.pem }]);
    expect(inputs('ExportClientVpnClientConfiguration')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID }]);
    const aliceOvpn = 'client\ndev tun\nproto udp\nremote cvpn.example 443\n<ca>\nCONFIGURATION-CA-BODY\n</ca>\n'
      + `<cert>\n${alice.certificate.trim()}\n</cert>\n<key>\n${alice.privateKey!.trim()}\n</key>\n`;
    expect(written()).toEqual([
      {
        secretId: ALICE_SECRET,
        value: {
          certificate: alice.certificate,
          privateKey: alice.privateKey,
          caCertificate: ca.certificate,
          configurations: { [ENDPOINT_ID]: aliceOvpn },
        },
      },
      {
        secretId: CAROL_SECRET,
        value: {
          certificate: carol.certificate,
          caCertificate: ca.certificate,
          configurations: { [ENDPOINT_ID]: ovpn(CONFIGURATION, carol.certificate) },
        },
      },
    ]);
    // The owner of a request adds the key block.
    expect(stored(CAROL_SECRET).configurations[ENDPOINT_ID]).not.toContain('<key>');
  });

  test('an Update with the same RevocationListNumber imports nothing, and unchanged configurations are not written again', async () => {
    seedAuthority({ current: second, previous: first });
    seedClient(ALICE_SECRET, alice, { [ENDPOINT_ID]: ovpn(CONFIGURATION, alice.certificate, alice.privateKey) });
    seedClient(CAROL_SECRET, carol, { [ENDPOINT_ID]: ovpn(CONFIGURATION, carol.certificate) });
    exportsConfiguration();

    const response = await invoke(updateEvent(TRUST, TRUST_ID, trustProps('2', clients()), trustProps('2', clients())));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    expect(sent()).toEqual(['GetSecretValue', 'ExportClientVpnClientConfiguration', 'GetSecretValue', 'GetSecretValue']);
  });

  test('an Update with a changed configuration writes it again, keeping the other endpoints\' configurations', async () => {
    seedAuthority({ current: second, previous: first });
    seedClient(ALICE_SECRET, alice, { [ENDPOINT_ID]: ovpn(CONFIGURATION, alice.certificate, alice.privateKey), [OTHER_ENDPOINT_ID]: 'other' });
    exportsConfiguration(OTHER_CONFIGURATION);

    const response = await invoke(updateEvent(TRUST, TRUST_ID, trustProps('2', trusted([ALICE_SECRET, alice]), { ConfigurationInputs: '{"port":1194}' }),
      trustProps('2', trusted([ALICE_SECRET, alice]))));

    expect(response.Status).toBe('SUCCESS');
    expect(sent()).toEqual(['GetSecretValue', 'ExportClientVpnClientConfiguration', 'GetSecretValue', 'PutSecretValue']);
    expect(stored(ALICE_SECRET).configurations).toEqual({
      [ENDPOINT_ID]: ovpn(OTHER_CONFIGURATION, alice.certificate, alice.privateKey),
      [OTHER_ENDPOINT_ID]: 'other',
    });
  });

  test.each<[string, string, string, () => SignedList]>([
    ['a new number imports the current list', '2', '1', () => second],
    ['a number naming the previous list (a rollback) imports the previous one', '1', '2', () => first],
  ])('an Update with %s', async (_name, number, oldNumber, expected) => {
    seedTrust();
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();

    const response = await invoke(updateEvent(TRUST, TRUST_ID, trustProps(number, clients()), trustProps(oldNumber, clients())));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: expected().pem }]);
  });

  test.each<[string, () => Promise<{ current: SignedList; previous: SignedList }>, string, 'current' | 'previous']>([
    // List 4 renewed list 3; then a change signed list 5.
    ['a number only a kept renewal stands for imports that renewal', async () => ({
      current: await crl(5, [{ serialNumber: bob.serialNumber, revokedAt: new Date(), reason: 'cessationOfOperation' }]),
      previous: { ...await crl(4, []), renews: [3, 2] },
    }), '2', 'previous'],
    ['a number no kept list stands for imports the current list', async () => ({
      current: await crl(5, [{ serialNumber: bob.serialNumber, revokedAt: new Date(), reason: 'cessationOfOperation' }]),
      previous: { ...await crl(4, []), renews: [3, 2] },
    }), '1', 'current'],
    // List 5 renewed list 4, which is still kept: the list of that very number is imported.
    ['a number naming a kept list imports it, though a renewal stands for it too', async () => ({
      current: { ...await crl(5, []), renews: [4] },
      previous: await crl(4, []),
    }), '4', 'previous'],
  ])('an Update naming a list no longer current: %s', async (_name, kept, number, expected) => {
    const revocationLists = await kept();
    seedAuthority(revocationLists);
    seedClient(ALICE_SECRET, alice);
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();

    const response = await invoke(updateEvent(TRUST, TRUST_ID, trustProps(number, trusted([ALICE_SECRET, alice])),
      trustProps('5', trusted([ALICE_SECRET, alice]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: revocationLists[expected].pem },
    ]);
    expect(logged()).toContain(`Importing revocation list ${revocationLists[expected].number} into ${ENDPOINT_ID}`);
  });

  test('an Update to a replaced endpoint imports into the new one, under its own physical id', async () => {
    seedTrust();
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration(CONFIGURATION, OTHER_ENDPOINT_ID);

    const response = await invoke(updateEvent(TRUST, TRUST_ID, trustProps('2', clients(), { ClientVpnEndpointId: OTHER_ENDPOINT_ID }), trustProps('2', clients())));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `cvpn-ca-trust:${OTHER_ENDPOINT_ID}` });
    expect(inputs('ImportClientVpnClientCertificateRevocationList')).toEqual([{ ClientVpnEndpointId: OTHER_ENDPOINT_ID, CertificateRevocationList: second.pem }]);
    expect(Object.keys(stored(ALICE_SECRET).configurations)).toEqual([OTHER_ENDPOINT_ID]);
  });

  test('Create fails naming a client secret that holds no certificate yet', async () => {
    seedTrust();
    seed(BOB_SECRET);
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();

    const response = await invoke(createEvent(TRUST, trustProps('2', trusted([BOB_SECRET, bob]))));

    expect(response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: FAILED_CREATE_ID,
      Reason: `The client secret ${BOB_SECRET} holds no certificate yet (log stream test-stream)`,
    });
    expect(written()).toEqual([]);
  });

  test('Create fails when the CA has signed no revocation list yet', async () => {
    seedAuthority();

    const response = await invoke(createEvent(TRUST, trustProps('1', clients())));

    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'The CA has signed no revocation list yet (log stream test-stream)' });
    expect(sent()).toEqual(['GetSecretValue']);
  });

  test('Create fails when the endpoint exports no configuration', async () => {
    seedTrust();
    importsRevocationList();
    exportsRevocationLists();
    ec2Mock.on(ExportClientVpnClientConfigurationCommand).resolves({});

    const response = await invoke(createEvent(TRUST, trustProps('2', clients())));

    expect(response).toMatchObject({ Status: 'FAILED', Reason: `No client configuration for ${ENDPOINT_ID} (log stream test-stream)` });
    expect(written()).toEqual([]);
  });

  test('Delete removes only that endpoint\'s configuration', async () => {
    seedClient(ALICE_SECRET, alice, { [ENDPOINT_ID]: 'this endpoint', [OTHER_ENDPOINT_ID]: 'the other endpoint' });
    seedClient(CAROL_SECRET, carol, { [ENDPOINT_ID]: 'this endpoint' });
    seedClient(BOB_SECRET, bob, { [OTHER_ENDPOINT_ID]: 'the other endpoint' });

    const response = await invoke(deleteEvent(TRUST, TRUST_ID, trustProps('2', trusted([ALICE_SECRET, alice], [CAROL_SECRET, carol], [BOB_SECRET, bob]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    // Bob's secret has nothing for this endpoint: not written.
    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue', 'GetSecretValue', 'PutSecretValue', 'GetSecretValue']);
    expect(stored(ALICE_SECRET)).toEqual({
      certificate: alice.certificate,
      privateKey: alice.privateKey,
      caCertificate: ca.certificate,
      configurations: { [OTHER_ENDPOINT_ID]: 'the other endpoint' },
    });
    expect(stored(CAROL_SECRET).configurations).toEqual({});
    expect(stored(BOB_SECRET).configurations).toEqual({ [OTHER_ENDPOINT_ID]: 'the other endpoint' });
  });

  test('Delete never fails: secrets gone or scheduled for deletion, and errors, are skipped', async () => {
    // Alice's secret is gone, Bob's scheduled for deletion, Carol's cannot be written; the fourth is still cleaned.
    secrets.deleted.add(BOB_SECRET);
    seedClient(CAROL_SECRET, carol, { [ENDPOINT_ID]: 'this endpoint' });
    failSecret('PutSecretValue', CAROL_SECRET, awsError('AccessDeniedException', 'not authorized'));
    const DAVE_SECRET = `${CAROL_SECRET}-dave`;
    seedClient(DAVE_SECRET, alice, { [ENDPOINT_ID]: 'this endpoint' });

    const response = await invoke(deleteEvent(TRUST, TRUST_ID,
      trustProps('2', trusted([ALICE_SECRET, alice], [BOB_SECRET, bob], [CAROL_SECRET, carol], [DAVE_SECRET, alice]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    expect(sent()).toEqual(['GetSecretValue', 'GetSecretValue', 'GetSecretValue', 'PutSecretValue', 'GetSecretValue', 'PutSecretValue']);
    expect(stored(DAVE_SECRET).configurations).toEqual({});
    const text = logged();
    expect(text).toContain(`Already gone: ${ALICE_SECRET}: GetSecretValue failed: ResourceNotFoundException`);
    expect(text).toContain(`Already gone: ${BOB_SECRET}: GetSecretValue failed: InvalidRequestException`);
    expect(text).toContain(`Left as it is: ${CAROL_SECRET}: PutSecretValue failed: AccessDeniedException: not authorized`);
  });

  test('a Create that failed after writing some configurations: its Delete removes them', async () => {
    seedTrust();
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();
    failSecret('PutSecretValue', CAROL_SECRET, awsError('AccessDeniedException', 'not authorized'));
    const created = await invoke(createEvent(TRUST, trustProps('2', clients())));
    expect(created).toMatchObject({ Status: 'FAILED', PhysicalResourceId: FAILED_CREATE_ID });
    expect(Object.keys(stored(ALICE_SECRET).configurations)).toEqual([ENDPOINT_ID]);
    secrets.faults = [];

    const deleted = await invoke(deleteEvent(TRUST, FAILED_CREATE_ID, trustProps('2', clients())));

    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: FAILED_CREATE_ID });
    expect(stored(ALICE_SECRET).configurations).toEqual({});
  });

  test('Delete of a resource whose id names another endpoint, or with unreadable properties, does nothing', async () => {
    seedClient(ALICE_SECRET, alice, { [ENDPOINT_ID]: 'this endpoint' });

    const other = await invoke(deleteEvent(TRUST, `cvpn-ca-trust:${OTHER_ENDPOINT_ID}`, trustProps('2', trusted([ALICE_SECRET, alice]))));
    const unreadable = await invoke(deleteEvent(TRUST, TRUST_ID, { ClientVpnEndpointId: ENDPOINT_ID }));

    expect(other).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `cvpn-ca-trust:${OTHER_ENDPOINT_ID}` });
    expect(unreadable).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: TRUST_ID });
    expect(sent()).toEqual([]);
    expect(stored(ALICE_SECRET).configurations).toEqual({ [ENDPOINT_ID]: 'this endpoint' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('the renewal schedule', () => {
  const EXPORT = 'ExportClientVpnClientCertificateRevocationList';
  const IMPORT = 'ImportClientVpnClientCertificateRevocationList';

  /** The renewal's error, which it throws once every step was tried. */
  async function renewalFailure(event = renewal()): Promise<string> {
    const error = await handler(event, context()).then(() => undefined, (thrown: Error) => thrown);
    expect(error).toBeInstanceOf(Error);
    return error!.message;
  }

  test('a CRL near expiry is signed again with the same entries, standing for its number, and imported into each endpoint', async () => {
    const revokedAt = new Date(Date.now() - 40 * DAY_MS);
    const old = await crl(3, [
      { serialNumber: alice.serialNumber, revokedAt, reason: 'privilegeWithdrawn' },
      { serialNumber: '0badc0de', revokedAt, reason: 'cessationOfOperation' },
    ], 10);
    seedAuthority({ current: old });
    endpointLists.set(ENDPOINT_ID, old.pem);
    endpointLists.set(OTHER_ENDPOINT_ID, old.pem);
    importsRevocationList();
    exportsRevocationLists();
    describesServer(300);

    await handler(renewal(), context());

    expect(recorder.requests).toEqual([]);
    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue', EXPORT, IMPORT, EXPORT, IMPORT, 'DescribeCertificate']);
    const { revocationLists } = stored(CA_SECRET);
    expect(revocationLists.previous).toEqual(old);
    expect(revocationLists.current.number).toBe(4);
    expect(revocationLists.current.renews).toEqual([3]);
    const renewed = readRevocationList(revocationLists.current.pem);
    expect(renewed.entries).toEqual(readRevocationList(old.pem).entries);
    expect(Math.round((renewed.nextUpdate!.getTime() - Date.now()) / DAY_MS)).toBe(30);
    expect(inputs(EXPORT)).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID }, { ClientVpnEndpointId: OTHER_ENDPOINT_ID }]);
    expect(inputs(IMPORT)).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: revocationLists.current.pem },
      { ClientVpnEndpointId: OTHER_ENDPOINT_ID, CertificateRevocationList: revocationLists.current.pem },
    ]);
  });

  test('successive renewals carry the numbers they stand for, the latest first', async () => {
    seedAuthority({ current: await crl(7, [], 10) });
    describesServer(300);

    await handler(renewal({ ClientVpnEndpointIds: [] }), context());
    expect(stored(CA_SECRET).revocationLists.current).toMatchObject({ number: 8, renews: [7] });
    // 20 days on, list 8 has less than half its validity left.
    mockClock.offset += 20 * DAY_MS;
    await handler(renewal({ ClientVpnEndpointIds: [] }), context());

    expect(sent()).toEqual(['GetSecretValue', 'PutSecretValue', 'DescribeCertificate', 'GetSecretValue', 'PutSecretValue', 'DescribeCertificate']);
    const { current, previous } = stored(CA_SECRET).revocationLists;
    expect(current).toMatchObject({ number: 9, renews: [8, 7] });
    expect(previous).toMatchObject({ number: 8, renews: [7] });
  });

  test.each<[string, number, number[], number[]]>([
    ['one short of the cap grow to it', 17, range(16, 2), range(17, 2)],
    ['at the cap drop the oldest', 20, range(19, 4), range(20, 5)],
  ])('the numbers a renewal stands for are at most 16: %s', async (_name, number, renews, expected) => {
    expect(expected).toHaveLength(16);
    seedAuthority({ current: { ...await crl(number, [], 10), renews } });
    describesServer(300);

    await handler(renewal({ ClientVpnEndpointIds: [] }), context());

    expect(stored(CA_SECRET).revocationLists.current).toMatchObject({ number: number + 1, renews: expected });
  });

  test('a server certificate near expiry is re-imported to the same ARN', async () => {
    const list = await crl(1, []);
    seedAuthority({ current: list });
    endpointLists.set(ENDPOINT_ID, list.pem);
    endpointLists.set(OTHER_ENDPOINT_ID, list.pem);
    exportsRevocationLists();
    describesServer(20);
    importsCertificate();

    await handler(renewal(), context());

    expect(sent()).toEqual(['GetSecretValue', EXPORT, EXPORT, 'DescribeCertificate', 'ImportCertificate']);
    const [imported] = inputs('ImportCertificate');
    expect(imported.CertificateArn).toBe(CERT_ARN);
    expect(imported.Tags).toBeUndefined();
    expect(Buffer.from(imported.CertificateChain).toString()).toBe(ca.certificate);
    const server = certificateOf(imported.Certificate);
    expect(server.subject).toBe(`CN=${DOMAIN}`);
    expectIssuedBy(server, ca.certificate);
    expect(Math.round((new Date(server.validTo).getTime() - Date.now()) / DAY_MS)).toBe(825);
  });

  test.each([
    ['a fresh CRL every endpoint already holds, and a fresh server certificate', true],
    ['no CRL signed yet and a fresh server certificate', false],
  ])('nothing is done with %s', async (_name, withList) => {
    const list = await crl(2, [], 20);
    seedAuthority(withList ? { current: list } : undefined);
    endpointLists.set(ENDPOINT_ID, list.pem);
    endpointLists.set(OTHER_ENDPOINT_ID, list.pem);
    exportsRevocationLists();
    describesServer(60);
    const before = secrets.values.get(CA_SECRET);

    await handler(renewal(), context());

    expect(sent()).toEqual(['GetSecretValue', ...withList ? [EXPORT, EXPORT] : [], 'DescribeCertificate']);
    expect(secrets.values.get(CA_SECRET)).toBe(before);
  });

  test.each<[string, (older: SignedList) => string | undefined]>([
    ['an older list', (older) => older.pem],
    ['no list', () => undefined],
    ['a list another CA signed', () => otherAuthorityList],
  ])('a fresh CRL is imported into an endpoint that holds %s, and only into it', async (_name, held) => {
    const older = await crl(4, [{ serialNumber: alice.serialNumber, revokedAt: new Date(), reason: 'privilegeWithdrawn' }]);
    const current = await crl(5, []);
    seedAuthority({ current, previous: older });
    const pem = held(older);
    if (pem !== undefined) {
      endpointLists.set(ENDPOINT_ID, pem);
    }
    endpointLists.set(OTHER_ENDPOINT_ID, current.pem);
    importsRevocationList();
    exportsRevocationLists();
    describesServer(60);
    const before = secrets.values.get(CA_SECRET);

    await handler(renewal(), context());

    expect(sent()).toEqual(['GetSecretValue', EXPORT, IMPORT, EXPORT, 'DescribeCertificate']);
    expect(inputs(IMPORT)).toEqual([{ ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: current.pem }]);
    expect(logged()).toContain(`Importing revocation list 5 into ${ENDPOINT_ID}`);
    expect(secrets.values.get(CA_SECRET)).toBe(before);
  });

  test('the list in force, exported wrapped at another line length, is the same list: not imported again', async () => {
    const current = await crl(5, [{ serialNumber: alice.serialNumber, revokedAt: new Date(), reason: 'privilegeWithdrawn' }]);
    seedAuthority({ current });
    endpointLists.set(ENDPOINT_ID, rewrapped(current.pem, 76));
    endpointLists.set(OTHER_ENDPOINT_ID, rewrapped(current.pem, 72).replace(/\n$/, ''));
    for (const pem of endpointLists.values()) {
      expect(pem).not.toBe(current.pem);
      expect(pem.replace(/\s+/g, '')).toBe(current.pem.replace(/\s+/g, ''));
    }
    importsRevocationList();
    exportsRevocationLists();
    describesServer(60);

    await handler(renewal(), context());

    expect(sent()).toEqual(['GetSecretValue', EXPORT, EXPORT, 'DescribeCertificate']);
  });

  test('an endpoint whose import fails stops neither the other endpoints nor the server certificate; then the run fails naming it', async () => {
    const current = await crl(5, []);
    seedAuthority({ current });
    importsRevocationList({ [ENDPOINT_ID]: awsError('InvalidClientVpnEndpointId.NotFound', 'The endpoint does not exist') });
    exportsRevocationLists();
    describesServer(20);
    importsCertificate();

    const message = await renewalFailure();

    expect(message).toBe(`Renewal incomplete, the next run tries again: ${ENDPOINT_ID}: `
      + 'ImportClientVpnClientCertificateRevocationList failed: InvalidClientVpnEndpointId.NotFound: The endpoint does not exist (HTTP 400)');
    // A scheduled run answers no CloudFormation request.
    expect(recorder.requests).toEqual([]);
    expect(sent()).toEqual(['GetSecretValue', EXPORT, IMPORT, EXPORT, IMPORT, 'DescribeCertificate', 'ImportCertificate']);
    expect(inputs(IMPORT)).toEqual([
      { ClientVpnEndpointId: ENDPOINT_ID, CertificateRevocationList: current.pem },
      { ClientVpnEndpointId: OTHER_ENDPOINT_ID, CertificateRevocationList: current.pem },
    ]);
    expect(endpointLists.get(OTHER_ENDPOINT_ID)).toBe(current.pem);
    expect(inputs('ImportCertificate')).toEqual([expect.objectContaining({ CertificateArn: CERT_ARN })]);
  });

  test('a renewed list that cannot be written stops nothing else: the endpoints are checked against the list in force, then the run fails', async () => {
    const due = await crl(3, [], 10);
    seedAuthority({ current: due });
    endpointLists.set(ENDPOINT_ID, due.pem);
    importsRevocationList();
    exportsRevocationLists();
    describesServer(20);
    importsCertificate();
    failSecret('PutSecretValue', CA_SECRET, awsError('InternalServiceError', 'An error occurred on the server side.', 500), 8);

    const message = await renewalFailure();

    expect(message).toMatch(/^Renewal incomplete, the next run tries again: signing the renewed revocation list: PutSecretValue failed after \d+ attempts: /);
    expect(stored(CA_SECRET).revocationLists.current).toEqual(due);
    // The endpoint already on it is left alone; the one without a list gets it; the server certificate is renewed.
    expect(inputs(IMPORT)).toEqual([{ ClientVpnEndpointId: OTHER_ENDPOINT_ID, CertificateRevocationList: due.pem }]);
    expect(inputs('ImportCertificate')).toEqual([expect.objectContaining({ CertificateArn: CERT_ARN })]);
  });

  test('every failure is named: an endpoint whose list cannot be read, and the server certificate', async () => {
    const current = await crl(5, []);
    seedAuthority({ current });
    importsRevocationList();
    exportsRevocationLists({ [ENDPOINT_ID]: awsError('UnauthorizedOperation', 'not authorized to export') });
    acmMock.on(DescribeCertificateCommand).rejects(awsError('AccessDeniedException', 'not authorized to describe'));

    const message = await renewalFailure();

    expect(message).toBe('Renewal incomplete, the next run tries again: '
      + `${ENDPOINT_ID}: ExportClientVpnClientCertificateRevocationList failed: UnauthorizedOperation: not authorized to export (HTTP 400); `
      + 'server certificate: DescribeCertificate failed: AccessDeniedException: not authorized to describe (HTTP 400)');
    expect(sent()).toEqual(['GetSecretValue', EXPORT, EXPORT, IMPORT, 'DescribeCertificate']);
    expect(inputs(IMPORT)).toEqual([{ ClientVpnEndpointId: OTHER_ENDPOINT_ID, CertificateRevocationList: current.pem }]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('retries', () => {
  let trustList: SignedList;
  beforeAll(async () => {
    trustList = await crl(2, []);
  });

  test.each<[string, () => void]>([
    ['GetSecretValue', () => failSecret('GetSecretValue', CA_SECRET, awsError('ThrottlingException', 'Rate exceeded'), 1)],
    ['PutSecretValue', () => failSecret('PutSecretValue', ALICE_SECRET, awsError('ThrottlingException', 'Rate exceeded'), 2)],
    ['ImportClientVpnClientCertificateRevocationList', () => ec2Mock.on(ImportClientVpnClientCertificateRevocationListCommand)
      .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.')).resolves({ Return: true })],
    ['ExportClientVpnClientConfiguration', () => ec2Mock.on(ExportClientVpnClientConfigurationCommand)
      .rejectsOnce(awsError('InternalError', 'An internal error has occurred', 500)).resolves({ ClientConfiguration: CONFIGURATION })],
  ])('a throttled or failing %s is retried, then succeeds', async (operation, throttle) => {
    seedAuthority({ current: trustList });
    seedClient(ALICE_SECRET, alice);
    importsRevocationList();
    exportsRevocationLists();
    exportsConfiguration();
    throttle();

    const response = await invoke(createEvent(TRUST, trustProps('2', trusted([ALICE_SECRET, alice]))));

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `cvpn-ca-trust:${ENDPOINT_ID}` });
    expect(logged()).toMatch(new RegExp(`Retrying ${operation} \\(attempt 1\\): \\w+: `));
    const retries = operation === 'PutSecretValue' ? 2 : 1;
    expect(inputs(operation)).toHaveLength((operation === 'GetSecretValue' ? 2 : 1) + retries);
    expect(mockClock.sleeps).toHaveLength(retries);
    expect(stored(ALICE_SECRET).configurations[ENDPOINT_ID]).toBe(ovpn(CONFIGURATION, alice.certificate, alice.privateKey));
  });

  test('a ThrottlingException from ACM is retried, then the import succeeds', async () => {
    seedAuthority();
    acmMock.on(ImportCertificateCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({ CertificateArn: CERT_ARN });

    const response = await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps({ ServerDomainName: 'vpn2.example.com' }), authorityProps()));

    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { CertificateArn: CERT_ARN } });
    expect(sent()).toEqual(['GetSecretValue', 'ImportCertificate', 'ImportCertificate']);
    expect(logged()).toContain('Retrying ImportCertificate (attempt 1): ThrottlingException: Rate exceeded (HTTP 400)');
  });

  test('a persistent ThrottlingException fails after MAX_ATTEMPTS (8), with capped, jittered backoff', async () => {
    seedAuthority();
    failSecret('GetSecretValue', CA_SECRET, awsError('ThrottlingException', 'Rate exceeded'));

    const response = await invoke(createEvent(REVOCATION_LIST, listProps(entries())), context(300_000));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'GetSecretValue failed after 8 attempts: ThrottlingException: Rate exceeded (HTTP 400) (log stream test-stream)',
    });
    expect(sent()).toEqual(Array(8).fill('GetSecretValue'));
    expect(mockClock.sleeps).toHaveLength(7);
    mockClock.sleeps.forEach((delay, i) => {
      const ceiling = Math.min(8_000, 500 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });
  });

  test('retries stop at the deadline, well before MAX_ATTEMPTS when little time is left', async () => {
    seedAuthority();
    failSecret('GetSecretValue', CA_SECRET, awsError('ThrottlingException', 'Rate exceeded'));

    // 8 s left, 5 s reserved: about 3 s of backoff.
    const response = await invoke(createEvent(REVOCATION_LIST, listProps(entries())), context(8_000));

    const attempts = inputs('GetSecretValue').length;
    expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining(`GetSecretValue failed after ${attempts} attempts: ThrottlingException`) });
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(8);
    expect(mockClock.sleeps.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(3_000);
  });

  test('a non-retryable error fails at once', async () => {
    failSecret('GetSecretValue', CA_SECRET, awsError('AccessDeniedException', 'not authorized to perform secretsmanager:GetSecretValue'));

    const response = await invoke(createEvent(REVOCATION_LIST, listProps(entries())));

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'GetSecretValue failed: AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue (HTTP 400) (log stream test-stream)',
    });
    expect(sent()).toEqual(['GetSecretValue']);
    expect(mockClock.sleeps).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('nothing secret leaves the secrets', () => {
  /** 24-character windows of the key's base64 body, every 12 characters: any fragment of a key in a text shows. */
  function fragments(privateKeyPem: string): string[] {
    const body = privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const found: string[] = [];
    for (let i = 0; i + 24 <= body.length; i += 12) {
      found.push(body.slice(i, i + 24));
    }
    return found;
  }

  test('a whole create, update and delete sequence logs no key and answers CloudFormation none', async () => {
    seed(CA_SECRET);
    seed(ALICE_SECRET);
    importsCertificate();
    importsRevocationList();
    exportsConfiguration();
    exportsRevocationLists();
    acmMock.on(DeleteCertificateCommand).resolves({});
    describesServer(10);

    const steps: Response[] = [];
    steps.push(await invoke(createEvent(AUTHORITY, authorityProps())));
    steps.push(await invoke(createEvent(CLIENT, clientProps())));
    const first = stored(ALICE_SECRET);
    const firstSerial = steps[1].Data!.SerialNumber;
    steps.push(await invoke(createEvent(REVOCATION_LIST, listProps(entries([firstSerial, false])))));
    const trustClients = (serialNumber: string) => JSON.stringify([{ secretArn: ALICE_SECRET, serialNumber }]);
    steps.push(await invoke(createEvent(TRUST, trustProps('1', trustClients(firstSerial)))));
    // The server certificate is near its end: re-imported.
    steps.push(await invoke(updateEvent(AUTHORITY, CERT_ARN, authorityProps(), authorityProps())));
    steps.push(await invoke(updateEvent(CLIENT, `cvpn-ca-client:${ALICE_SECRET}`, clientProps({ CommonName: 'alice2' }), clientProps())));
    const secondSerial = steps[5].Data!.SerialNumber;
    steps.push(await invoke(updateEvent(REVOCATION_LIST, `cvpn-ca-crl:${CA_SECRET}`, listProps(entries([secondSerial, false])),
      listProps(entries([firstSerial, false])))));
    steps.push(await invoke(updateEvent(TRUST, `cvpn-ca-trust:${ENDPOINT_ID}`, trustProps('2', trustClients(secondSerial)),
      trustProps('1', trustClients(firstSerial)))));
    // A failure on the way: its reason is logged and sent.
    steps.push(await invoke(updateEvent(CLIENT, `cvpn-ca-client:${ALICE_SECRET}`, clientProps({ CertificateSigningRequest: 'garbage' }), clientProps())));
    await handler(renewal(), context());
    steps.push(await invoke(deleteEvent(TRUST, `cvpn-ca-trust:${ENDPOINT_ID}`, trustProps('2', trustClients(secondSerial)))));
    steps.push(await invoke(deleteEvent(CLIENT, `cvpn-ca-client:${ALICE_SECRET}`, clientProps())));
    steps.push(await invoke(deleteEvent(REVOCATION_LIST, `cvpn-ca-crl:${CA_SECRET}`, listProps(entries()))));
    steps.push(await invoke(deleteEvent(AUTHORITY, CERT_ARN, authorityProps())));

    expect(steps.map((step) => step.Status)).toEqual([...Array(8).fill('SUCCESS'), 'FAILED', ...Array(4).fill('SUCCESS')]);
    expect(steps[7]).toMatchObject({ PhysicalResourceId: `cvpn-ca-trust:${ENDPOINT_ID}` });
    expect(stored(ALICE_SECRET).configurations).toEqual({});
    expect(readRevocationList(stored(CA_SECRET).revocationLists.current.pem).entries.map((entry) => entry.serialNumber)).toEqual([firstSerial]);

    // Every key the handler made: the CA's, the clients', the server certificates'.
    const keys = [
      stored(CA_SECRET).privateKey,
      first.privateKey,
      ...written().map(({ value }) => value.privateKey).filter(Boolean),
      ...inputs('ImportCertificate').map((input) => Buffer.from(input.PrivateKey).toString()),
    ];
    expect(new Set(keys).size).toBeGreaterThanOrEqual(5);
    expect(inputs('ImportCertificate')).toHaveLength(3);
    const logText = logged();
    const logCompact = logText.replace(/\s+/g, '');
    const responseCompact = responses.join('\n').replace(/\\n|\s+/g, '');
    expect(responses).toHaveLength(13);
    expect(logText).toContain('Issued alice serial');
    for (const key of keys) {
      expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      for (const fragment of fragments(key)) {
        expect(logCompact).not.toContain(fragment);
        expect(responseCompact).not.toContain(fragment);
      }
    }
    for (const text of [logText, ...responses]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('<key>');
    }
  });
});
