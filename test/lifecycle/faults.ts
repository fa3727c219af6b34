/**
 * Scripted failures of the fake AWS APIs, per action (`*` for every API call): canned errors in
 * order, throttling for the next N calls or always, and stalls (the connection is accepted and
 * never answered), optionally only while `when` holds (e.g. during one stack phase).
 */
import { Answer, cloudFormationError, ec2Error, ec2Throttled, jsonError, s3Throttled } from './wire';

/** What a fault can look at. */
export interface FaultContext {
  readonly service: 'ec2' | 's3' | 'cloudformation' | 'secretsmanager' | 'acm';
  /** The Query action, the S3 operation or the JSON operation (X-Amz-Target), e.g. ModifyClientVpnEndpoint, HeadObject, GetSecretValue. */
  readonly action: string;
  readonly role: string;
  readonly params: { readonly [name: string]: string };
  readonly bucket?: string;
  readonly key?: string;
}

interface Fault {
  readonly action: string;
  /** undefined: the service's throttling answer. */
  readonly answer?: Answer;
  readonly when?: (request: FaultContext) => boolean;
  remaining: number;
  hits: number;
}

export class Faults {
  private readonly faults: Fault[] = [];

  /** Answers the next calls of `action` with these, one each, in order. */
  public queue(action: string, ...answers: Answer[]): void {
    for (const answer of answers) {
      this.faults.push({ action, answer, remaining: 1, hits: 0 });
    }
  }

  /** Throttles the next `times` calls of `action` (`*`: any action). */
  public throttle(action: string, times: number, when?: Fault['when']): void {
    this.faults.push({ action, remaining: times, hits: 0, when });
  }

  public throttleAlways(action: string, when?: Fault['when']): void {
    this.throttle(action, Infinity, when);
  }

  /** The next `times` calls of `action` get no answer at all. */
  public stall(action: string, times = 1, when?: Fault['when']): void {
    this.faults.push({ action, answer: { status: 0, stall: true }, remaining: times, hits: 0, when });
  }

  /** Answers every call of `action` with this error while `when` holds. */
  public failAlways(action: string, answer: Answer, when?: Fault['when']): void {
    this.faults.push({ action, answer, remaining: Infinity, hits: 0, when });
  }

  public clear(): void {
    this.faults.length = 0;
  }

  /** How many calls each fault has answered, for tests that must prove the fault was hit. */
  public hits(action: string): number {
    return this.faults.filter((fault) => fault.action === action).reduce((sum, fault) => sum + fault.hits, 0);
  }

  /** Queued answers not used yet: a test that scripted more than happened should say so. */
  public pending(): string[] {
    return this.faults.filter((fault) => Number.isFinite(fault.remaining) && fault.remaining > 0)
      .map((fault) => `${fault.action}: ${fault.remaining} left`);
  }

  /** The scripted answer for this request, if any. */
  public take(request: FaultContext): Answer | undefined {
    const fault = this.faults.find((candidate) => candidate.remaining > 0
      && (candidate.action === '*' || candidate.action === request.action)
      && (!candidate.when || candidate.when(request)));
    if (!fault) {
      return undefined;
    }
    fault.remaining--;
    fault.hits++;
    return fault.answer ?? throttling(request);
  }
}

function throttling(request: FaultContext): Answer {
  switch (request.service) {
    case 'ec2': return ec2Throttled();
    case 's3': return request.action === 'HeadObject' ? { status: 503 } : s3Throttled();
    case 'cloudformation': return cloudFormationError(400, 'Throttling', 'Rate exceeded');
    // Both answer 400 ThrottlingException "Rate exceeded" (ACM API Reference, Common Errors; Secrets Manager API Reference, Common Errors).
    case 'secretsmanager': return jsonError(400, 'ThrottlingException', 'Rate exceeded', 'Message');
    case 'acm': return jsonError(400, 'ThrottlingException', 'Rate exceeded');
  }
}

/** EC2's answer to a denied caller: 403 UnauthorizedOperation. */
export function unauthorized(action: string, role: string, resource: string, reason: string): Answer {
  return ec2Error(403, 'UnauthorizedOperation',
    `You are not authorized to perform this operation. User: ${assumedRoleArn(role)} is not authorized to perform: `
    + `${action} on resource: ${resource} ${reason}. Encoded authorization failure message: AAAA`);
}

export function assumedRoleArn(role: string): string {
  return `arn:aws:sts::123456789012:assumed-role/${role}/handler`;
}
