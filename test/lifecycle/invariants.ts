/**
 * What must hold after every completed stack operation (issue 10, "What must hold"). `check()`
 * answers the violations, as sentences a failing test prints; an empty list is the pass.
 */
import { CloudFormationSimulator } from './cloudformation';
import { FakeAws, MAX_PHYSICAL_ID_BYTES, MAX_RESPONSE_BYTES } from './fake-aws';
import { MAX_CONCURRENT_OPERATIONS, setting } from './fake-ec2';
import { isCustomResource } from './resource-models';
import { DeployedResource } from './stack-records';
import { flatten } from './wire';

/** A custom resource's ServiceTimeout may exceed its function's timeout by this much (the asynchronous invocation's queueing). */
export const SERVICE_TIMEOUT_SLACK_SECONDS = 60;

type Tag = { Key: string; Value: string };
type TagSpecification = { ResourceType: string; Tags: Tag[] };

export class Invariants {
  /** Objects the stack wrote that the template stopped naming, by `bucket/key`: since which operation. */
  private readonly unnamedSince = new Map<string, number>();

  constructor(private readonly fake: FakeAws, private readonly cfn: CloudFormationSimulator) {}

  public check(): string[] {
    return [
      ...this.harnessProblems(),
      ...this.stackStatus(),
      ...this.endpointsMatchTemplate(),
      ...this.configurationFiles(),
      ...this.objectsNotWritten(),
      ...this.objectsNoLongerNamed(),
      ...this.responseLimits(),
      ...this.serviceTimeouts(),
      ...this.concurrency(),
      ...this.answers(),
    ];
  }

  private get customResources(): DeployedResource[] {
    return [...this.cfn.resources.values()].filter((record) => isCustomResource(record.type));
  }

  private get operation() {
    return this.cfn.operations[this.cfn.operations.length - 1];
  }

  private harnessProblems(): string[] {
    return [...this.fake.problems, ...this.fake.iam.problems].map((problem) => `harness: ${problem}`);
  }

  private stackStatus(): string[] {
    const failedStates = ['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_FAILED', 'DELETE_FAILED'];
    return [
      ...failedStates.includes(this.cfn.status) ? [`the stack is ${this.cfn.status}: ${this.operation.failures.join('; ')}`] : [],
      ...this.operation.notes.map((note) => `CloudFormation would not expect this: ${note}`),
      ...this.operation.cleanupFailures.map((failure) => `${this.operation.phases.find((phase) => phase.includes('CLEANUP')) ?? 'cleanup'} left a resource: ${failure}`),
    ];
  }

