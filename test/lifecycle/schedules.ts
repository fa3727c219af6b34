/**
 * What an EventBridge schedule rule does when it fires, for a test to trigger: the deployed
 * AWS::Events::Rule's first target is invoked as EventBridge invokes a Lambda target.
 *
 * - The event is the target's Input, parsed, when it has one ("Valid JSON text passed to the target.
 *   In this case, nothing from the event itself is passed to the target", AWS::Events::Rule Target
 *   Input); otherwise the scheduled event EventBridge sends (`detail-type` "Scheduled Event", source
 *   "aws.events", the rule's ARN in `resources`; EventBridge User Guide, "Events from scheduled rules").
 * - EventBridge invokes Lambda asynchronously, so a function error is retried by Lambda as its
 *   EventInvokeConfig says, twice by default (Lambda Developer Guide, "Asynchronous invocation").
 * - EventBridge may invoke only with the function's resource-based policy allowing it: an
 *   AWS::Lambda::Permission for lambda:InvokeFunction by events.amazonaws.com, with the rule's ARN as
 *   SourceArn if it names one (EventBridge User Guide, "Using resource-based policies": Lambda).
 *   Without one, or with the rule DISABLED, nothing is invoked and the run says why.
 */
import { randomUUID } from 'crypto';
import { setTimeout as sleep } from 'timers/promises';
import { CloudFormationSimulator } from './cloudformation';
import { Invocation, LambdaRuntime } from './lambda-runtime';
import { DeployedResource } from './stack-records';
import { ACCOUNT } from './wire';

export interface ScheduledRun {
  readonly ruleLogicalId: string;
  /** The target function's ARN, as deployed. */
  readonly functionArn: string;
  /** The event each attempt received. */
  readonly event: unknown;
  /** Every attempt, in order: the first, then Lambda's retries of a failed one. */
  readonly invocations: Invocation[];
  /** The last attempt's error, or why EventBridge invoked nothing. */
  readonly error?: string;
}

interface Target {
  readonly Arn: string;
  readonly Id: string;
  readonly Input?: string;
}

export async function runSchedule(cfn: CloudFormationSimulator, runtime: LambdaRuntime, rule: DeployedResource): Promise<ScheduledRun> {
  if (rule.type !== 'AWS::Events::Rule') {
    throw new Error(`${rule.logicalId} is a ${rule.type}, not an AWS::Events::Rule`);
  }
  const [target] = (rule.properties.Targets ?? []) as Target[];
  if (!target) {
    throw new Error(`the rule ${rule.logicalId} has no target`);
  }
  const ruleArn = String(rule.attributes.Arn);
  const event = target.Input !== undefined ? JSON.parse(target.Input) : {
    'version': '0',
    'id': randomUUID(),
    'detail-type': 'Scheduled Event',
    'source': 'aws.events',
    'account': ACCOUNT,
    'time': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    'region': cfn.fake.region,
    'resources': [ruleArn],
    'detail': {},
  };
  const run = { ruleLogicalId: rule.logicalId, functionArn: target.Arn, event, invocations: [] as Invocation[] };
  if (rule.properties.State === 'DISABLED') {
    return { ...run, error: `the rule ${rule.logicalId} is DISABLED: EventBridge does not run it` };
  }
  const fn = cfn.functions.byArn(target.Arn);
  if (!fn) {
    return { ...run, error: `the target ${target.Arn} is not a function of this stack` };
  }
  if (!permits(cfn, fn.arn, fn.name, ruleArn)) {
    return { ...run, error: `no AWS::Lambda::Permission lets events.amazonaws.com invoke ${fn.name} from ${ruleArn}` };
  }
  let last: Invocation | undefined;
  for (let attempt = 0; attempt <= cfn.functions.retriesOf(fn.name); attempt++) {
    last = await runtime.invoke(fn, event);
    run.invocations.push(last);
    if (!last.error) {
      break;
    }
    // Lambda retries a failed asynchronous invocation after a delay (a minute, then two), shortened here.
    await sleep(100);
  }
  return { ...run, error: last?.error };
}

/** Whether a deployed AWS::Lambda::Permission allows EventBridge to invoke the function from this rule. */
function permits(cfn: CloudFormationSimulator, functionArn: string, functionName: string, ruleArn: string): boolean {
  return [...cfn.resources.values()].some((resource) => {
    if (resource.type !== 'AWS::Lambda::Permission') {
      return false;
    }
    const { Action, FunctionName, Principal, SourceArn } = resource.properties as { [name: string]: string | undefined };
    // FunctionName may be the name, the ARN, or a partial ARN (AWS::Lambda::Permission FunctionName).
    const sameFunction = FunctionName === functionArn || FunctionName === functionName || String(FunctionName).endsWith(`:function:${functionName}`);
    return sameFunction && (Action === 'lambda:InvokeFunction' || Action === 'lambda:*')
      && Principal === 'events.amazonaws.com' && (SourceArn === undefined || SourceArn === ruleArn);
  });
}
