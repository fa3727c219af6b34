/**
 * The fake ACM answers as ACM does for imported certificates, seen through the real SDK.
 * Certificates are made with the openssl CLI: a CA, a server certificate it signs, an expired one.
 */
import { execFileSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ACMClient, AddTagsToCertificateCommand, DeleteCertificateCommand, DescribeCertificateCommand, ImportCertificateCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { FakeAws } from './fake-aws';

const ROLE = 'HandlerRole';
const ALL_CERTIFICATES = 'arn:aws:acm:us-east-1:123456789012:certificate/*';
let fake: FakeAws;
let acm: ACMClient;
let pki: { [file in 'ca' | 'caKey' | 'server' | 'serverKey' | 'expired' | 'expiredKey' | 'ec' | 'ecKey' | 'otherCa']: string };

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-acm-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=Test CA/O=Test Org');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '30', '-subj', '/CN=Other CA');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:server.vpn.example,DNS:vpn.example\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=server.vpn.example');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '30', '-extfile', 'san.ext');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'ec.key', '-out', 'ec.crt', '-days', '30', '-subj', '/CN=ec.vpn.example');
  // An expired certificate needs explicit dates: `openssl ca` takes them.
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=expired.vpn.example');
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n');
  openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.crt',
    '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-notext');
  pki = {
    ca: read('ca.crt'),
    caKey: read('ca.key'),
    server: read('server.crt'),
    serverKey: read('server.key'),
    expired: read('expired.crt'),
    expiredKey: read('expired.key'),
    ec: read('ec.crt'),
    ecKey: read('ec.key'),
    otherCa: read('other.crt'),
  };
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  fake = await FakeAws.start();
  fake.iam.createRole(ROLE);
  acm = new ACMClient({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: ROLE, secretAccessKey: 'secret' }, maxAttempts: 1 });
});

afterEach(async () => {
  acm.destroy();
  await fake.close();
});

function allow(actions: string[], resource: string, condition?: object): void {
  fake.iam.setPolicy(ROLE, `policy-${actions.join()}-${resource}-${JSON.stringify(condition)}`,
    { Statement: [{ Effect: 'Allow', Action: actions, Resource: resource, Condition: condition as never }] });
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, message, $metadata } = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name, status: $metadata?.httpStatusCode, message };
  }
  throw new Error('expected the call to fail');
}

const bytes = (pem: string) => Buffer.from(pem);
const importServer = (extra: object = {}) => acm.send(new ImportCertificateCommand({
  Certificate: bytes(pki.server), PrivateKey: bytes(pki.serverKey), CertificateChain: bytes(pki.ca), ...extra,
}));