  /** Every modelled property, the custom resource's ApiSettings, CRL and attributes, and exactly the template's tags. */
  private endpointsMatchTemplate(): string[] {
    const violations: string[] = [];
    const templateEndpoints = [...this.cfn.resources.values()].filter((record) => record.type === 'AWS::EC2::ClientVpnEndpoint');
    for (const record of templateEndpoints) {
      const live = this.fake.ec2.endpoints.get(record.physicalId);
      const where = `endpoint ${record.logicalId} (${record.physicalId})`;
      if (!live || live.status === 'deleted') {
        violations.push(`${where} does not exist`);
        continue;
      }
      const { TagSpecifications: specifications, ...properties } = record.properties as { TagSpecifications?: TagSpecification[] };
      const settings = this.customResources.find((resource) => resource.properties.EndpointId === record.physicalId);
      const apiSettings = json<object>(settings?.properties.ApiSettings) ?? {};
      for (const [name, value] of [...Object.entries(properties), ...Object.entries(apiSettings)]) {
        const expected = new Map(flatten(value, name));
        const actual = new Map([...live.settings].filter(([key]) => key === name || key.startsWith(`${name}.`)));
        if (expected.size === 1 && expected.has(name) && !actual.has(name)) {
          actual.set(name, setting(live, name) ?? '');
        }
        if (JSON.stringify([...expected].sort()) !== JSON.stringify([...actual].sort())) {
          violations.push(`${where}: ${name} is ${JSON.stringify(Object.fromEntries(actual))}, the template says ${JSON.stringify(Object.fromEntries(expected))}`);
        }
      }
      const crl = settings?.properties.CertificateRevocationList;
      if (crl && live.crl !== crl) {
        violations.push(`${where}: the imported CRL is ${JSON.stringify(live.crl)}, the template has ${JSON.stringify(crl)}`);
      }
      const expectedTags = [
        ...(specifications ?? []).filter((specification) => specification.ResourceType === 'client-vpn-endpoint').flatMap((specification) => specification.Tags),
        ...json<Tag[]>(settings?.properties.Tags) ?? [],
      ];
      // Tags someone else put there stay, unless the template names their key.
      const byHand = [...live.tagsByHand].filter(([key]) => !expectedTags.some((tag) => tag.Key === key)).map(([Key, Value]) => ({ Key, Value }));
      const expected = [...expectedTags, ...byHand].map(({ Key, Value }) => `${Key}=${Value}`).sort();
      const liveTags = [...live.tags].filter(([key]) => !key.startsWith('aws:')).map(([key, value]) => `${key}=${value}`).sort();
      if (JSON.stringify(expected) !== JSON.stringify(liveTags)) {
        violations.push(`${where} is tagged ${JSON.stringify(liveTags)}, the template (and tags put there by hand) say ${JSON.stringify(expected)}`);
      }
      const attributes = { DnsName: this.fake.ec2.dnsNameOf(live.id), SelfServicePortalUrl: this.fake.ec2.portalUrlOf(live) ?? '' };
      for (const [name, value] of Object.entries(attributes)) {
        if (settings && name in settings.attributes && settings.attributes[name] !== value) {
          violations.push(`${where}: the custom resource's ${name} is ${JSON.stringify(settings.attributes[name])}, the endpoint's is ${JSON.stringify(value)}`);
        }
      }
    }
    const ids = new Set(templateEndpoints.map((record) => record.physicalId));
    for (const endpoint of this.fake.ec2.endpoints.values()) {
      if (endpoint.status !== 'deleted' && !ids.has(endpoint.id)) {
        violations.push(`endpoint ${endpoint.id} exists but the stack no longer has it`);
      }
    }
    return violations;
  }

  private named(): Set<string> {
    return new Set(this.customResources
      .filter((resource) => resource.properties.ConfigurationBucket && resource.properties.ConfigurationKey)
      .map((resource) => `${resource.properties.ConfigurationBucket}/${resource.properties.ConfigurationKey}`));
  }

  /** The bucket holds the template's configuration file, with what the endpoint exports now. */
  private configurationFiles(): string[] {
    const violations: string[] = [];
    for (const resource of this.customResources) {
      const { ConfigurationBucket: bucket, ConfigurationKey: key, EndpointId: endpointId } = resource.properties as { [name: string]: string };
      if (!bucket || !key) {
        continue;
      }
      const stored = this.fake.s3.object(bucket, key);
      const endpoint = this.fake.ec2.endpoints.get(endpointId);
      if (!stored) {
        violations.push(`s3://${bucket}/${key}, the configuration ${resource.logicalId} names, does not exist`);
      } else if (endpoint && stored.body !== this.fake.ec2.clientConfiguration(endpoint)) {
        violations.push(`s3://${bucket}/${key} is not what ${endpointId} exports now`);
      }
    }
    return violations;
  }

  /** A file the stack did not write is never touched (unless the template names that very key). */
  private objectsNotWritten(): string[] {
    const named = this.named();
    const latest = new Map(this.fake.s3.seeded.map((seed) => [`${seed.bucket}/${seed.key}`, seed]));
    return [...latest.values()]
      .filter((seed) => !named.has(`${seed.bucket}/${seed.key}`) && this.fake.s3.object(seed.bucket, seed.key)?.version !== seed.version)
      .map((seed) => `s3://${seed.bucket}/${seed.key}, which the stack did not write, was ${this.fake.s3.object(seed.bucket, seed.key) ? 'overwritten' : 'deleted'}`);
  }

