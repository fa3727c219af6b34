import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { ClientVpnCertificateAuthority, ClientVpnCertificateAuthorityProps, ClientVpnEndpoint, ClientVpnEndpointProps } from '../src';
import { createEndpoint, Fixture, testStack } from './util';
import { ClientVpnValidationError } from '../src/private/client-vpn-validation-error';

export const SECRET = 'AWS::SecretsManager::Secret';
export const POLICY = 'AWS::IAM::Policy';
export const FUNCTION = 'AWS::Lambda::Function';
export const AUTHORITY = 'Custom::ClientVpnCertificateAuthority';
export const CLIENT = 'Custom::ClientVpnClientCertificate';
export const REVOCATION_LIST = 'Custom::ClientVpnRevocationList';
export const TRUST = 'Custom::ClientVpnCertificateAuthorityTrust';
/** The construct id, under the stack, of the certificate authority handler. */
export const HANDLER_ID = 'ClientVpnCertificateAuthorityHandler';

/** A PEM PKCS #10 request for CN=carol with an RSA 1024-bit key (made with openssl; its key was thrown away). */
export const CSR = [
  '-----BEGIN CERTIFICATE REQUEST-----',
  'MIIBTzCBuQIBADAQMQ4wDAYDVQQDDAVjYXJvbDCBnzANBgkqhkiG9w0BAQEFAAOB',
  'jQAwgYkCgYEAw2Pq+vhNvyssQAYngKKSUfwfHZ5ZxDcdL+PKHyyQtA7TNynzRnR1',
  '2mxUdBjPHCgWTGz9lQYnHlR/RNSlBiprVpO11XaHbgFVnJ7rCqU/u8GRrf7g1KYd',
  'Y4dkGGTkGqG6v8wwqAn5sWotqqVbscZjpmEZKcHvDlgPlq+SgNnnNtcCAwEAAaAA',
  'MA0GCSqGSIb3DQEBCwUAA4GBAAnDajJBlDeeQkDOicP9jF9PQ0nbcvTgKzrO3/5e',
  'yGicg61+t38SX0/mIQ1T7sOWje2eRgp47abS+lOmlQpaZnTJ40yqJQPumc1ggxYd',
  'BlCnLWN1pn3T9Ib0BhBkHYsFg5z+21pxEg8Ah3vaFtUBSJFAbet3YgGEtArzzFUw',
  'Q8gm',
  '-----END CERTIFICATE REQUEST-----',
  '',
].join('\n');

/** The logical id of a construct's CloudFormation resource, following default children (a CustomResource's is two levels down). */
/** The value of a CA's tag as the template writes it: the stack's id and a hash of the CA's path. */
export function authorityTag(ca: IConstruct): unknown {
  return { 'Fn::Join': ['', [{ Ref: 'AWS::StackId' }, `/${ca.node.addr.slice(0, 8)}`]] };
}

export function cfnId(stack: Stack, construct: IConstruct): string {
  let current: IConstruct | undefined = construct;
  while (current && !CfnElement.isCfnElement(current)) {
    current = current.node.defaultChild;
  }
  if (!current) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return stack.getLogicalId(current as CfnElement);
}

/** A fixture with a certificate authority `CA` made with `props`. */
export function caStack(props?: ClientVpnCertificateAuthorityProps, fixture: Fixture = testStack()) {
  const ca = new ClientVpnCertificateAuthority(fixture.stack, 'CA', props);
  return { ...fixture, ca };
}

/** An endpoint whose server and client root certificates are the CA's. */
export function trustingEndpoint(f: Fixture, ca: ClientVpnCertificateAuthority, id = 'Endpoint', props: Partial<ClientVpnEndpointProps> = {}): ClientVpnEndpoint {
  return createEndpoint(f, { serverCertificate: ca.serverCertificate, clientRootCertificate: ca.clientRootCertificate, ...props }, id);
}

/** A resource of a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: any;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: any;
}

/** The template's resource `id`. */
export function resource(template: Template, id: string): TemplateResource {
  const found = template.toJSON().Resources[id];
  expect(found).toBeDefined();
  return found;
}

/** The ids of the template's resources of `type`, sorted. */
export function idsOf(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type)).sort();
}

/**
 * A string property as the handler receives it: `Fn::Join` joined, `Ref` written `<Id>` and
 * `Fn::GetAtt` `<Id.Attribute>`, so JSON properties can be parsed and compared.
 */
export function rendered(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const intrinsic = value as { [name: string]: any };
  if (intrinsic['Fn::Join']) {
    const [delimiter, items] = intrinsic['Fn::Join'];
    return (items as unknown[]).map(rendered).join(delimiter);
  }
  if (intrinsic['Fn::GetAtt']) {
    return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  }
  if (intrinsic.Ref) {
    return `<${intrinsic.Ref}>`;
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** Runs `action`, which must throw a ClientVpnValidationError; returns it. */
export function validationError(action: () => unknown): ClientVpnValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientVpnValidationError);
    return error as ClientVpnValidationError;
  }
  throw new Error('expected a ClientVpnValidationError, nothing was thrown');
}

/**
 * Checks the error names the construct's path, then the prop in backticks and the rule, and ends
 * with the value it got.
 */
export function expectViolation(error: ClientVpnValidationError, path: string, prop: string, rule: string, received: string): void {
  expect(error.constructPath).toBe(path);
  expect(error.message.startsWith(`${path}: \`${prop}\` ${rule}`)).toBe(true);
  expect(error.message.endsWith(`, got ${received}`)).toBe(true);
}
