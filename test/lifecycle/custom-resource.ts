/**
 * CloudFormation's side of the custom resource protocol for Lambda-backed resources
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html): the request
 * (RequestType, ResponseURL, StackId, RequestId, ResourceType, LogicalResourceId,
 * ResourceProperties with every leaf value a string, OldResourceProperties on Update,
 * PhysicalResourceId on Update and Delete), an asynchronous invocation of the function (retried
 * on a function error as its EventInvokeConfig says, twice by default), and the wait for the
 * response at the pre-signed URL, for at most ServiceTimeout seconds (default 3600).
 */
import { randomUUID } from 'crypto';
import { setTimeout as sleep } from 'timers/promises';
import type { CloudFormationCustomResourceResponse } from 'aws-lambda';
import { FakeAws, RecordedResponse } from './fake-aws';
import { FunctionConfig, Invocation, LambdaRuntime } from './lambda-runtime';
import { FunctionRegistry, Properties } from './resource-models';

/** "The value must be an integer from 1 to 3600. The default value is 3600 seconds (1 hour)." (crpg-ref-requests) */
const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

export interface CustomResourceRequest {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly logicalId: string;
  readonly resourceType: string;
  readonly properties: Properties;
  readonly oldProperties?: Properties;
  readonly physicalId?: string;
}

export interface CustomResourceOutcome {
  readonly status: 'SUCCESS' | 'FAILED';
  /** As answered; undefined when nothing usable came back. */
  readonly physicalId?: string;
  readonly data: { readonly [name: string]: unknown };
  readonly reason: string;
}

/** One request to a custom resource, for the tests to read. */
export interface CustomResourceRecord {
  readonly operation: number;
  /** The stack phase it was sent in, e.g. UPDATE_COMPLETE_CLEANUP_IN_PROGRESS. */
  readonly phase: string;
  readonly logicalId: string;
  readonly event: { readonly [name: string]: unknown };
  response?: CloudFormationCustomResourceResponse;
  readonly invocations: Invocation[];
  outcome?: CustomResourceOutcome;
  /** How long CloudFormation would have waited for an answer that never came. */
  waitedSeconds?: number;
  readonly startedAt: number;
  endedAt?: number;
}

export interface ProtocolContext {
  readonly stackId: string;
  readonly operation: number;
  readonly phase: string;
  /** Overrides every function's timeout (ms), e.g. to prove a stalled call is bounded without waiting 5 minutes. */
  readonly lambdaTimeoutMs?: number;
}

export class CustomResourceProtocol {
  public readonly records: CustomResourceRecord[] = [];
  private readonly running: Array<Promise<unknown>> = [];

  constructor(private readonly fake: FakeAws, private readonly runtime: LambdaRuntime, private readonly functions: FunctionRegistry) {}

  public async send(request: CustomResourceRequest, context: ProtocolContext): Promise<CustomResourceOutcome> {
    const serviceToken = String(request.properties.ServiceToken);
    const requestId = randomUUID();
    const event = {
      RequestType: request.requestType,
      ServiceToken: serviceToken,
      ResponseURL: this.fake.responseUrl(requestId),
      StackId: context.stackId,
      RequestId: requestId,
      LogicalResourceId: request.logicalId,
      ResourceType: request.resourceType,
      ...(request.physicalId !== undefined ? { PhysicalResourceId: request.physicalId } : {}),
      ResourceProperties: stringifyLeaves(request.properties),
      ...(request.oldProperties ? { OldResourceProperties: stringifyLeaves(request.oldProperties) } : {}),
    };
    const record: CustomResourceRecord = {
      operation: context.operation, phase: context.phase, logicalId: request.logicalId, event, invocations: [], startedAt: Date.now(),
    };
    this.records.push(record);
    record.outcome = await this.exchange(request, event, record, context);
    record.endedAt = Date.now();
    return record.outcome;
  }

  /** Waits for invocations still running after their response was sent, so their logs are complete. */
  public async settle(): Promise<void> {
    await Promise.all(this.running.splice(0));
  }

