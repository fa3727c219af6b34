/**
 * The lifecycle harness in one object: the fake AWS, the Lambda runtime, the CloudFormation
 * simulator and the invariants, started and stopped together.
 */
import { CloudFormationSimulator, DeployOptions } from './cloudformation';
import { FakeAws } from './fake-aws';
import { Invariants } from './invariants';
import { LambdaRuntime } from './lambda-runtime';
import { runSchedule, ScheduledRun } from './schedules';
import { DeployedResource, OperationRecord, SynthesizedStack } from './stack-records';

export class Harness {
  public static async start(options: { rollbackOrder?: 'reverse' | 'forward' } = {}): Promise<Harness> {
    const fake = await FakeAws.start();
    return new Harness(fake, new LambdaRuntime(fake.url, fake.region), options.rollbackOrder);
  }

  public readonly cfn: CloudFormationSimulator;
  public readonly invariants: Invariants;

  private constructor(public readonly fake: FakeAws, public readonly runtime: LambdaRuntime, rollbackOrder?: 'reverse' | 'forward') {
    this.cfn = new CloudFormationSimulator(fake, runtime, rollbackOrder);
    this.invariants = new Invariants(fake, this.cfn);
  }

  public deploy(stack: SynthesizedStack, options?: DeployOptions): Promise<OperationRecord> {
    return this.cfn.deploy(stack, options);
  }

  public destroy(options?: Pick<DeployOptions, 'lambdaTimeoutMs'>): Promise<OperationRecord> {
    return this.cfn.destroy(options);
  }

  /** The violations of the invariants now; call after every stack operation. */
  public check(): string[] {
    return this.invariants.check();
  }

  /** The physical id of a deployed resource, by its CDK logical id without the hash (`Endpoint` for `EndpointEEF1FD8F`). */
  public physicalId(logicalIdStart: string): string {
    return this.resource(logicalIdStart).physicalId;
  }

  public resource(logicalIdStart: string): DeployedResource {
    const pattern = new RegExp(`^${logicalIdStart}([0-9A-F]{8})?$`);
    const matches = [...this.cfn.resources.values()].filter((record) => pattern.test(record.logicalId));
    if (matches.length !== 1) {
      throw new Error(`${matches.length} deployed resources are ${logicalIdStart}: ${matches.map((record) => record.logicalId)}`);
    }
    return matches[0];
  }

  /**
   * What the deployed EventBridge rule (`Rotation` for `RotationA1B2C3D4`) does when its schedule
   * fires: its first target function is invoked with the target's Input as the event (schedules.ts).
   */
  public runSchedule(ruleLogicalIdStart: string): Promise<ScheduledRun> {
    return runSchedule(this.cfn, this.runtime, this.resource(ruleLogicalIdStart));
  }

  /** Every log line of every invocation so far, in order. */
  public logs(): string[] {
    return this.cfn.protocol.records.flatMap((record) => record.invocations.flatMap((invocation) => invocation.logs));
  }

  public async stop(): Promise<void> {
    this.runtime.stop();
    await this.fake.close();
  }
}
