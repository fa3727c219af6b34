import { Template } from 'aws-cdk-lib/assertions';
import { createEndpoint, testStack } from '../util';

/*
 * cdk-nag 2 reads suppressions from `cdk_nag` metadata on the resources; cdk-nag 3 from
 * aws-cdk-lib's Validations (exercised by the example app's synth). Both must see the handler's.
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
