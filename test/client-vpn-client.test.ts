import { Annotations as CoreAnnotations, Duration, Fn, Lazy, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ClientVpnCertificateAuthority, ClientVpnClient, ClientVpnClientOptions, ClientVpnErrors } from '../src';
import {
  AUTHORITY, authorityTag, caStack, cfnId, CLIENT, CSR, expectViolation, HANDLER_ID, idsOf, rendered, resource, SECRET,
  trustingEndpoint, validationError,
} from './certificate-authority-fixtures';
import { libraryWarnings, logicalId, testStack } from './util';

function build(options?: ClientVpnClientOptions, caProps?: Parameters<typeof caStack>[0]) {
  const f = caStack(caProps);
  const client = f.ca.addClient('alice', options);
  return { ...f, client, template: Template.fromStack(f.stack) };
}

describe('the client certificate resource', () => {
  test('defaults: the id as common name, the CA\'s client validity (730 days), no signing request, issued by the authority', () => {
    const f = build();
    const certificate = resource(f.template, cfnId(f.stack, f.client));
    expect(certificate.Type).toBe(CLIENT);
    expect(certificate.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [cfnId(f.stack, f.stack.node.findChild(HANDLER_ID)), 'Arn'] },
      ServiceTimeout: '360',
      CaSecretArn: { Ref: logicalId(f.stack, f.ca.node.findChild('Secret')) },
      ClientSecretArn: { Ref: logicalId(f.stack, f.client.secret) },
      CommonName: 'alice',
      ValidityDays: '730',
      Authority: { 'Fn::GetAtt': [cfnId(f.stack, f.ca), 'CertificateArn'] },
    });
    expect(f.client.commonName).toBe('alice');
    expect(f.client.revoked).toBe(false);
    expect(f.client).toBeInstanceOf(ClientVpnClient);
    expect(f.client.node.path).toBe('Test/CA/alice');
  });

  test('commonName, validity and certificateSigningRequest reach it', () => {
    const f = build({ commonName: 'alice@example.com', validity: Duration.days(90), certificateSigningRequest: CSR });
    expect(resource(f.template, cfnId(f.stack, f.client)).Properties).toMatchObject({
      CommonName: 'alice@example.com', ValidityDays: '90', CertificateSigningRequest: CSR,
    });
    expect(f.client.commonName).toBe('alice@example.com');
  });

  test('the CA\'s clientCertificateValidity is the default of its clients', () => {
    const f = build(undefined, { clientCertificateValidity: Duration.days(365) });
    expect(resource(f.template, cfnId(f.stack, f.client)).Properties.ValidityDays).toBe('365');
  });

  test('revoked: true is on the client and on the CRL, and does not change the certificate resource', () => {
    const revoked = build({ revoked: true });
    const kept = build();
    expect(revoked.client.revoked).toBe(true);
    expect(resource(revoked.template, cfnId(revoked.stack, revoked.client)).Properties)
      .toEqual(resource(kept.template, cfnId(kept.stack, kept.client)).Properties);
    const list = resource(revoked.template, cfnId(revoked.stack, revoked.ca.node.findChild('RevocationList')));
    expect(JSON.parse(rendered(list.Properties.Clients))).toEqual([{
      serialNumber: `<${cfnId(revoked.stack, revoked.client)}.SerialNumber>`, revoked: true, secretArn: `<${logicalId(revoked.stack, revoked.client.secret)}>`,
    }]);
  });

  test('depends on the handler, its role and the CA\'s access policy; the authority through its CertificateArn', () => {
    const f = build();
    const handler = f.stack.node.findChild(HANDLER_ID);
    expect(resource(f.template, cfnId(f.stack, f.client)).DependsOn).toEqual(expect.arrayContaining([
      cfnId(f.stack, handler), cfnId(f.stack, f.stack.node.findChild(`${HANDLER_ID}Role`)), logicalId(f.stack, f.ca.node.findChild('Access')),
    ]));
    expect(idsOf(f.template, AUTHORITY)).toEqual([cfnId(f.stack, f.ca)]);
  });
});

