/**
 * Lifecycles that go wrong (issue 10): failed updates rolled back, under either order of rollback
 * updates; throttling throughout a cleanup Delete and a stack delete; bursts of throttling; a call
 * that never answers. The invariants are checked after every stack operation.
 */
import { Harness } from './harness';
import { crl, dnsNameConsumer, Place, version } from './scenario-apps';
import { deployed, requests, useHarness } from './steps';
import { ec2Error, s3Error } from './wire';

const HANDLER_ACTIONS = [
  'DescribeClientVpnEndpoints', 'ModifyClientVpnEndpoint', 'ImportClientVpnClientCertificateRevocationList', 'ExportClientVpnClientConfiguration',
  'CreateTags', 'DeleteTags', 'PutObject', 'HeadObject', 'GetObject', 'DeleteObject',
];
/** Short enough that a Lambda timing out does not slow the suite; long enough for the handler's own retries. */
const SHORT_TIMEOUT_MS = 20_000;

/** v1 and v2 differ in every setting the handler applies, and the file moves. */
function settings(place: Place, v: 1 | 2): void {
  const endpoint = place.endpoint('Endpoint', {
    clientConfigurationBucket: place.buckets.first,
    clientConfigurationKey: `v${v}.ovpn`,
    certificateRevocationList: crl(v),
    apiSettings: { NewSetting: `value ${v}` },
  });
  dnsNameConsumer(place, endpoint, `version ${v}`);
}

describe.each(['reverse', 'forward'] as const)('a failed update rolls back cleanly (rollback updates in %s order)', (rollbackOrder) => {
  const harness = useHarness({ rollbackOrder });

  test.each([
    ['the CRL import', 'ImportClientVpnClientCertificateRevocationList', ec2Error(400, 'InvalidParameterValue', 'The certificate revocation list is not valid.')],
    ['the file upload', 'PutObject', s3Error(400, 'InvalidArgument', 'Invalid argument.')],
    ['the settings', 'ModifyClientVpnEndpoint', ec2Error(400, 'InvalidParameterValue', 'NewSetting is not valid for this endpoint.')],
  ])('when the handler fails (%s)', async (_what, action, answer) => {
    const h = harness();
    await deployed(h, version((place) => settings(place, 1)), 'CREATE_COMPLETE');
    h.fake.faults.queue(action, answer);

    const failed = await deployed(h, version((place) => settings(place, 2)), 'UPDATE_ROLLBACK_COMPLETE');
    expect(h.fake.faults.pending()).toEqual([]);
    expect(requests(failed)).toEqual([
      'UPDATE_IN_PROGRESS Update EndpointSettings1F730908 → FAILED',
      'UPDATE_ROLLBACK_IN_PROGRESS Update EndpointSettings1F730908 → SUCCESS',
    ]);
  });

  test('when another resource fails after the custom resource was updated', async () => {
    const h = harness();
    await deployed(h, version((place) => settings(place, 1)), 'CREATE_COMPLETE');
    const consumer = h.resource('DnsNameOfEndpoint').logicalId;

    const failed = await deployed(h, version((place) => settings(place, 2)), 'UPDATE_ROLLBACK_COMPLETE', { fail: [consumer] });
    expect(requests(failed)).toEqual([
      'UPDATE_IN_PROGRESS Update EndpointSettings1F730908 → SUCCESS',
      'UPDATE_ROLLBACK_IN_PROGRESS Update EndpointSettings1F730908 → SUCCESS',
    ]);
  });

  test('when an endpoint replacement fails after the new endpoint was set up', async () => {
    const h = harness();
    const app = (clientCidrBlock: string, v: 1 | 2) => version((place) => {
      const endpoint = place.endpoint('Endpoint', { clientCidrBlock, clientConfigurationBucket: place.buckets.first, apiSettings: { NewSetting: 'on' } });
      dnsNameConsumer(place, endpoint, `version ${v}`);
    });
    await deployed(h, app('10.100.0.0/22', 1), 'CREATE_COMPLETE');
    const consumer = h.resource('DnsNameOfEndpoint').logicalId;
    await deployed(h, app('10.200.0.0/22', 2), 'UPDATE_ROLLBACK_COMPLETE', { fail: [consumer] });
  });
});

