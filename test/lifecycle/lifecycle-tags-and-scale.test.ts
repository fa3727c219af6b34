/**
 * Tags and size (issue 10): tags added, changed and removed never replace an endpoint; an endpoint
 * with 40 rules and routes stays within the service's 10 concurrent operations and deploys in few
 * waves; two endpoints are updated at once. The invariants are checked after every operation.
 */
import { Tags } from 'aws-cdk-lib';
import { MAX_CONCURRENT_OPERATIONS } from './fake-ec2';
import { rulesAndRoutes, tagApp, version } from './scenario-apps';
import { deployed, destroyed, requests, useHarness } from './steps';

type Tagging = { [key: string]: string };
const harness = useHarness();

describe('tags', () => {
  test('added, changed and removed through Tags.of(app): the endpoint is never replaced and carries exactly the template\'s tags', async () => {
    const h = harness();
    const app = (tags: Tagging) => version((place) => {
      place.endpoint('Endpoint', { clientConfigurationBucket: place.buckets.first });
      tagApp(place, tags);
    });
    await deployed(h, app({}), 'CREATE_COMPLETE');
    const endpointId = h.physicalId('Endpoint');
    for (const tags of [{ CostCenter: 'x' }, { CostCenter: 'y', Team: 'network' }, { Team: 'network' }, {}] as Tagging[]) {
      await deployed(h, app(tags), 'UPDATE_COMPLETE');
      expect(h.physicalId('Endpoint')).toBe(endpointId);
    }
    await destroyed(h);
  });

  test('added, changed and removed on a deployed endpoint that has no other custom resource need', async () => {
    const h = harness();
    const app = (tags: Tagging) => version((place) => {
      const endpoint = place.endpoint('Endpoint');
      for (const [key, value] of Object.entries(tags)) {
        Tags.of(endpoint).add(key, value);
      }
    });
    await deployed(h, app({}), 'CREATE_COMPLETE');
    const endpointId = h.physicalId('Endpoint');
    for (const tags of [{ Name: 'office' }, { Name: 'office vpn', Owner: 'it' }, {}] as Tagging[]) {
      await deployed(h, app(tags), 'UPDATE_COMPLETE');
      expect(h.physicalId('Endpoint')).toBe(endpointId);
    }
  });

  test('a tag someone else put on the endpoint stays through the stack\'s tag changes', async () => {
    const h = harness();
    const app = (tags: Tagging) => version((place) => {
      for (const [key, value] of Object.entries(tags)) {
        Tags.of(place.endpoint('Endpoint')).add(key, value);
      }
    });
    await deployed(h, app({ Team: 'a' }), 'CREATE_COMPLETE');
    h.fake.ec2.tagByHand(h.fake.ec2.endpoints.get(h.physicalId('Endpoint'))!, 'AddedByHand', 'yes');
    await deployed(h, app({ Team: 'b' }), 'UPDATE_COMPLETE');
    await deployed(h, app({}), 'UPDATE_COMPLETE');
  });
});

describe('size', () => {
  test('an endpoint with 40 rules and routes: at most 10 operations at once, in lanes, when created, changed and deleted', async () => {
    const h = harness();
    const app = (count: number) => version((place) => rulesAndRoutes(place.endpoint('Endpoint'), place, count));
    const created = await deployed(h, app(20), 'CREATE_COMPLETE');
    const endpoint = h.resource('Endpoint').logicalId;
    const rulesAndRoutesCount = 41;
    // At most 10 lanes: the chain of rules and routes is as short as the quota lets it be.
    expect(created.ruleRouteDepth.get(endpoint)).toBeLessThanOrEqual(Math.ceil(rulesAndRoutesCount / MAX_CONCURRENT_OPERATIONS));
    expect(created.depth).toBeLessThan(15);
    expect(Math.max(...created.maxInFlight.values())).toBeGreaterThan(1);

    const shrunk = await deployed(h, app(10), 'UPDATE_COMPLETE');
    expect(Math.max(...shrunk.maxInFlight.values())).toBeLessThanOrEqual(MAX_CONCURRENT_OPERATIONS);
    const deleted = await destroyed(h);
    expect(Math.max(...deleted.maxInFlight.values())).toBeLessThanOrEqual(MAX_CONCURRENT_OPERATIONS);
  });

  test('two endpoints updated at once', async () => {
    const h = harness();
    const app = (v: number) => version((place) => {
      place.endpoint('Endpoint', { clientConfigurationBucket: place.buckets.first, clientConfigurationKey: `a${v}.ovpn`, apiSettings: { NewSetting: `a${v}` } });
      place.endpoint('Other', {
        clientCidrBlock: '10.104.0.0/22', clientConfigurationBucket: place.buckets.second, clientConfigurationKey: `b${v}.ovpn`, apiSettings: { NewSetting: `b${v}` },
      });
    });
    await deployed(h, app(1), 'CREATE_COMPLETE');
    const updated = await deployed(h, app(2), 'UPDATE_COMPLETE');

    expect(requests(updated).filter((request) => request.startsWith('UPDATE_IN_PROGRESS'))).toEqual([
      expect.stringMatching(/^UPDATE_IN_PROGRESS Update (Endpoint|Other)Settings[0-9A-F]{8} → SUCCESS$/),
      expect.stringMatching(/^UPDATE_IN_PROGRESS Update (Endpoint|Other)Settings[0-9A-F]{8} → SUCCESS$/),
    ]);
    const [first, second] = updated.customResources.filter((record) => record.event.RequestType === 'Update');
    expect(second.startedAt).toBeLessThan(first.endedAt!);
    await destroyed(h);
  });
});
