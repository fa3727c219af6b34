import { Aspects, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV2 } from 'cdk-nag-v2';
import { createEndpoint, logicalId, testStack } from '../util';

/*
 * cdk-nag 2 reads suppressions from `cdk_nag` metadata on the resources; cdk-nag 3 from
 * aws-cdk-lib's acknowledged-rules metadata. Both must see the library's.
 */

function handlerResources() {
  const f = testStack();
  void createEndpoint(f).dnsName;
  return Template.fromStack(f.stack).toJSON().Resources as { [id: string]: { Type: string; Metadata?: { cdk_nag?: unknown } } };
}

function suppressionsOf(type: string, logicalIdPrefix: string) {
  const entries = Object.entries(handlerResources()).filter(([id, resource]) => resource.Type === type && id.startsWith(logicalIdPrefix));
  expect(entries).toHaveLength(1);
  return (entries[0][1].Metadata?.cdk_nag as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress;
}

test('the handler role and its default policy carry the IAM5 suppression for DescribeClientVpnEndpoints on *', () => {
  const expected = [{ id: 'AwsSolutions-IAM5', reason: expect.stringContaining('no resource-level permissions'), applies_to: ['Resource::*'] }];
  expect(suppressionsOf('AWS::IAM::Role', 'ClientVpnEndpointSettingsHandlerRole')).toEqual(expected);
  expect(suppressionsOf('AWS::IAM::Policy', 'ClientVpnEndpointSettingsHandlerRoleDefaultPolicy')).toEqual(expected);
});

test('the handler function carries the L1 suppression with its reason', () => {
  expect(suppressionsOf('AWS::Lambda::Function', 'ClientVpnEndpointSettingsHandler')).toEqual([
    { id: 'AwsSolutions-L1', reason: expect.stringContaining('Node.js 22') },
  ]);
});

test('every reason is long enough for cdk-nag 2 (at least 10 characters)', () => {
  type Suppressions = { rules_to_suppress?: Array<{ reason: string }> } | undefined;
  const reasons = Object.values(handlerResources())
    .flatMap((resource) => ((resource.Metadata?.cdk_nag as Suppressions)?.rules_to_suppress ?? []).map((rule) => rule.reason));
  expect(reasons.length).toBeGreaterThan(0);
  expect(reasons.filter((reason) => reason.length < 10)).toEqual([]);
});

describe('the export grant on the default key (<endpoint id>.ovpn, granted as cvpn-endpoint-*.ovpn)', () => {
  /** A stack exporting to `bucket`, plus a policy of the app's own with the same wildcard: cdk-nag must still see that one. */
  function exportingStack(bucket: (stack: Stack) => s3.IBucket) {
    const f = testStack();
    const target = bucket(f.stack);
    const finding = target instanceof s3.Bucket
      ? `Resource::<${logicalId(f.stack, target)}.Arn>/cvpn-endpoint-*.ovpn`
      : `Resource::arn:<AWS::Partition>:s3:::${target.bucketName}/cvpn-endpoint-*.ovpn`;
    createEndpoint(f, { clientConfigurationBucket: target });
    const own = new iam.Role(f.stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    own.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [target.arnForObjects('cvpn-endpoint-*.ovpn')] }));
    return { ...f, finding };
  }

  const BUCKETS: Array<[string, (stack: Stack) => s3.IBucket]> = [
    ['a bucket of the app', (stack) => new s3.Bucket(stack, 'Exports')],
    ['a bucket imported by name (an ARN with a partition token)', (stack) => s3.Bucket.fromBucketName(stack, 'Imported', 'vpn-exports')],
  ];

  test.each(BUCKETS)('with %s, cdk-nag 2 reports the app\'s own wildcard and not the library\'s', (_name, bucket) => {
    const { finding, ...f } = exportingStack(bucket);
    Aspects.of(f.app).add(new AwsSolutionsChecksV2());
    const iam5 = f.app.synth().getStackByName(f.stack.stackName).messages
      .filter((message) => String(message.entry.data).includes(`AwsSolutions-IAM5[${finding}]`))
      .map((message) => message.id);
    expect(iam5).toEqual([expect.stringMatching(/^\/Test\/AppRole\/DefaultPolicy\/Resource$/)]);
  });

  test.each(BUCKETS)('with %s, cdk-nag 3 reports the app\'s own wildcard and not the library\'s', (_name, bucket) => {
    const { finding, ...f } = exportingStack(bucket);
    // As in an app, cdk-nag 3 checks after synthesis has prepared the tree.
    f.app.synth();
    const report = new AwsSolutionsChecks(f.app).validateScope(f.app);
    const iam5 = report.violations.filter((violation) => violation.ruleName === `AwsSolutions-IAM5[${finding}]`)
      .flatMap((violation) => violation.violatingResources.map((resource) => resource.constructPath));
    expect(iam5).toEqual(['Test/AppRole/DefaultPolicy/Resource']);
  });

  test('with a bucket renamed after the endpoint was made, cdk-nag 2 still matches the grant, by its pattern', () => {
    const f = testStack();
    const bucket = new s3.Bucket(f.stack, 'Exports');
    createEndpoint(f, { clientConfigurationBucket: bucket });
    (bucket.node.defaultChild as s3.CfnBucket).overrideLogicalId('RenamedExports');
    Aspects.of(f.app).add(new AwsSolutionsChecksV2());
    const iam5 = f.app.synth().getStackByName(f.stack.stackName).messages
      .filter((message) => String(message.entry.data).includes('AwsSolutions-IAM5'))
      .map((message) => `${message.id}: ${String(message.entry.data).slice(0, 120)}`);
    expect(iam5).toEqual([]);
  });

  test('a key of the app\'s choosing has no wildcard, so nothing is acknowledged', () => {
    const f = testStack();
    createEndpoint(f, { clientConfigurationBucket: new s3.Bucket(f.stack, 'Exports'), clientConfigurationKey: 'engineering.ovpn' });
    const policies = Object.entries(Template.fromStack(f.stack).findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('EndpointSettingsAccess'));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Metadata?.cdk_nag).toBeUndefined();
  });
});