describe('failures on create and on delete', () => {
  const harness = useHarness();

  test('a failed create rolls back: the handler\'s Delete answers SUCCESS and leaves nothing behind', async () => {
    const h = harness();
    h.fake.faults.failAlways('ExportClientVpnClientConfiguration', ec2Error(400, 'InvalidClientVpnEndpointId.NotFound', 'The Client VPN endpoint ID does not exist'));
    const failed = await deployed(h, version((place) => settings(place, 1)), 'ROLLBACK_COMPLETE');
    expect(requests(failed)).toEqual([
      'CREATE_IN_PROGRESS Create EndpointSettings1F730908 → FAILED',
      'ROLLBACK_IN_PROGRESS Delete EndpointSettings1F730908 → SUCCESS',
    ]);
  });

  test.each([
    ['every call, in the cleanup phase', '*'],
    ['DescribeStackResource, throughout', 'DescribeStackResource'],
  ])('a cleanup Delete after a replacement, throttled on %s, does not undo the live resource\'s work and answers SUCCESS', async (_what, action) => {
    const h = harness();
    const app = (clientCidrBlock: string) => version((place) => place.endpoint('Endpoint', {
      clientCidrBlock, clientConfigurationBucket: place.buckets.first, clientConfigurationKey: 'office.ovpn', apiSettings: { NewSetting: 'on' },
    }));
    await deployed(h, app('10.100.0.0/22'), 'CREATE_COMPLETE');
    h.fake.faults.throttleAlways(action, () => action !== '*' || h.cfn.phase === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');

    const replaced = await deployed(h, app('10.200.0.0/22'), 'UPDATE_COMPLETE', { lambdaTimeoutMs: SHORT_TIMEOUT_MS });
    expect(requests(replaced)).toContain('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete EndpointSettings1F730908 → SUCCESS');
  }, 60_000);

  test('a stack delete throttled on every call answers SUCCESS in time and says what it left', async () => {
    const h = harness();
    await deployed(h, version((place) => settings(place, 1)), 'CREATE_COMPLETE');
    h.fake.faults.throttleAlways('*');

    const deleted = await h.destroy({ lambdaTimeoutMs: SHORT_TIMEOUT_MS });
    expect({ status: deleted.status, violations: h.check(), requests: requests(deleted) })
      .toEqual({ status: 'DELETE_COMPLETE', violations: [], requests: ['DELETE_IN_PROGRESS Delete EndpointSettings1F730908 → SUCCESS'] });
  }, 60_000);
});

describe('throttling and stalls within the handler\'s bound', () => {
  const harness = useHarness();

  test('bursts of throttling on every call during Create and Update are retried', async () => {
    const h = harness();
    const burst = () => HANDLER_ACTIONS.forEach((action) => h.fake.faults.throttle(action, 2));
    burst();
    await deployed(h, version((place) => settings(place, 1)), 'CREATE_COMPLETE');
    expect(h.fake.faults.hits('DescribeClientVpnEndpoints')).toBe(2);
    h.fake.faults.clear();
    burst();
    await deployed(h, version((place) => settings(place, 2)), 'UPDATE_COMPLETE');
    expect(h.fake.faults.hits('ModifyClientVpnEndpoint')).toBe(2);
  }, 60_000);

  test('a call that never answers on Create is bounded: CloudFormation gets an answer before the function times out', async () => {
    const h = harness();
    h.fake.faults.stall('DescribeClientVpnEndpoints');
    const created = await h.deploy(version((place) => settings(place, 1)), { lambdaTimeoutMs: SHORT_TIMEOUT_MS });
    expect({ status: created.status, violations: h.check(), timedOut: timedOut(h) })
      .toEqual({ status: expect.stringMatching(/^(CREATE_COMPLETE|ROLLBACK_COMPLETE)$/), violations: [], timedOut: [] });
    expect(h.fake.calls.filter((call) => call.status === 0)).toHaveLength(1);
  }, 90_000);

  test.each(['ModifyClientVpnEndpoint', 'PutObject', 'HeadObject'])('a call that never answers on Update (%s) is bounded', async (action) => {
    const h = harness();
    await deployed(h, version((place) => settings(place, 1)), 'CREATE_COMPLETE');
    h.fake.faults.stall(action);
    const updated = await h.deploy(version((place) => settings(place, 2)), { lambdaTimeoutMs: SHORT_TIMEOUT_MS });
    expect({ status: updated.status, violations: h.check(), timedOut: timedOut(h) })
      .toEqual({ status: expect.stringMatching(/^(UPDATE_COMPLETE|UPDATE_ROLLBACK_COMPLETE)$/), violations: [], timedOut: [] });
    expect(h.fake.calls.filter((call) => call.status === 0).map((call) => call.action)).toEqual([action]);
  }, 90_000);
});

/** Invocations Lambda ended at their timeout: the handler did not bound its calls. */
function timedOut(h: Harness): string[] {
  return h.cfn.protocol.records.filter((record) => record.invocations.some((invocation) => invocation.timedOut))
    .map((record) => `${record.event.RequestType} of ${record.logicalId} in ${record.phase}`);
}