describe('ImportCertificate', () => {
  test('a new import answers an ARN and DescribeCertificate what the certificate says', async () => {
    allow(['acm:ImportCertificate', 'acm:DescribeCertificate'], '*');
    const { CertificateArn: arn } = await importServer();
    expect(arn).toMatch(/^arn:aws:acm:us-east-1:123456789012:certificate\/[0-9a-f-]{36}$/);
    const { Certificate: described } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(described).toMatchObject({
      CertificateArn: arn,
      DomainName: 'server.vpn.example',
      SubjectAlternativeNames: ['server.vpn.example', 'vpn.example'],
      Subject: 'CN=server.vpn.example',
      Issuer: 'Test Org',
      Type: 'IMPORTED',
      Status: 'ISSUED',
      KeyAlgorithm: 'RSA_2048',
      InUseBy: [],
    });
    expect(described!.Serial).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(described!.NotAfter!.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(described!.NotBefore).toBeInstanceOf(Date);
    expect(described!.ImportedAt).toBeInstanceOf(Date);
    expect(fake.acm.certificate(arn!)).toMatchObject({
      certificatePem: pki.server, privateKeyPem: pki.serverKey, chainPem: pki.ca, imports: 1, deleted: false,
    });
    expect(fake.callsOf('ImportCertificate')[0]).toMatchObject({ service: 'acm', status: 200 });
    expect(fake.problems).toEqual([]);
  });

  test('a re-import keeps the ARN and replaces certificate, key and chain; tags on a re-import are refused', async () => {
    allow(['acm:ImportCertificate', 'acm:AddTagsToCertificate'], '*');
    const { CertificateArn: arn } = await acm.send(new ImportCertificateCommand({ Certificate: bytes(pki.ca), PrivateKey: bytes(pki.caKey) }));
    const reimported = await importServer({ CertificateArn: arn });
    expect(reimported.CertificateArn).toBe(arn);
    expect(fake.acm.certificate(arn!)).toMatchObject({ certificatePem: pki.server, chainPem: pki.ca, imports: 2 });
    expect(fake.acm.certificates()).toHaveLength(1);
    expect(await failure(importServer({ CertificateArn: arn, Tags: [{ Key: 'Team', Value: 'net' }] })))
      .toEqual({ name: 'ValidationException', status: 400, message: 'Tagging is not permitted on re-import.' });
    // "The key type and size cannot be changed."
    expect(await failure(acm.send(new ImportCertificateCommand({ CertificateArn: arn, Certificate: bytes(pki.ec), PrivateKey: bytes(pki.ecKey) }))))
      .toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(importServer({ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000' })))
      .toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(await failure(importServer({ CertificateArn: 'not-an-arn' }))).toMatchObject({ name: 'InvalidArnException', status: 400 });
  });

  test('refuses a key that does not match, an unsupported key, an expired certificate, a chain that did not sign it, two certificates', async () => {
    allow(['acm:ImportCertificate'], '*');
    const refused = (certificate: string, key: string, chain?: string) => failure(acm.send(new ImportCertificateCommand({
      Certificate: bytes(certificate), PrivateKey: bytes(key), ...(chain ? { CertificateChain: bytes(chain) } : {}),
    })));
    expect(await refused(pki.server, pki.caKey)).toEqual({
      name: 'ValidationException', status: 400, message: 'The private key does not match the public key in the certificate.',
    });
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect((await refused(pki.server, ed25519)).message).toMatch(/^The private key is not supported/);
    const encrypted = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p' }) as string;
    expect((await refused(pki.server, encrypted)).message).toMatch(/unencrypted/);
    expect((await refused(pki.expired, pki.expiredKey)).message).toMatch(/^The certificate is not valid now/);
    expect(await refused(pki.server, pki.serverKey, pki.otherCa)).toMatchObject({
      name: 'ValidationException', message: 'Could not validate the certificate with the certificate chain.',
    });
    expect((await refused(pki.server + pki.ca, pki.serverKey)).message).toMatch(/more than one certificate/);
    expect((await refused('not a certificate', pki.serverKey)).message).toMatch(/Unable to parse certificate/);
    expect(fake.acm.certificates()).toEqual([]);

    const ec = await acm.send(new ImportCertificateCommand({ Certificate: bytes(pki.ec), PrivateKey: bytes(pki.ecKey) }));
    allow(['acm:DescribeCertificate'], ec.CertificateArn!);
    const described = await acm.send(new DescribeCertificateCommand({ CertificateArn: ec.CertificateArn }));
    expect(described.Certificate?.KeyAlgorithm).toBe('EC_secp384r1');
  });

  test('IAM: a new import is authorized on certificate/*, with Tags also acm:AddTagsToCertificate and the request tag keys', async () => {
    const denied = await failure(importServer());
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(denied.message).toContain(`acm:ImportCertificate on resource: ${ALL_CERTIFICATES}`);

    allow(['acm:ImportCertificate'], ALL_CERTIFICATES, { StringEquals: { 'aws:RequestTag/ManagedBy': 'cdk-client-vpn' } });
    // A request without the tag lacks the key: StringEquals is false.
    expect(await failure(importServer())).toMatchObject({ name: 'AccessDeniedException' });
    const tags = [{ Key: 'ManagedBy', Value: 'cdk-client-vpn' }];
    expect((await failure(importServer({ Tags: tags }))).message).toContain('acm:AddTagsToCertificate');
    allow(['acm:AddTagsToCertificate'], ALL_CERTIFICATES, { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['ManagedBy'] } });
    const { CertificateArn: arn } = await importServer({ Tags: tags });
    expect(fake.acm.certificate(arn!)?.tags).toEqual({ ManagedBy: 'cdk-client-vpn' });
    expect(await failure(importServer({ Tags: [...tags, { Key: 'Other', Value: 'x' }] }))).toMatchObject({ name: 'AccessDeniedException' });

    // Actions on an existing certificate see its tags as aws:ResourceTag.
    allow(['acm:DescribeCertificate', 'acm:ListTagsForCertificate'], '*', { StringEquals: { 'aws:ResourceTag/ManagedBy': 'cdk-client-vpn' } });
    await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual(tags);
    allow(['acm:ImportCertificate'], ALL_CERTIFICATES);
    const { CertificateArn: untagged } = await importServer();
    expect(await failure(acm.send(new DescribeCertificateCommand({ CertificateArn: untagged })))).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(fake.iam.problems).toEqual([]);
  });
});

describe('DeleteCertificate and tags', () => {
  test('a certificate a Client VPN endpoint uses is InUseBy it and cannot be deleted; an unknown one is not found', async () => {
    allow(['acm:*'], '*');
    const { CertificateArn: server } = await importServer();
    const { CertificateArn: root } = await acm.send(new ImportCertificateCommand({ Certificate: bytes(pki.ca), PrivateKey: bytes(pki.caKey) }));
    const endpoint = fake.ec2.createEndpoint({
      ServerCertificateArn: server,
      AuthenticationOptions: [{ Type: 'certificate-authentication', MutualAuthentication: { ClientRootCertificateChainArn: root } }],
    }, []);
    const endpointArn = `arn:aws:ec2:us-east-1:123456789012:client-vpn-endpoint/${endpoint.id}`;
    for (const arn of [server, root]) {
      expect((await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate?.InUseBy).toEqual([endpointArn]);
      expect(await failure(acm.send(new DeleteCertificateCommand({ CertificateArn: arn }))))
        .toEqual({ name: 'ResourceInUseException', status: 400, message: `Certificate ${arn} in account 123456789012 is in use.` });
    }
    fake.ec2.deleteEndpoint(endpoint.id);
    await acm.send(new DeleteCertificateCommand({ CertificateArn: server }));
    expect(fake.acm.certificate(server!)?.deleted).toBe(true);
    expect(await failure(acm.send(new DeleteCertificateCommand({ CertificateArn: server })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(await failure(acm.send(new DescribeCertificateCommand({ CertificateArn: server })))).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  test('AddTagsToCertificate adds and overwrites, refuses aws: keys; DeleteCertificate is denied without acm:DeleteCertificate', async () => {
    allow(['acm:ImportCertificate', 'acm:AddTagsToCertificate', 'acm:ListTagsForCertificate'], '*');
    const { CertificateArn: arn } = await importServer({ Tags: [{ Key: 'A', Value: '1' }] });
    await acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'A', Value: '2' }, { Key: 'B' }] }));
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([{ Key: 'A', Value: '2' }, { Key: 'B' }]);
    expect(await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'aws:x', Value: '1' }] }))))
      .toMatchObject({ name: 'InvalidTagException', status: 400 });
    const denied = await failure(acm.send(new DeleteCertificateCommand({ CertificateArn: arn })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(denied.message).toContain(`acm:DeleteCertificate on resource: ${arn}`);
  });

  test('faults: throttling answers 400 ThrottlingException', async () => {
    allow(['acm:DescribeCertificate'], '*');
    fake.faults.throttle('DescribeCertificate', 1);
    expect(await failure(acm.send(new DescribeCertificateCommand({ CertificateArn: `${ALL_CERTIFICATES.slice(0, -1)}x` }))))
      .toMatchObject({ name: 'ThrottlingException', status: 400 });
    expect(fake.callsOf('DescribeCertificate').map((call) => [call.service, call.status])).toEqual([['acm', 400]]);
    expect(fake.faults.pending()).toEqual([]);
  });
});
