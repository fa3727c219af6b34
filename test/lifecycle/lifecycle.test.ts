/**
 * Whole lifecycles of real apps (issue 10), the invariants checked after every stack operation:
 * the exported configuration moved, the endpoint replaced, CRLs, the self-service portal, a
 * setting migrating from `apiSettings` to its typed prop, one endpoint's custom resource removed.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { crl, legacyApiSetting, Place, version } from './scenario-apps';
import { callsDuring, deployed, destroyed, requests, useHarness } from './steps';
import { ClientVpnEndpointProps, ClientVpnSettingsHandler, TransportProtocol, VpnPort } from '../../src';

const harness = useHarness();

describe('the exported client configuration', () => {
  test('a new user: created, settings changed, stack deleted; one DescribeClientVpnEndpoints per Create and Update', async () => {
    const h = harness();
    const created = await deployed(h, version(({ endpoint, buckets }) => endpoint('Endpoint', {
      clientConfigurationBucket: buckets.first, certificateRevocationList: crl(1), apiSettings: { NewSetting: 'on' },
    })), 'CREATE_COMPLETE');
    expect(callsDuring(h, created, 'DescribeClientVpnEndpoints')).toBe(1);
    const endpointId = h.physicalId('Endpoint');
    // The file names its owner (the stack and the resource) and its endpoint, so a Delete can tell it from others.
    const metadata = Object.values(h.fake.s3.object(h.physicalId('First'), `${endpointId}.ovpn`)?.metadata ?? {});
    expect(metadata).toEqual(expect.arrayContaining([endpointId, expect.stringContaining(h.cfn.stackId)]));

    const updated = await deployed(h, version(({ endpoint, buckets }) => endpoint('Endpoint', {
      clientConfigurationBucket: buckets.first, certificateRevocationList: crl(2), apiSettings: { NewSetting: 'off' }, port: VpnPort.OPENVPN,
    })), 'UPDATE_COMPLETE');
    expect(callsDuring(h, updated, 'DescribeClientVpnEndpoints')).toBe(updated.customResources.filter((record) => record.event.RequestType !== 'Delete').length);
    expect(h.physicalId('Endpoint')).toBe(endpointId);

    await destroyed(h);
  });

  test('on the nodejs24.x runtime the app chose: created, updated, stack deleted, the handler run by Node.js 24', async () => {
    const h = harness();
    const app = (serial: number) => version(({ stack, endpoint, buckets }) => {
      ClientVpnSettingsHandler.configure(stack, { runtime: lambda.Runtime.NODEJS_24_X });
      endpoint('Endpoint', { clientConfigurationBucket: buckets.first, certificateRevocationList: crl(serial) });
    });
    const created = await deployed(h, app(1), 'CREATE_COMPLETE');
    const updated = await deployed(h, app(2), 'UPDATE_COMPLETE');
    const versions = [...created.customResources, ...updated.customResources].flatMap((record) => record.invocations.map((run) => run.nodeVersion));
    expect(versions.length).toBeGreaterThan(1);
    expect(versions.every((nodeVersion) => nodeVersion?.startsWith('v24.'))).toBe(true);
    expect(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))?.crl).toBe(crl(2));
    await destroyed(h);
  });

  test.each([
    ['the key', { key: 'a.ovpn', bucket: 'first' }, { key: 'b.ovpn', bucket: 'first' }],
    ['the bucket', { key: 'a.ovpn', bucket: 'first' }, { key: 'a.ovpn', bucket: 'second' }],
    ['to an encrypted bucket', { key: 'a.ovpn', bucket: 'first' }, { key: 'a.ovpn', bucket: 'encrypted' }],
  ] as const)('moved (%s): the old file goes with the Update, the new one is current', async (_what, from, to) => {
    const h = harness();
    const app = (target: { key: string; bucket: 'first' | 'second' | 'encrypted' }) => version(({ endpoint, buckets }) =>
      endpoint('Endpoint', { clientConfigurationBucket: buckets[target.bucket], clientConfigurationKey: target.key }));
    await deployed(h, app(from), 'CREATE_COMPLETE');
    const oldBucket = h.physicalId('First');
    h.fake.s3.seed(oldBucket, 'notes.txt', 'a file someone else keeps next to it');

    await deployed(h, app(to), 'UPDATE_COMPLETE');
    expect(h.fake.s3.object(oldBucket, from.key)).toBeUndefined();
  });

  test('export removed: the file goes, and a file someone else wrote over it stays', async () => {
    const h = harness();
    await deployed(h, version(({ endpoint, buckets }) => {
      endpoint('Endpoint', { clientConfigurationBucket: buckets.first, clientConfigurationKey: 'mine.ovpn', apiSettings: { NewSetting: 'on' } });
      endpoint('Other', { clientConfigurationBucket: buckets.first, clientConfigurationKey: 'theirs.ovpn', clientCidrBlock: '10.104.0.0/22' });
    }), 'CREATE_COMPLETE');
    const bucket = h.physicalId('First');
    h.fake.s3.seed(bucket, 'theirs.ovpn', 'a file the user wrote over the exported one');

    await deployed(h, version(({ endpoint }) => {
      endpoint('Endpoint', { apiSettings: { NewSetting: 'on' } });
      endpoint('Other', { clientCidrBlock: '10.104.0.0/22' });
    }), 'UPDATE_COMPLETE');
    expect(h.fake.s3.object(bucket, 'mine.ovpn')).toBeUndefined();
    expect(h.fake.s3.object(bucket, 'theirs.ovpn')?.body).toBe('a file the user wrote over the exported one');
  });
});

describe('endpoint replacement', () => {
  test('with the default key <endpoint id>.ovpn: the new endpoint\'s file is written, the old one\'s goes', async () => {
    const h = harness();
    const app = (clientCidrBlock: string) => version(({ endpoint, buckets }) =>
      endpoint('Endpoint', { clientCidrBlock, clientConfigurationBucket: buckets.first, apiSettings: { NewSetting: 'on' }, certificateRevocationList: crl(1) }));
    await deployed(h, app('10.100.0.0/22'), 'CREATE_COMPLETE');
    const [oldId, bucket] = [h.physicalId('Endpoint'), h.physicalId('First')];

    const replaced = await deployed(h, app('10.200.0.0/22'), 'UPDATE_COMPLETE');
    expect(h.physicalId('Endpoint')).not.toBe(oldId);
    expect(h.fake.s3.object(bucket, `${oldId}.ovpn`)).toBeUndefined();
    expect(requests(replaced)).toContain('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete EndpointSettings1F730908 → SUCCESS');
  });

  test('with a fixed key: the cleanup Delete of the old endpoint\'s resource keeps the file its successor wrote', async () => {
    const h = harness();
    const app = (clientCidrBlock: string) => version(({ endpoint, buckets }) =>
      endpoint('Endpoint', { clientCidrBlock, clientConfigurationBucket: buckets.first, clientConfigurationKey: 'office.ovpn' }));
    await deployed(h, app('10.100.0.0/22'), 'CREATE_COMPLETE');
    await deployed(h, app('10.200.0.0/22'), 'UPDATE_COMPLETE');
    expect(h.fake.s3.object(h.physicalId('First'), 'office.ovpn')?.body).toContain(h.physicalId('Endpoint'));
  });

  test('without export: the new endpoint gets the settings and the CRL', async () => {
    const h = harness();
    const app = (transportProtocol: TransportProtocol) => version(({ endpoint }) =>
      endpoint('Endpoint', { transportProtocol, apiSettings: { NewSetting: 'on' }, certificateRevocationList: crl(3) }));
    await deployed(h, app(TransportProtocol.UDP), 'CREATE_COMPLETE');
    const oldId = h.physicalId('Endpoint');
    await deployed(h, app(TransportProtocol.TCP), 'UPDATE_COMPLETE');
    expect(h.physicalId('Endpoint')).not.toBe(oldId);
    await destroyed(h);
  });
});

test('CRL added, changed, removed: removing it leaves the last list imported', async () => {
  const h = harness();
  const app = (list?: string) => version(({ endpoint, buckets }) =>
    endpoint('Endpoint', { clientConfigurationBucket: buckets.first, certificateRevocationList: list }));
  await deployed(h, app(), 'CREATE_COMPLETE');
  await deployed(h, app(crl(1)), 'UPDATE_COMPLETE');
  await deployed(h, app(crl(2)), 'UPDATE_COMPLETE');
  await deployed(h, app(), 'UPDATE_COMPLETE');
  expect(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))?.crl).toBe(crl(2));
  await destroyed(h);
});

test('the self-service portal switched on and off: the URL attribute follows, nothing grows out of bounds', async () => {
  const h = harness();
  const app = (selfServicePortal: boolean) => version(({ endpoint, federated, buckets }) => {
    const created = endpoint('Endpoint', {
      userAuthentication: federated(),
      selfServicePortal,
      clientConfigurationBucket: buckets.first,
      certificateRevocationList: crl(4),
      apiSettings: { NewSetting: 'on', OtherNewSetting: 'x'.repeat(200) },
    });
    void created.selfServicePortalUrl;
  });
  await deployed(h, app(false), 'CREATE_COMPLETE');
  await deployed(h, app(true), 'UPDATE_COMPLETE');
  expect(h.resource('EndpointSettings').attributes.SelfServicePortalUrl).toMatch(/^https:\/\/self-service/);
  await deployed(h, app(false), 'UPDATE_COMPLETE');
  expect(h.resource('EndpointSettings').attributes.SelfServicePortalUrl).toBe('');
  await destroyed(h);
});

describe('a setting moving from apiSettings to its typed prop (DisconnectOnSessionTimeout)', () => {
  // The template an older version wrote for `apiSettings: { DisconnectOnSessionTimeout: false }`.
  const legacy = (extra: (place: Place) => Partial<ClientVpnEndpointProps> = () => ({})) =>
    legacyApiSetting((place, apiSettings) => place.endpoint('Endpoint', { apiSettings, ...extra(place) }), 'DisconnectOnSessionTimeout', false);

  test('the custom resource keeps the value CloudFormation now sets', async () => {
    const h = harness();
    await deployed(h, legacy(() => ({ certificateRevocationList: crl(1) })), 'CREATE_COMPLETE');
    expect(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))?.settings.get('DisconnectOnSessionTimeout')).toBe('false');
    await deployed(h, version(({ endpoint }) => endpoint('Endpoint', { disconnectOnSessionTimeout: true, certificateRevocationList: crl(1) })), 'UPDATE_COMPLETE');
    expect(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))?.settings.get('DisconnectOnSessionTimeout')).toBe('true');
  });

  test('the custom resource removed altogether: its cleanup Delete does not revert it', async () => {
    const h = harness();
    await deployed(h, legacy(), 'CREATE_COMPLETE');
    await deployed(h, version(({ endpoint }) => endpoint('Endpoint', { disconnectOnSessionTimeout: true })), 'UPDATE_COMPLETE');
    expect(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))?.settings.get('DisconnectOnSessionTimeout')).toBe('true');
  });

  test('apiSettings removed while the export stays: the deploy succeeds and the value is left (forward only)', async () => {
    const h = harness();
    await deployed(h, legacy(({ buckets }) => ({ clientConfigurationBucket: buckets.first })), 'CREATE_COMPLETE');
    await deployed(h, version(({ endpoint, buckets }) => endpoint('Endpoint', { clientConfigurationBucket: buckets.first })), 'UPDATE_COMPLETE');
    expect(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))?.settings.get('DisconnectOnSessionTimeout')).toBe('false');
  });
});

test('one endpoint\'s custom resource removed while another keeps the shared handler: its Delete still has its permissions', async () => {
  const h = harness();
  await deployed(h, version(({ endpoint, buckets }) => {
    endpoint('Endpoint', { clientConfigurationBucket: buckets.first, apiSettings: { NewSetting: 'a' } });
    endpoint('Other', { clientConfigurationBucket: buckets.first, apiSettings: { NewSetting: 'b' }, clientCidrBlock: '10.104.0.0/22' });
  }), 'CREATE_COMPLETE');
  const [endpointId, bucket] = [h.physicalId('Endpoint'), h.physicalId('First')];

  const updated = await deployed(h, version(({ endpoint, buckets }) => {
    endpoint('Endpoint');
    endpoint('Other', { clientConfigurationBucket: buckets.first, apiSettings: { NewSetting: 'b' }, clientCidrBlock: '10.104.0.0/22' });
  }), 'UPDATE_COMPLETE');
  expect(requests(updated)).toEqual(['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS Delete EndpointSettings1F730908 → SUCCESS']);
  expect(h.fake.s3.object(bucket, `${endpointId}.ovpn`)).toBeUndefined();
  expect(h.fake.calls.filter((call) => call.status === 403)).toEqual([]);
  // A Delete leaves the settings it applied: they are the endpoint's now (apiSettings apply forward only).
  expect(h.fake.ec2.endpoints.get(endpointId)?.settings.get('NewSetting')).toBe('a');
});