describe('the client secret', () => {
  test('a placeholder the handler writes: GenerateSecretString with nothing in it, always deleted with the client', () => {
    const f = build();
    const secret = resource(f.template, logicalId(f.stack, f.client.secret));
    expect(secret).toMatchObject({ Type: SECRET, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    expect(secret.Properties).toEqual({
      Description: 'cdk-client-vpn: the client certificate and key of Test/CA/alice',
      GenerateSecretString: {},
      // The handler's grant on client secrets requires the CA's tag.
      Tags: [{ Key: 'cdk-client-vpn:certificate-authority', Value: authorityTag(f.ca) }],
    });
  });

  test('the CA\'s tag wins over an app tag of the same key', () => {
    const f = build();
    Tags.of(f.stack).add('cdk-client-vpn:certificate-authority', 'someone-else');
    const secret = resource(Template.fromStack(f.stack), logicalId(f.stack, f.client.secret));
    expect(secret.Properties.Tags).toEqual([{ Key: 'cdk-client-vpn:certificate-authority', Value: authorityTag(f.ca) }]);
  });

  test('encrypted with the CA\'s encryptionKey', () => {
    const f = testStack();
    const key = new kms.Key(f.stack, 'Key');
    const { ca } = caStack({ encryptionKey: key }, f);
    const client = ca.addClient('alice', { certificateSigningRequest: CSR });
    expect(resource(Template.fromStack(f.stack), logicalId(f.stack, client.secret)).Properties.KmsKeyId)
      .toEqual({ 'Fn::GetAtt': [logicalId(f.stack, key), 'Arn'] });
  });
});

describe('grantRead', () => {
  test('lets the grantee read that client\'s secret and no other', () => {
    const f = caStack();
    const alice = f.ca.addClient('alice');
    f.ca.addClient('bob');
    const user = new iam.User(f.stack, 'Alice');
    const grant = alice.grantRead(user);
    expect(grant.success).toBe(true);
    const template = Template.fromStack(f.stack);
    const policy = resource(template, logicalId(f.stack, user.node.findChild('DefaultPolicy')));
    expect(policy.Properties.Users).toEqual([{ Ref: logicalId(f.stack, user) }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { Ref: logicalId(f.stack, alice.secret) },
    }]);
  });

  test('with an encryptionKey, the key policy lets the grantee decrypt through Secrets Manager', () => {
    const f = testStack();
    const key = new kms.Key(f.stack, 'Key');
    const { ca } = caStack({ encryptionKey: key }, f);
    const user = new iam.User(f.stack, 'Alice');
    ca.addClient('alice').grantRead(user);
    const statements = resource(Template.fromStack(f.stack), logicalId(f.stack, key)).Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Principal: { AWS: { 'Fn::GetAtt': [logicalId(f.stack, user), 'Arn'] } },
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
  });

  test('without an encryptionKey, no key policy is involved', () => {
    const f = caStack();
    f.ca.addClient('alice').grantRead(new iam.User(f.stack, 'Alice'));
    Template.fromStack(f.stack).resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('a CA with several clients and endpoints', () => {
  test('every client secret is in the trust of every endpoint, clients added after the endpoints too', () => {
    const f = caStack();
    const endpoints = ['First', 'Second'].map((id) => trustingEndpoint(f, f.ca, id));
    const clients = ['alice', 'bob', 'carol'].map((id) => f.ca.addClient(id, { revoked: id === 'bob' }));
    const template = Template.fromStack(f.stack);
    for (const endpoint of endpoints) {
      const trust = resource(template, cfnId(f.stack, endpoint.node.findChild('CertificateAuthorityTrust')));
      expect(JSON.parse(rendered(trust.Properties.Clients))).toEqual(clients.map((client) => ({
        secretArn: `<${logicalId(f.stack, client.secret)}>`,
        serialNumber: `<${cfnId(f.stack, client)}.SerialNumber>`,
      })));
    }
  });
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ\n-----END CERTIFICATE-----\n';

const REJECTED: Array<[string, ClientVpnClientOptions, string, string, string]> = [
  ['options that are not an object', 'alice' as unknown as ClientVpnClientOptions, 'options', 'must be an object of ClientVpnClientOptions', "'alice'"],
  ['null options', null as unknown as ClientVpnClientOptions, 'options', 'must be an object of ClientVpnClientOptions', 'null'],
  ['a commonName of 65 characters', { commonName: 'a'.repeat(65) }, 'commonName', "must be at most 64 characters (X.520's bound for a common name)", `'${'a'.repeat(65)}'`],
  ['an empty commonName', { commonName: '' }, 'commonName', 'must not be empty', "''"],
  ['a commonName that is not a string', { commonName: { name: 'alice' } as unknown as string }, 'commonName', 'must be a string', '{"name":"alice"}'],
  ['revoked that is not a boolean', { revoked: 'yes' as unknown as boolean }, 'revoked', 'must be true or false', "'yes'"],
  ['a token revoked', { revoked: Lazy.any({ produce: () => true }) as unknown as boolean }, 'revoked',
    'must be true or false, not a deploy-time value (the CRL lists what the app says)', '"<unresolved-lazy>"'],
  ['an empty certificateSigningRequest', { certificateSigningRequest: '' }, 'certificateSigningRequest', 'must not be empty', "''"],
  ['a certificateSigningRequest that is not a string', { certificateSigningRequest: 42 as unknown as string }, 'certificateSigningRequest', 'must be a string', '42'],
  ['a certificateSigningRequest that is not PEM', { certificateSigningRequest: 'MIIBTzCBuQIBADAQ' }, 'certificateSigningRequest',
    'must be a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)', "'MIIBTzCBuQIBADAQ'"],
  ['a certificate instead of a request', { certificateSigningRequest: CERTIFICATE_PEM }, 'certificateSigningRequest', 'must be a PEM certificate signing request', `'${CERTIFICATE_PEM}'`],
  ['a request with text after it', { certificateSigningRequest: `${CSR}trailing` }, 'certificateSigningRequest', 'must be a PEM certificate signing request', 'a string of'],
  ['a validity that is not a Duration', { validity: 90 as unknown as Duration }, 'validity', 'must be a Duration', '90'],
  ['a validity of 0 days', { validity: Duration.days(0) }, 'validity', 'must be a whole number of days, at least 1', "'0 days'"],
  ['a validity of hours', { validity: Duration.hours(12) }, 'validity', 'must be a whole number of days, at least 1', "'12 hours'"],
];

describe.each(REJECTED)('a client with %s', (_name, options, prop, rule, received) => {
  test('is rejected naming the client\'s path, the prop, the rule and the value', () => {
    const { ca } = caStack();
    const error = validationError(() => ca.addClient('alice', options));
    expect(ClientVpnErrors.isValidationError(error)).toBe(true);
    if (received.startsWith('a string of')) {
      expect(error.message.startsWith(`Test/CA/alice: \`${prop}\` ${rule}`)).toBe(true);
      expect(error.message).toMatch(/, got a string of \d+ characters$/);
    } else {
      expectViolation(error, 'Test/CA/alice', prop, rule, received);
    }
  });

  test('leaves the tree and the CA\'s lists: the id works again, and the template is the one the valid client alone makes', () => {
    const f = caStack();
    trustingEndpoint(f, f.ca);
    validationError(() => f.ca.addClient('alice', options));
    expect(f.ca.node.tryFindChild('alice')).toBeUndefined();
    expect(f.ca.addClient('alice').node.path).toBe('Test/CA/alice');

    const fresh = caStack();
    trustingEndpoint(fresh, fresh.ca);
    fresh.ca.addClient('alice');
    expect(Template.fromStack(f.stack).toJSON()).toEqual(Template.fromStack(fresh.stack).toJSON());
  });
});

test('a rejected client\'s stack starts in the library\'s addClient, then where the app called it', () => {
  const { ca } = caStack();
  const error = validationError(() => ca.addClient('alice', { commonName: '' }));
  const frames = error.stack!.split('\n').filter((line) => line.trimStart().startsWith('at '));
  expect(frames[0]).toContain('ClientVpnCertificateAuthority.addClient');
  expect(frames[1]).toContain('client-vpn-client.test.ts');
});

describe('accepted at the edge of a rule', () => {
  test.each<[string, ClientVpnClientOptions]>([
    ['a commonName of 64 characters', { commonName: 'a'.repeat(64) }],
    ['a commonName of 64 code points in 128 UTF-16 units', { commonName: '🔑'.repeat(64) }],
    ['a NEW CERTIFICATE REQUEST header', { certificateSigningRequest: CSR.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST') }],
    ['CRLF line ends', { certificateSigningRequest: CSR.replace(/\n/g, '\r\n') }],
    ['a validity of one day', { validity: Duration.days(1) }],
    ['revoked: false', { revoked: false }],
  ])('%s', (_name, options) => {
    const { ca, stack } = caStack();
    expect(() => ca.addClient('alice', options)).not.toThrow();
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('tokens are never rejected for their content', () => {
  test('a token commonName and a token certificateSigningRequest pass and reach the resource', () => {
    const f = caStack();
    const client = f.ca.addClient('alice', { commonName: Fn.importValue('AliceName'), certificateSigningRequest: Fn.importValue('AliceCsr') });
    expect(resource(Template.fromStack(f.stack), cfnId(f.stack, client)).Properties).toMatchObject({
      CommonName: { 'Fn::ImportValue': 'AliceName' },
      CertificateSigningRequest: { 'Fn::ImportValue': 'AliceCsr' },
    });
  });
});

// ---------------------------------------------------------------------------
// duplicateClientCommonName
// ---------------------------------------------------------------------------

describe('duplicateClientCommonName', () => {
  test('a second client with the same common name: a warning on it, both are created', () => {
    const f = caStack();
    f.ca.addClient('alice');
    const second = f.ca.addClient('alice-laptop', { commonName: 'alice' });
    expect(libraryWarnings(f.stack, 'duplicateClientCommonName')).toEqual([
      "Test/CA/alice-laptop: `commonName` is also Test/CA/alice's: Client VPN's connection logs would not tell the two apart, got 'alice' [ack: cdk-client-vpn:duplicateClientCommonName]",
    ]);
    expect(second.commonName).toBe('alice');
    Template.fromStack(f.stack).resourceCountIs(CLIENT, 2);
  });

  test('acknowledged on the client after creating it, or on the stack, it is gone', () => {
    const onClient = caStack();
    onClient.ca.addClient('alice');
    const second = onClient.ca.addClient('alice2', { commonName: 'alice' });
    CoreAnnotations.of(second).acknowledgeWarning('cdk-client-vpn:duplicateClientCommonName', 'two devices of one user');
    expect(libraryWarnings(onClient.stack, 'duplicateClientCommonName')).toEqual([]);

    const onStack = caStack();
    CoreAnnotations.of(onStack.stack).acknowledgeWarning('cdk-client-vpn:duplicateClientCommonName', 'two devices of one user');
    onStack.ca.addClient('alice');
    onStack.ca.addClient('alice2', { commonName: 'alice' });
    expect(libraryWarnings(onStack.stack, 'duplicateClientCommonName')).toEqual([]);
  });

  test('none for different names, for the same name in two CAs, or for a token name', () => {
    const f = caStack();
    f.ca.addClient('alice');
    f.ca.addClient('bob');
    f.ca.addClient('token', { commonName: Lazy.string({ produce: () => 'alice' }) });
    const other = new ClientVpnCertificateAuthority(f.stack, 'Other');
    other.addClient('alice');
    expect(libraryWarnings(f.stack, 'duplicateClientCommonName')).toEqual([]);
  });
});
