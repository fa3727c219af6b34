import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Leaves a cdk-nag finding in place with its reason, where both major versions of cdk-nag read
 * it: cdk-nag 3 through aws-cdk-lib's `Validations`, cdk-nag 2 through `cdk_nag` metadata on the
 * CloudFormation resources of `scope` (which needs no dependency on cdk-nag).
 */
export function acknowledgeNagFinding(scope: IConstruct, rule: string, reason: string, appliesTo?: string, appliesToPattern?: RegExp): void {
  acknowledgeForCdkNag3(scope, appliesTo ? `${rule}[${appliesTo}]` : rule, reason);
  // cdk-nag 2 also takes a pattern, which holds however the resource is named when it checks.
  const appliesToAll = [...appliesTo ? [appliesTo] : [], ...appliesToPattern ? [{ regex: appliesToPattern.toString() }] : []];
  const suppression = { id: rule, reason, ...(appliesToAll.length > 0 ? { applies_to: appliesToAll } : {}) };
  for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
    const metadata = resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined;
    resource.addMetadata('cdk_nag', { rules_to_suppress: [...metadata?.rules_to_suppress ?? [], suppression] });
  }
}

/**
 * A policy resource as cdk-nag names it in a finding (`Resource::<Bucket.Arn>/key`): the resolved
 * value with `Ref` written `<Name>`, `Fn::GetAtt` `<Name.Attribute>` and `Fn::Join` joined.
 */
export function nagResourceName(stack: Stack, value: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') {
      return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    }
    const intrinsic = node as { [name: string]: any };
    if (intrinsic['Fn::Join']) {
      const [delimiter, items] = intrinsic['Fn::Join'];
      return (items as unknown[]).map(flatten).join(delimiter);
    }
    if (intrinsic['Fn::GetAtt']) {
      const [resource, attribute] = intrinsic['Fn::GetAtt'];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (intrinsic.Ref) {
      return `<${flatten(intrinsic.Ref)}>`;
    }
    if (intrinsic['Fn::Sub'] || intrinsic['Fn::ImportValue']) {
      return flatten(intrinsic['Fn::Sub'] ?? intrinsic['Fn::ImportValue']);
    }
    return JSON.stringify(node);
  };
  return `Resource::${flatten(stack.resolve(value))}`;
}

/**
 * cdk-nag 3 reads the ids in aws-cdk-lib's acknowledged-rules metadata. `Validations.acknowledge`
 * refuses an id with more than one `::`, which cdk-nag writes for ARNs with pseudo parameters
 * (`Resource::arn:<AWS::Partition>:...`): those are recorded in the same metadata directly.
 */
function acknowledgeForCdkNag3(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(scope).acknowledge({ id, reason });
    return;
  }
  const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const recorded = scope.node.metadata.filter((entry) => entry.type === key).pop()?.data ?? {};
  scope.node.addMetadata(key, { ...recorded, [id]: reason });
}
