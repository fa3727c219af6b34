import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { Cidr, isUnresolved, parseCidr } from './validation';

// Vpc.fromLookup's stand-in CIDR before the lookup has run.
const LOOKUP_PLACEHOLDER_CIDR = '1.2.3.4/5';

/*
 * What a VPC's CIDR blocks are, as far as the app knows them. A VPC defined in this app answers
 * `vpcCidrBlock` with a token; its resources hold the literal blocks. Secondary blocks live in the
 * VPC or beside it, naming it by its id. Only those places are searched: walking the whole stack
 * for every endpoint would make synthesis quadratic.
 */

function secondaryBlocks(vpc: ec2.IVpc): ec2.CfnVPCCidrBlock[] {
  const isBlock = (child: IConstruct): child is ec2.CfnVPCCidrBlock => child instanceof ec2.CfnVPCCidrBlock && child.vpcId === vpc.vpcId;
  return [...vpc.node.findAll().filter(isBlock), ...(vpc.node.scope?.node.children ?? []).filter(isBlock)];
}

/** The VPC's own CfnVPC, when the VPC is defined in this app. */
export function cfnVpcOf(vpc: ec2.IVpc): ec2.CfnVPC | undefined {
  const resource = vpc.node.defaultChild;
  return resource instanceof ec2.CfnVPC ? resource : undefined;
}

/** The VPC's IPv4 CIDR blocks known at synth time; empty when none is. */
export function knownVpcCidrs(vpc: ec2.IVpc): Cidr[] {
  const texts: string[] = [];
  try {
    texts.push(vpc.vpcCidrBlock);
  } catch {
    // Imported VPCs without a CIDR block throw when asked for it.
  }
  for (const child of vpc.node.findAll()) {
    if (child instanceof ec2.CfnVPC && child.cidrBlock !== undefined) {
      texts.push(child.cidrBlock);
    }
  }
  texts.push(...secondaryBlocks(vpc).map((block) => block.cidrBlock).filter((text): text is string => text !== undefined));
  return texts
    .filter((text) => typeof text === 'string' && text !== LOOKUP_PLACEHOLDER_CIDR && !isUnresolved(text))
    .map((text) => parseCidr(text, [4]))
    .filter((cidr): cidr is Cidr => cidr !== undefined);
}

/** A VPC's IPv6 block: its value for the template, and the resource that associates it. */
export interface Ipv6Block {
  readonly cidr: string;
  readonly association: ec2.CfnVPCCidrBlock;
}

/**
 * The VPC's IPv6 CIDR blocks, or undefined when the VPC was imported and the app cannot know
 * them. Each is read from the VPC's `Ipv6CidrBlocks`, which lists a block only once it is associated.
 */
export function vpcIpv6Blocks(vpc: ec2.IVpc): Ipv6Block[] | undefined {
  const resource = cfnVpcOf(vpc);
  if (!resource) {
    return undefined;
  }
  const associations = secondaryBlocks(vpc).filter((block) => block.amazonProvidedIpv6CidrBlock !== undefined
    || block.ipv6CidrBlock !== undefined || block.ipv6IpamPoolId !== undefined || block.ipv6Pool !== undefined);
  return associations.map((association, index) => ({ cidr: Fn.select(index, resource.attrIpv6CidrBlocks), association }));
}

/** Whether the VPC defined in this app runs instances on dedicated hardware only. */
export function isDedicatedTenancy(vpc: ec2.IVpc): boolean {
  return cfnVpcOf(vpc)?.instanceTenancy === ec2.DefaultInstanceTenancy.DEDICATED;
}
