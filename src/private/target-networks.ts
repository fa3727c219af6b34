import { Stack, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describeSubnet, invalid, isUnresolved, parseCidr, requireResource } from './validation';

/**
 * The rules of target networks (the Client VPN administrator guide, "Target networks"), shared
 * by an endpoint's own associations and `ClientVpnTargetNetworkAssociation`.
 */

/** "The subnet must have a CIDR block with at least a /27 bitmask." */
const MAX_TARGET_SUBNET_PREFIX = 27;

export interface TargetSubnets {
  readonly subnets: ec2.ISubnet[];
  /** Vpc.fromLookup has not run yet: its subnets are placeholders, and this synthesis is thrown away. */
  readonly isPendingLookup: boolean;
}

export function selectTargetSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): TargetSubnets {
  // By default one subnet per zone, so VPCs with several private subnet groups still work.
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection ?? { onePerAz: true });
  } catch (error) {
    throw invalid('vpcSubnets', `must select subnets of the VPC (${(error as Error).message})`, selection ?? {});
  }
  const subnets = selected.subnets;
  for (const subnet of subnets) {
    // selectSubnets passes a JavaScript or Python caller's `subnets` through unchecked.
    requireResource('vpcSubnets', subnet, 'a selection of ec2.ISubnet', ['subnetId']);
    checkTargetSubnet('vpcSubnets', subnet);
  }
  const seen = new Map<string, ec2.ISubnet>();
  for (const subnet of subnets) {
    const zone = zoneOf(subnet);
    const other = zone === undefined ? undefined : seen.get(zone);
    if (other !== undefined) {
      throw invalid('vpcSubnets',
        `must select at most one subnet per Availability Zone (add \`onePerAz: true\`); ${describeZone(subnet)} has ${describeSubnet(other)} and ${describeSubnet(subnet)}`,
        subnets.map(describeSubnet));
    }
    if (zone !== undefined) {
      seen.set(zone, subnet);
    }
  }
  return { subnets, isPendingLookup: selected.isPendingLookup ?? false };
}

/** A subnet's rules that hold wherever it is associated. */
export function checkTargetSubnet(prop: string, subnet: ec2.ISubnet): void {
  // Vpc.fromVpcAttributes with a list token for subnet ids makes one subnet whose id is that list.
  if (typeof subnet.subnetId === 'string' && Tokenization.reverseList([subnet.subnetId]) !== undefined) {
    throw invalid(prop, 'must list subnets one by one: a list token cannot become one association per subnet', subnet.subnetId);
  }
  const cidr = knownIpv4CidrBlock(subnet);
  const parsed = cidr === undefined ? undefined : parseCidr(cidr, [4]);
  if (parsed && parsed.prefix > MAX_TARGET_SUBNET_PREFIX) {
    throw invalid(prop, `must be subnets with at least a /${MAX_TARGET_SUBNET_PREFIX} block (Client VPN needs the addresses); ${describeSubnet(subnet)} is ${cidr}`,
      cidr);
  }
}

function knownIpv4CidrBlock(subnet: ec2.ISubnet): string | undefined {
  try {
    return isUnresolved(subnet.ipv4CidrBlock) ? undefined : subnet.ipv4CidrBlock;
  } catch {
    // An imported subnet without a CIDR block throws when asked for it.
    return undefined;
  }
}

/**
 * The subnet's zone as the template will read it: two subnets whose zone is the same
 * unresolved expression (`Fn::Select` of `Fn::GetAZs`, in an environment-agnostic stack) are in
 * the same zone. Undefined when the subnet does not say.
 */
export function zoneOf(subnet: ec2.ISubnet): string | undefined {
  let zone: string | undefined;
  try {
    zone = subnet.availabilityZone;
  } catch {
    // An imported subnet without an Availability Zone throws when asked for it.
    return undefined;
  }
  return zone ? JSON.stringify(Stack.of(subnet).resolve(zone)) : undefined;
}

function describeZone(subnet: ec2.ISubnet): string {
  return isUnresolved(subnet.availabilityZone) ? 'one Availability Zone' : subnet.availabilityZone;
}
