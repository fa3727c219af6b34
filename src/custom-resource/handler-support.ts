/**
 * What every handler of this library does the same way: answer CloudFormation exactly once,
 * before the Lambda's timeout, and call AWS with bounded, jittered retries.
 */
import { setTimeout as sleep } from 'timers/promises';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';

const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
// Kept back from the Lambda's timeout so the response always reaches CloudFormation.
export const RESPONSE_RESERVE_MS = 5_000;
const MAX_REASON_LENGTH = 1_000;
const RETRYABLE_ERRORS = /^(RequestLimitExceeded|Throttling(Exception)?|ConcurrentMutationLimitExceeded|SlowDown)$/;

type Client = { send(command: object, options: { abortSignal: AbortSignal }): Promise<unknown> };

/** A response as far as a resource decides it; CloudFormation's own field names. */
export type Outcome = Pick<CloudFormationCustomResourceResponse, 'PhysicalResourceId' | 'Data'>;

/**
 * Runs one request and sends CloudFormation its answer. A failed Create gets an id of its own,
 * `<prefix>-failed-<request id>`, which its Delete knows was never created; a failed Update keeps its id.
 */
export async function respond(
  event: CloudFormationCustomResourceEvent,
  context: Context,
  physicalIdPrefix: string,
  dispatch: (event: CloudFormationCustomResourceEvent, deadline: number) => Promise<Outcome>,
): Promise<void> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS;
  console.log(event.RequestType, event.LogicalResourceId, (event as { PhysicalResourceId?: string }).PhysicalResourceId ?? '');
  let outcome: Pick<CloudFormationCustomResourceResponse, 'Status' | 'PhysicalResourceId' | 'Data' | 'Reason'>;
  try {
    outcome = { Status: 'SUCCESS', ...await dispatch(event, deadline) };
  } catch (error) {
    const reason = `${describeError(error)} (log stream ${context.logStreamName})`;
    console.error(reason);
    const physicalId = event.RequestType === 'Create' ? failedCreateId(physicalIdPrefix, event.RequestId) : event.PhysicalResourceId;
    outcome = { Status: 'FAILED', PhysicalResourceId: physicalId, Reason: reason.slice(0, MAX_REASON_LENGTH) };
  }
  const response = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, ...outcome };
  try {
    await sendResponse(event.ResponseURL, response as CloudFormationCustomResourceResponse, deadline);
  } catch (error) {
    // Not rethrown: Lambda would run the whole request again.
    console.error(`Could not send the response: ${describeError(error)}`);
  }
}

export function failedCreateId(physicalIdPrefix: string, requestId: string): string {
  return `${physicalIdPrefix}-failed-${requestId}`;
}

/**
 * Sends a command, retrying throttling, concurrent mutations and server errors with capped,
 * jittered backoff. Every attempt is aborted at the deadline, so a call that never answers
 * cannot outlive the Lambda. A failure names the call and the attempts it took.
 */
export async function send<Output>(deadline: number, client: Client, command: object): Promise<Output> {
  // The command's class name without its 'Command' suffix.
  const operation = command.constructor.name.slice(0, -7);
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.send(command, { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) }) as Output;
    } catch (error) {
      const { name, $metadata } = error as { name: string; $metadata?: { httpStatusCode?: number } };
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      const retryable = RETRYABLE_ERRORS.test(name) || ($metadata?.httpStatusCode ?? 0) >= 500;
      if (!retryable || attempt >= MAX_ATTEMPTS || Date.now() + delay > deadline) {
        throw Object.assign(error as Error, { operation, attempts: attempt });
      }
      console.log(`Retrying ${operation} (attempt ${attempt}): ${describeError(error)}`);
      await sleep(delay);
    }
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const { operation, attempts, $metadata } = error as { operation?: string; attempts?: number; $metadata?: { httpStatusCode?: number } };
  const where = operation ? `${operation} failed${(attempts ?? 0) > 1 ? ` after ${attempts} attempts` : ''}: ` : '';
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  const status = $metadata?.httpStatusCode ? ` (HTTP ${$metadata.httpStatusCode})` : '';
  return `${where}${name}${error.message}${status}`;
}

/** PUTs the response to CloudFormation's pre-signed URL, three times at most: an unsent response hangs the stack. */
async function sendResponse(url: string, response: CloudFormationCustomResourceResponse, deadline: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The URL is signed without a content type, so none may be sent.
      const reply = await fetch(url, {
        method: 'PUT',
        body: JSON.stringify(response),
        headers: { 'content-type': '' },
        signal: AbortSignal.timeout(Math.max(1_000, deadline + RESPONSE_RESERVE_MS - Date.now() - 1_000)),
      });
      await reply.arrayBuffer();
      if (reply.ok) {
        return;
      }
      throw new Error(`CloudFormation answered ${reply.status}`);
    } catch (error) {
      if (attempt >= 3 || Date.now() + 1_000 > deadline + RESPONSE_RESERVE_MS) {
        throw error;
      }
      await sleep(1_000 * attempt);
    }
  }
}
