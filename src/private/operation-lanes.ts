import { CfnResource, Stack } from 'aws-cdk-lib';
import { IClientVpnEndpoint } from '../client-vpn-endpoint-types';
import { dependOnAssociations } from './endpoint-facts';

/**
 * A Client VPN endpoint runs at most 10 operations at once (target network associations,
 * rules, routes; the quota is not adjustable), and CloudFormation starts every resource whose
 * dependencies are met. Rules and routes therefore join one of 10 lanes per endpoint: each
 * waits for the one before it in its lane, and the first of a lane for the associations.
 * The associations finish before any lane starts, so no more than 10 run together, and a
 * deploy takes as many steps as the longest lane rather than one per rule.
 */
export const MAX_CONCURRENT_OPERATIONS = 10;

const LANES = Symbol.for('cdk-client-vpn.OperationLanes');

interface Lanes {
  joined: number;
  readonly last: CfnResource[];
}

export function joinOperationLane(resource: CfnResource, endpoint: IClientVpnEndpoint): void {
  const lanes = lanesOf(endpoint, Stack.of(resource));
  const lane = lanes.joined++ % MAX_CONCURRENT_OPERATIONS;
  const previous = lanes.last[lane];
  if (previous) {
    resource.node.addDependency(previous);
  } else {
    dependOnAssociations(resource, endpoint);
  }
  lanes.last[lane] = resource;
}

/** An endpoint's lanes in one stack: a dependency cannot cross stacks. */
function lanesOf(endpoint: IClientVpnEndpoint, stack: Stack): Lanes {
  const holder = endpoint as unknown as { [LANES]?: Map<Stack, Lanes> };
  if (!holder[LANES]) {
    Object.defineProperty(holder, LANES, { value: new Map(), enumerable: false });
  }
  const byStack = holder[LANES]!;
  let lanes = byStack.get(stack);
  if (!lanes) {
    lanes = { joined: 0, last: [] };
    byStack.set(stack, lanes);
  }
  return lanes;
}