  private async exchange(
    request: CustomResourceRequest, event: { RequestId: string }, record: CustomResourceRecord, context: ProtocolContext,
  ): Promise<CustomResourceOutcome> {
    const fn = this.functions.byArn(String(request.properties.ServiceToken));
    if (!fn) {
      return failed(`Invalid service token ${request.properties.ServiceToken}: no such function`);
    }
    const given = request.properties.ServiceTimeout;
    const serviceTimeout = given === undefined ? DEFAULT_SERVICE_TIMEOUT_SECONDS : Number(given);
    if (!Number.isInteger(serviceTimeout) || serviceTimeout < 1 || serviceTimeout > 3600) {
      return failed(`ServiceTimeout must be an integer from 1 to 3600, got ${request.properties.ServiceTimeout}`);
    }
    const responded = this.fake.response(event.RequestId);
    let timer: NodeJS.Timeout | undefined;
    const serviceDeadline = new Promise<'timeout'>((resolve) => timer = setTimeout(() => resolve('timeout'), serviceTimeout * 1000));
    try {
      return await this.attempts(fn, request, event, record, context, { responded, serviceDeadline, serviceTimeout });
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempts(
    fn: FunctionConfig, request: CustomResourceRequest, event: { RequestId: string }, record: CustomResourceRecord, context: ProtocolContext,
    wait: { responded: Promise<RecordedResponse>; serviceDeadline: Promise<'timeout'>; serviceTimeout: number },
  ): Promise<CustomResourceOutcome> {
    const { responded, serviceDeadline, serviceTimeout } = wait;
    for (let attempt = 0; attempt <= this.functions.retriesOf(fn.name); attempt++) {
      const invocation = this.runtime.invoke(fn, event, { timeoutMs: context.lambdaTimeoutMs });
      const tracked = invocation.then((result) => record.invocations.push(result));
      this.running.push(tracked);
      const first = await Promise.race([responded, invocation.then(() => 'ended' as const), serviceDeadline]);
      if (first === 'timeout') {
        return failed(`CloudFormation did not receive a response within the ServiceTimeout of ${serviceTimeout} s`);
      }
      if (first !== 'ended') {
        return this.judge(first, record);
      }
      // The function ended: a response it sent just before is still on its way, or never comes.
      const late = await Promise.race([responded, sleep(250, undefined)]);
      if (late) {
        return this.judge(late, record);
      }
      const result = await invocation;
      if (!result.error) {
        break;
      }
      // An asynchronous invocation that fails is retried by Lambda (after a delay, shortened here).
      await sleep(100);
    }
    record.waitedSeconds = serviceTimeout;
    return failed(`no response: the function ended without answering, so CloudFormation waits the ServiceTimeout of ${serviceTimeout} s`
      + `${request.properties.ServiceTimeout === undefined ? ' (the default: no ServiceTimeout is set)' : ''} and fails the resource`);
  }

  private judge(response: RecordedResponse, record: CustomResourceRecord): CustomResourceOutcome {
    record.response = response.body;
    if (response.rejected.length > 0 || !response.body) {
      return failed(`CloudFormation rejects the response: ${response.rejected.join('; ')}`);
    }
    const { Status, PhysicalResourceId, Data, Reason } = response.body as CloudFormationCustomResourceResponse & { Data?: object; Reason?: string };
    if (Status === 'SUCCESS' && !PhysicalResourceId) {
      return failed('Invalid PhysicalResourceId: a SUCCESS response must have one');
    }
    return { status: Status, physicalId: PhysicalResourceId || undefined, data: Data ?? {}, reason: Reason ?? '' };
  }
}

function failed(reason: string): CustomResourceOutcome {
  return { status: 'FAILED', data: {}, reason };
}

/** CloudFormation passes every scalar property value as a string: `true` → "true", 300 → "300". */
export function stringifyLeaves(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stringifyLeaves);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stringifyLeaves(item)]));
  }
  return value === undefined || value === null ? value : String(value);
}
