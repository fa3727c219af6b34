import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Leaves a cdk-nag finding in place with its reason, where both major versions of cdk-nag read
 * it: cdk-nag 3 through aws-cdk-lib's `Validations`, cdk-nag 2 through `cdk_nag` metadata on the
 * CloudFormation resources of `scope` (which needs no dependency on cdk-nag).
 */
export function acknowledgeNagFinding(scope: IConstruct, rule: string, reason: string, appliesTo?: string): void {
  Validations.of(scope).acknowledge({ id: appliesTo ? `${rule}[${appliesTo}]` : rule, reason });
  const suppression = { id: rule, reason, ...(appliesTo ? { applies_to: [appliesTo] } : {}) };
  for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
    const metadata = resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined;
    resource.addMetadata('cdk_nag', { rules_to_suppress: [...metadata?.rules_to_suppress ?? [], suppression] });
  }
}
