import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ClientVpnEndpoint,
  ClientVpnRoute,
  ClientVpnRouteTarget,
  ClientVpnSettingsHandler,
  ClientVpnErrors,
  ClientVpnTargetNetworkAssociation,
  IngressAuthorization,
} from '../src';
import { Fixture, createEndpoint, minimalProps, testStack } from './util';
import { ClientVpnValidationError } from '../src/private/client-vpn-validation-error';

function thrown(action: () => unknown): ClientVpnValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientVpnValidationError);
    return error as ClientVpnValidationError;
  }
  throw new Error('expected a ClientVpnValidationError, nothing was thrown');
}

/** Each construct with props it rejects and props it accepts, under the same id. */
const CASES: Array<[string, (f: Fixture, valid: boolean) => unknown, string, string]> = [
  ['ClientVpnEndpoint', (f, valid) => new ClientVpnEndpoint(f.stack, 'Vpn', { ...minimalProps(f), clientCidrBlock: valid ? '10.100.0.0/22' : '10.100.0.0/24' }),
    'Test/Vpn', '`clientCidrBlock` must be between /12 and /22'],
  ['IngressAuthorization', (f, valid) => new IngressAuthorization(f.stack, 'Rule', { endpoint: createEndpoint(f, {}, `E${valid}`), cidr: valid ? '10.1.0.0/16' : '10.1.0.1/16', authorizeAllGroups: true }),
    'Test/Rule', '`cidr` must be a network address'],
  ['ClientVpnRoute', (f, valid) => new ClientVpnRoute(f.stack, 'Route', { endpoint: createEndpoint(f, {}, `E${valid}`), cidr: valid ? '0.0.0.0/0' : 'internet', target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0]) }),
    'Test/Route', '`cidr` must be an IPv4 or IPv6 network'],
  ['ClientVpnTargetNetworkAssociation', (f, valid) => new ClientVpnTargetNetworkAssociation(f.stack, 'Association', {
    endpoint: ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, `E${valid}`, { endpointId: 'cvpn-endpoint-0123456789abcdef0' }),
    ...(valid ? { subnet: f.vpc.privateSubnets[0] } : {}),
  }), 'Test/Association', '`subnet` or `availabilityZone` or `availabilityZoneId`: give exactly one'],
];

describe.each(CASES)('%s with a broken rule', (_name, create, path, violation) => {
  test('throws a ClientVpnValidationError whose message starts with the construct path, then the prop', () => {
    const f = testStack();
    const error = thrown(() => create(f, false));
    expect(error.message.startsWith(`${path}: ${violation}`)).toBe(true);
    expect(error.constructPath).toBe(path);
    expect(error.violation.startsWith(violation)).toBe(true);
    expect(error.name).toBe('ClientVpnValidationError');
    expect(ClientVpnErrors.isValidationError(error)).toBe(true);
  });

  test('leaves the tree: the same id works again, and nothing of the failed attempt is synthesized', () => {
    const f = testStack();
    thrown(() => create(f, false));
    const id = path.split('/').pop()!;
    expect(f.stack.node.tryFindChild(id)).toBeUndefined();
    const made = create(f, true) as ClientVpnEndpoint;
    expect(made.node.path).toBe(path);
    const resources = Template.fromStack(f.stack).toJSON().Resources as { [id: string]: { Type: string } };
    const ofPath = Object.keys(resources).filter((logicalId) => logicalId.startsWith(id));
    expect(ofPath.length).toBeGreaterThan(0);
  });

  test('has a stack that starts where the app created the construct', () => {
    const f = testStack();
    const error = thrown(() => create(f, false));
    const firstFrame = error.stack!.split('\n').find((line) => line.trimStart().startsWith('at '))!;
    expect(firstFrame).toContain('client-vpn-errors.test.ts');
  });
});

describe('errors outside constructors name the place too', () => {
  test('fromClientVpnEndpointAttributes without an endpoint id names the path it would have had', () => {
    const f = testStack();
    const error = thrown(() => ClientVpnEndpoint.fromClientVpnEndpointAttributes(f.stack, 'Imported', { endpointId: '' }));
    expect(error.message).toBe("Test/Imported: `endpointId` must be the id of a Client VPN endpoint, got ''");
  });

  test('addCrlExpiryAlarm with a threshold below a day names the endpoint', () => {
    const f = testStack();
    const endpoint = createEndpoint(f);
    const error = thrown(() => endpoint.addCrlExpiryAlarm('Alarm', { thresholdDays: 0 }));
    expect(error.message).toBe('Test/Endpoint: `thresholdDays` must be a whole number of days, at least 1, got 0');
  });

  test('ClientVpnSettingsHandler.configure names the stack', () => {
    const f = testStack();
    const error = thrown(() => ClientVpnSettingsHandler.configure(f.vpc, { runtime: lambda.Runtime.NODEJS_20_X }));
    expect(error.message).toMatch(/^Test: `runtime` must be the lambda.Runtime of 'nodejs22.x' or 'nodejs24.x'/);
  });

  test('a factory, which has no construct, names the prop first', () => {
    const error = thrown(() => ClientVpnRouteTarget.subnet({ subnetId: 5 } as unknown as ec2.ISubnet));
    expect(error.constructPath).toBe('');
    expect(error.message).toBe(error.violation);
    expect(error.message.startsWith('`target`')).toBe(true);
  });
});

test('ClientVpnErrors.isValidationError recognizes an error of another copy of the library, and nothing else', () => {
  const other = Object.assign(new Error('x'), { [Symbol.for('cdk-client-vpn.ClientVpnValidationError')]: true });
  expect(ClientVpnErrors.isValidationError(other)).toBe(true);
  expect(ClientVpnErrors.isValidationError(new Error('`cidr` is required'))).toBe(false);
  expect(ClientVpnErrors.isValidationError(undefined)).toBe(false);
  expect(ClientVpnErrors.isValidationError('Test: `cidr`')).toBe(false);
});

test('in TypeScript the guard gives the path and the violation', () => {
  const f = testStack();
  try {
    createEndpoint(f, { clientCidrBlock: '10.100.0.0/24' });
  } catch (error) {
    if (!ClientVpnErrors.isValidationError(error)) {
      throw error;
    }
    expect([error.constructPath, error.violation]).toEqual(['Test/Endpoint', "`clientCidrBlock` must be between /12 and /22, got '10.100.0.0/24'"]);
    return;
  }
  throw new Error('expected the endpoint to be rejected');
});