  /** A file the stack wrote is gone once the template no longer names it, or a log line says why it is left. */
  private objectsNoLongerNamed(): string[] {
    const named = this.named();
    const violations: string[] = [];
    for (const bucket of this.fake.s3.buckets.values()) {
      for (const [key, stored] of bucket.objects) {
        const id = `${bucket.name}/${key}`;
        if (named.has(id) || !this.fake.iam.rolesEverCreated.has(stored.writer)) {
          this.unnamedSince.delete(id);
          continue;
        }
        const since = this.unnamedSince.get(id) ?? this.operation.index;
        this.unnamedSince.set(id, since);
        const explained = this.cfn.protocol.records.filter((record) => record.operation >= since)
          .some((record) => record.invocations.some((invocation) => invocation.logs.some((line) => line.includes(key))));
        if (!explained) {
          violations.push(`s3://${id}, which the stack wrote, is still there although no template names it, and no log line says why`);
        }
      }
    }
    return violations;
  }

  private responseLimits(): string[] {
    const violations = this.fake.responses.flatMap((response) => response.rejected.map((reason) => `response to ${response.requestId}: ${reason}`));
    for (const record of this.cfn.resources.values()) {
      if (Buffer.byteLength(record.physicalId) > MAX_PHYSICAL_ID_BYTES) {
        violations.push(`${record.logicalId} has a physical id of ${Buffer.byteLength(record.physicalId)} bytes`);
      }
    }
    return violations.concat(this.fake.responses.filter((response) => response.bytes > MAX_RESPONSE_BYTES).map((response) => `response ${response.requestId} is ${response.bytes} bytes`));
  }

  /** Every custom resource has a ServiceTimeout at least its function's timeout and not much more. */
  private serviceTimeouts(): string[] {
    return this.customResources.flatMap((resource) => {
      const fn = this.cfn.functions.byArn(String(resource.properties.ServiceToken));
      const serviceTimeout = Number(resource.properties.ServiceTimeout);
      if (!fn) {
        return [`${resource.logicalId}: its ServiceToken names no function`];
      }
      if (resource.properties.ServiceTimeout === undefined) {
        return [`${resource.logicalId} has no ServiceTimeout: CloudFormation waits an hour for an answer that never comes`];
      }
      return serviceTimeout < fn.timeoutSeconds || serviceTimeout > fn.timeoutSeconds + SERVICE_TIMEOUT_SLACK_SECONDS
        ? [`${resource.logicalId}: ServiceTimeout ${serviceTimeout} s does not fit the function's timeout of ${fn.timeoutSeconds} s`] : [];
    });
  }

  private concurrency(): string[] {
    return [...this.operation.maxInFlight].filter(([, count]) => count > MAX_CONCURRENT_OPERATIONS)
      .map(([endpointId, count]) => `${endpointId} had ${count} operations in flight at once (the service allows ${MAX_CONCURRENT_OPERATIONS})`);
  }

  /** Every request got an answer before the function's timeout, and no Delete failed. */
  private answers(): string[] {
    return this.operation.customResources.flatMap((record) => {
      const what = `${record.event.RequestType} of ${record.logicalId} (${record.phase})`;
      if (record.waitedSeconds !== undefined) {
        return [`${what} never answered: ${record.outcome?.reason}`];
      }
      return record.event.RequestType === 'Delete' && record.outcome?.status === 'FAILED' ? [`${what} answered FAILED: ${record.outcome.reason}`] : [];
    });
  }
}

/** A property the construct writes as JSON (a string), or already a structure. */
function json<T>(value: unknown): T | undefined {
  return typeof value === 'string' && value !== '' ? JSON.parse(value) as T : value as T | undefined;
}
