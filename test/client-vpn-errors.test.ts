import { PropertyInjectors } from 'aws-cdk-lib';
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
  IngressAuthorizationProps,
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

/** The endpoint the constructs of a fixture belong to, made once: associated with the first zone's subnet only. */
function sharedEndpoint(f: Fixture): ClientVpnEndpoint {
  return (f.stack.node.tryFindChild('Shared') as ClientVpnEndpoint | undefined)
    ?? createEndpoint(f, { vpcSubnets: { subnets: [f.vpc.privateSubnets[0]] } }, 'Shared');
}

/** Each construct with props it rejects and props it accepts, under the same id. */
const CASES: Array<[string, (f: Fixture, valid: boolean) => unknown, string, string]> = [
  ['ClientVpnEndpoint', (f, valid) => new ClientVpnEndpoint(f.stack, 'Vpn', { ...minimalProps(f), clientCidrBlock: valid ? '10.100.0.0/22' : '10.100.0.0/24' }),
    'Test/Vpn', '`clientCidrBlock` must be between /12 and /22'],
  ['IngressAuthorization', (f, valid) => new IngressAuthorization(f.stack, 'Rule', { endpoint: sharedEndpoint(f), cidr: valid ? '10.1.0.0/16' : '10.1.0.1/16', authorizeAllGroups: true }),
    'Test/Rule', '`cidr` must be a network address'],
  ['ClientVpnRoute', (f, valid) => new ClientVpnRoute(f.stack, 'Route', { endpoint: sharedEndpoint(f), cidr: valid ? '0.0.0.0/0' : 'internet', target: ClientVpnRouteTarget.subnet(f.vpc.privateSubnets[0]) }),
    'Test/Route', '`cidr` must be an IPv4 or IPv6 network'],
  ['ClientVpnTargetNetworkAssociation', (f, valid) => new ClientVpnTargetNetworkAssociation(f.stack, 'Association', {
    endpoint: sharedEndpoint(f),
    subnet: f.vpc.privateSubnets[valid ? 1 : 0],
  }), 'Test/Association', '`subnet` must be in an Availability Zone the endpoint has no target network in yet'],
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

  test('leaves the tree: the same id works again, and the template is the one the valid call alone makes', () => {
    const f = testStack();
    thrown(() => create(f, false));
    expect(f.stack.node.tryFindChild(path.split('/').pop()!)).toBeUndefined();
    expect((create(f, true) as ClientVpnEndpoint).node.path).toBe(path);

    const fresh = testStack();
    create(fresh, true);
    expect(Template.fromStack(f.stack).toJSON()).toEqual(Template.fromStack(fresh.stack).toJSON());
  });

  test('has a stack that starts where the app created the construct', () => {
    const f = testStack();
    const error = thrown(() => create(f, false));
    const firstFrame = error.stack!.split('\n').find((line) => line.trimStart().startsWith('at '))!;
    expect(firstFrame).toContain('client-vpn-errors.test.ts');
  });
});

describe('an endpoint whose own child fails', () => {
  // An injector for every rule of the stack that no rule for all groups survives: the endpoint's default rule fails after its siblings exist.
  function withBreakingRuleInjector(f: Fixture): void {
    PropertyInjectors.of(f.stack).add({
      constructUniqueId: IngressAuthorization.PROPERTY_INJECTION_ID,
      inject: (props: IngressAuthorizationProps) => ({ ...props, authorizeAllGroups: false }),
    });
  }

  test('leaves the tree with all its children; the error names the child that failed', () => {
    const f = testStack();
    withBreakingRuleInjector(f);
    const error = thrown(() => createEndpoint(f));
    expect(error.constructPath).toBe('Test/Endpoint/AuthorizeAll');
    expect(f.stack.node.tryFindChild('Endpoint')).toBeUndefined();
    expect(Template.fromStack(f.stack).toJSON()).toEqual(Template.fromStack(testStack().stack).toJSON());
  });

  test('an imported VPC whose CIDR block has host bits set is rejected as `vpc` before any child is made', () => {
    const f = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(f.stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.20.0.1/16', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] });
    const error = thrown(() => createEndpoint(f, { vpc }));
    expect(error.message).toBe('Test/Endpoint: `vpc` must have a CIDR block that is an IPv4 network address, which the default rule authorizes: '
      + "fix the imported `vpcCidrBlock` or set `authorizeAllUsersToVpcCidr: false`, got '10.20.0.1/16'");
    expect(() => createEndpoint(f, { vpc, authorizeAllUsersToVpcCidr: false })).not.toThrow();
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
