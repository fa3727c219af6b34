/**
 * A CloudFormation stack, played the way CloudFormation documents it (aws-cdk docs/CLOUDFORMATION.md,
 * and the custom resource request reference):
 *
 * - create and update run each resource once its dependencies are done (Ref, Fn::GetAtt, Fn::Sub,
 *   DependsOn), independent ones at once; a change to a "replacement" property creates a new
 *   physical resource and keeps the old one;
 * - UPDATE_COMPLETE_CLEANUP_IN_PROGRESS deletes the old physical ids of replaced resources (a custom
 *   resource whose Update answered a new PhysicalResourceId is replaced) and the resources removed
 *   from the template, in reverse dependency order of the old template;
 * - a failure stops the update: UPDATE_ROLLBACK_IN_PROGRESS sends every resource updated in place an
 *   Update back to its old properties, a custom resource whose Update failed included ("If an Update
 *   fails, CloudFormation will trigger a second Update during rollback", with ResourceProperties=OLD
 *   and OldResourceProperties=NEW); then UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS deletes what
 *   the update created and the new physical ids of replacements. A failed rollback step leaves the
 *   stack UPDATE_ROLLBACK_FAILED. A failed create deletes what it created (ROLLBACK_COMPLETE);
 * - DeletionPolicy and UpdateReplacePolicy Retain are honoured (RetainExceptOnCreate too).
 *
 * Rollback updates run in reverse dependency order of the new template (`reverse`, the default) or in
 * the order of the old one (`forward`); CloudFormation does not document which, so handlers that must
 * survive either can be run under both.
 */
import { randomUUID } from 'crypto';
import { CustomResourceOutcome, CustomResourceProtocol, CustomResourceRequest } from './custom-resource';
import { FakeAws } from './fake-aws';
import { longestChain, runGraph } from './graph';
import { evaluateConditions, resolve, ResolutionError, ResourceDefinition, Scope, Template } from './intrinsics';
import { LambdaRuntime } from './lambda-runtime';
import { FunctionRegistry, isCustomResource, isModelled, ModelContext, Properties } from './resource-models';
import { Change, DeleteReason, Doomed, ResourceFailure, ResourceOperations } from './resource-operations';
import { Dependencies, DeployedResource, newOperation, OperationRecord, StackStatus, SynthesizedStack } from './stack-records';
import { ACCOUNT } from './wire';

export interface DeployOptions {
  readonly parameters?: { readonly [name: string]: string };
  /** Logical ids whose create or update fails in this deploy, as if their service refused. */
  readonly fail?: readonly string[];
  /** Overrides every function's timeout (ms) in this deploy. */
  readonly lambdaTimeoutMs?: number;
}

const RULE_AND_ROUTE_TYPES = ['AWS::EC2::ClientVpnAuthorizationRule', 'AWS::EC2::ClientVpnRoute'];

/** The value SSM parameters (such as CDK's BootstrapVersion) resolve to. */
const SSM_PARAMETER_VALUE = '30';

export class CloudFormationSimulator {
  public status: StackStatus | 'NONE' = 'NONE';
  /** The stack phase now, e.g. UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: faults can be scripted for one phase. */
  public phase = 'NONE';
  public template?: Template;
  public readonly resources = new Map<string, DeployedResource>();
  public readonly operations: OperationRecord[] = [];
  public readonly functions = new FunctionRegistry();
  public readonly protocol: CustomResourceProtocol;
  public stackName = '';
  public stackId = '';
  private parameters: { [name: string]: unknown } = {};
  private conditions: { [name: string]: boolean } = {};
  private assets = new Map<string, string>();
  private options: DeployOptions = {};
  private readonly ops: ResourceOperations;

  constructor(public readonly fake: FakeAws, runtime: LambdaRuntime, public rollbackOrder: 'reverse' | 'forward' = 'reverse') {
    this.protocol = new CustomResourceProtocol(fake, runtime, this.functions);
    this.ops = new ResourceOperations({
      resources: this.resources,
      stackName: () => this.stackName,
      event: (...args) => this.event(...args),
      custom: (request) => this.custom(request),
      resolveProperties: (definition) => this.resolveProperties(definition),
      context: (logicalId) => this.context(logicalId),
      injectedFailure: (logicalId) => this.injectedFailure(logicalId),
      note: (text) => this.operation.notes.push(text),
    });
    fake.stackResources = (stack, logicalId) => {
      const found = stack === this.stackId || stack === this.stackName ? this.resources.get(logicalId) : undefined;
      return found && { physicalId: found.physicalId, type: found.type, status: this.phase.startsWith('DELETE') ? 'DELETE_IN_PROGRESS' : 'UPDATE_COMPLETE' };
    };
  }

  private get operation(): OperationRecord {
    return this.operations[this.operations.length - 1];
  }

  public async deploy(stack: SynthesizedStack, options: DeployOptions = {}): Promise<OperationRecord> {
    if (['UPDATE_ROLLBACK_FAILED', 'ROLLBACK_FAILED', 'ROLLBACK_COMPLETE', 'DELETE_FAILED'].includes(this.status)) {
      throw new Error(`the stack is ${this.status}: CloudFormation accepts no update`);
    }
    const creating = this.status === 'NONE' || this.status === 'DELETE_COMPLETE';
    this.begin(creating ? 'CREATE' : 'UPDATE', options);
    // Rollbacks run the previous code: its assets stay known.
    this.assets = new Map([...this.assets, ...stack.assets]);
    try {
      await (creating ? this.create(stack) : this.update(stack));
    } finally {
      await this.finish();
    }
    return this.operation;
  }

  public async destroy(options: Pick<DeployOptions, 'lambdaTimeoutMs'> = {}): Promise<OperationRecord> {
    if (this.status === 'NONE' || this.status === 'DELETE_COMPLETE') {
      throw new Error('there is no stack to delete');
    }
    this.begin('DELETE', options);
    try {
      this.setPhase('DELETE_IN_PROGRESS');
      const dependencies = new Dependencies(this.template!, new Set(this.resources.keys()));
      const doomed = new Map([...this.resources].map(([logicalId, record]) => [logicalId, { record, reason: 'stack-delete' as DeleteReason }]));
      const failures = await this.deleteAll(doomed, (name) => dependencies.dependentsOf(name));
      this.operation.failures.push(...failures);
      this.status = failures.length > 0 ? 'DELETE_FAILED' : 'DELETE_COMPLETE';
      if (this.status === 'DELETE_COMPLETE') {
        this.template = undefined;
      }
    } finally {
      await this.finish();
    }
    return this.operation;
  }

  private async create(stack: SynthesizedStack): Promise<void> {
    this.stackName = stack.stackName;
    this.stackId = `arn:aws:cloudformation:${this.fake.region}:${ACCOUNT}:stack/${stack.stackName}/${randomUUID()}`;
    const names = this.prepare(stack.template);
    const dependencies = new Dependencies(stack.template, names);
    this.setPhase('CREATE_IN_PROGRESS');
    const run = await runGraph(names, (name) => dependencies.of(name), async (logicalId) => {
      try {
        this.resources.set(logicalId, await this.ops.createOne(logicalId, stack.template));
      } catch (error) {
        if (error instanceof ResourceFailure && error.record) {
          this.resources.set(logicalId, error.record);
        }
        throw error;
      }
      return true;
    }, { stopOnFailure: true });
    this.measure(names, dependencies, run.operated);
    if (run.failed.size === 0) {
      this.status = 'CREATE_COMPLETE';
      return;
    }
    this.operation.failures.push(...[...run.failed].map(([name, error]) => `${name}: ${error.message}`));
    this.setPhase('ROLLBACK_IN_PROGRESS');
    const doomed = new Map([...this.resources].map(([logicalId, record]) => [logicalId, { record, reason: 'rollback-created' as DeleteReason }]));
    const failures = await this.deleteAll(doomed, (name) => dependencies.dependentsOf(name));
    this.operation.failures.push(...failures);
    this.status = failures.length > 0 ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE';
  }

  private async update(stack: SynthesizedStack): Promise<void> {
    const old = { template: this.template!, resources: new Map(this.resources), parameters: this.parameters, conditions: this.conditions };
    const names = this.prepare(stack.template);
    const newDependencies = new Dependencies(stack.template, names);
    const oldDependencies = new Dependencies(old.template, new Set(old.resources.keys()));
    const changes = new Map<string, Change>();
    this.setPhase('UPDATE_IN_PROGRESS');
    const run = await runGraph(names, (name) => newDependencies.of(name),
      (logicalId) => this.ops.updateOne(logicalId, stack.template, old.resources.get(logicalId), changes), { stopOnFailure: true });
    this.measure(names, newDependencies, run.operated);

    if (run.failed.size === 0) {
      this.setPhase('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      const doomed = new Map<string, Doomed>();
      for (const [logicalId, change] of changes) {
        if (change.kind === 'replaced' && change.previous) {
          doomed.set(logicalId, { record: change.previous, reason: 'replaced' });
        }
      }
      const removed = [...old.resources.keys()].filter((logicalId) => !names.has(logicalId));
      for (const logicalId of removed) {
        // Still the stack's (DescribeStackResource finds it) until its delete ran.
        doomed.set(logicalId, { record: old.resources.get(logicalId)!, reason: 'removed' });
      }
      this.operation.cleanupFailures.push(...await this.deleteAll(doomed, (name) => oldDependencies.dependentsOf(name)));
      removed.forEach((logicalId) => this.resources.delete(logicalId));
      this.status = 'UPDATE_COMPLETE';
      return;
    }

    this.operation.failures.push(...[...run.failed].map(([name, error]) => `${name}: ${error.message}`));
    this.setPhase('UPDATE_ROLLBACK_IN_PROGRESS');
    const toRollBack = [...changes].filter(([, change]) => change.kind === 'updated' || change.kind === 'failed-update').map(([name]) => name);
    const restored = new Map<string, DeployedResource>();
    const order = this.rollbackOrder === 'reverse' ? (name: string) => newDependencies.dependentsOf(name) : (name: string) => oldDependencies.of(name);
    const rolledBack = await runGraph(toRollBack, order, async (logicalId) => {
      restored.set(logicalId, await this.ops.rollBackOne(logicalId, changes.get(logicalId)!));
      return true;
    }, { stopOnFailure: true });
    if (rolledBack.failed.size > 0) {
      this.operation.failures.push(...[...rolledBack.failed].map(([name, error]) => `rollback of ${name}: ${error.message}`));
      this.status = 'UPDATE_ROLLBACK_FAILED';
      return;
    }
    const doomed = new Map<string, Doomed>();
    for (const [logicalId, change] of changes) {
      if (change.kind === 'created') {
        doomed.set(logicalId, { record: change.current, reason: 'rollback-created' });
        this.resources.delete(logicalId);
      } else if (change.kind === 'replaced') {
        doomed.set(logicalId, { record: change.current, reason: 'rollback-replacement' });
      }
    }
    for (const [logicalId, record] of old.resources) {
      this.resources.set(logicalId, restored.get(logicalId) ?? record);
    }
    this.template = old.template;
    this.parameters = old.parameters;
    this.conditions = old.conditions;
    this.setPhase('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    this.operation.cleanupFailures.push(...await this.deleteAll(doomed, (name) => newDependencies.dependentsOf(name)));
    this.status = 'UPDATE_ROLLBACK_COMPLETE';
  }

  /** Deletes in the order given (a node waits for the nodes `after` names); answers the failures. */
  private async deleteAll(doomed: Map<string, Doomed>, after: (name: string) => Iterable<string>): Promise<string[]> {
    const run = await runGraph(doomed.keys(), after, async (logicalId) => {
      const { record, reason } = doomed.get(logicalId)!;
      const deleted = await this.ops.deleteOne(record, reason);
      if (reason === 'stack-delete' || reason === 'rollback-created') {
        this.resources.delete(logicalId);
      }
      return deleted;
    }, { stopOnFailure: false });
    return [
      ...[...run.failed].map(([name, error]) => `${name}: ${error.message}`),
      ...[...run.notStarted].map((name) => `${name}: not deleted, a resource it must outlive failed to delete`),
    ];
  }

  private custom(request: CustomResourceRequest): Promise<CustomResourceOutcome> {
    return this.protocol.send(request, {
      stackId: this.stackId, operation: this.operation.index, phase: this.phase, lambdaTimeoutMs: this.options.lambdaTimeoutMs,
    });
  }

  /** Parameters and conditions for this template; answers the resources its conditions keep. */
  private prepare(template: Template): Set<string> {
    const given = this.options.parameters ?? {};
    const parameters: { [name: string]: unknown } = {};
    for (const [name, definition] of Object.entries(template.Parameters ?? {})) {
      parameters[name] = given[name] ?? (definition.Type.startsWith('AWS::SSM::Parameter::Value') ? SSM_PARAMETER_VALUE : definition.Default);
      if (parameters[name] === undefined) {
        throw new Error(`parameter ${name} needs a value`);
      }
    }
    this.template = template;
    this.parameters = parameters;
    this.conditions = evaluateConditions(template, { ...this.scope(), parameters });
    return new Set(Object.entries(template.Resources)
      .filter(([, definition]) => definition.Condition === undefined || this.conditions[definition.Condition])
      .map(([name]) => name));
  }

  private scope(): Scope {
    return {
      pseudo: { region: this.fake.region, accountId: ACCOUNT, stackName: this.stackName, stackId: this.stackId },
      parameters: this.parameters,
      conditions: this.conditions,
      mappings: this.template?.Mappings,
      ref: (logicalId) => this.existing(logicalId).physicalId,
      getAtt: (logicalId, attribute) => {
        const record = this.existing(logicalId);
        if (attribute in record.attributes) {
          return record.attributes[attribute];
        }
        if (isCustomResource(record.type)) {
          throw new ResolutionError(`CustomResource attribute error: Vendor response doesn't contain ${attribute} attribute`);
        }
        if (!isModelled(record.type)) {
          return `${record.physicalId}:${attribute}`;
        }
        throw new ResolutionError(`the model of ${record.type} has no attribute ${attribute}`);
      },
    };
  }

  private existing(logicalId: string): DeployedResource {
    const record = this.resources.get(logicalId);
    if (!record) {
      throw new ResolutionError(`${logicalId} does not exist (yet)`);
    }
    return record;
  }

  private resolveProperties(definition: ResourceDefinition): Properties {
    return (resolve(definition.Properties ?? {}, this.scope()) ?? {}) as Properties;
  }

  private context(logicalId: string): ModelContext {
    return { fake: this.fake, functions: this.functions, stackName: this.stackName, stackId: this.stackId, logicalId, assets: this.assets };
  }

  private injectedFailure(logicalId: string): void {
    if (this.options.fail?.includes(logicalId)) {
      throw new ResourceFailure('Resource handler returned message: "injected failure" (HandlerErrorCode: GeneralServiceException)');
    }
  }

  /** The deploy's length, and per endpoint the chain of its rules and routes. */
  private measure(names: Set<string>, dependencies: Dependencies, operated: Set<string>): void {
    const chain = (weight: (name: string) => number) => longestChain(names, (name) => dependencies.of(name), weight);
    this.operation.depth = chain((name) => operated.has(name) ? 1 : 0);
    for (const endpoint of [...names].filter((name) => this.resources.get(name)?.type === 'AWS::EC2::ClientVpnEndpoint')) {
      const endpointId = this.resources.get(endpoint)!.physicalId;
      this.operation.ruleRouteDepth.set(endpoint, chain((name) => {
        const record = this.resources.get(name);
        return operated.has(name) && record && RULE_AND_ROUTE_TYPES.includes(record.type)
          && record.properties.ClientVpnEndpointId === endpointId ? 1 : 0;
      }));
    }
  }

  private begin(kind: OperationRecord['kind'], options: DeployOptions): void {
    this.options = options;
    this.operations.push(newOperation(this.operations.length, kind));
    this.fake.ec2.resetConcurrency();
  }

  private async finish(): Promise<void> {
    await this.protocol.settle();
    const operation = this.operation;
    operation.status ??= this.status as StackStatus;
    for (const [endpointId, count] of this.fake.ec2.maxInFlight) {
      operation.maxInFlight.set(endpointId, count);
    }
    operation.customResources.push(...this.protocol.records.filter((record) => record.operation === operation.index));
    this.setPhase(this.status);
  }

  private setPhase(phase: string): void {
    this.phase = phase;
    this.operations[this.operations.length - 1]?.phases.push(phase);
    this.event(this.stackName, 'AWS::CloudFormation::Stack', phase);
  }

  private event(logicalId: string, type: string, status: string, physicalId?: string, reason?: string): void {
    this.operation?.events.push({ phase: this.phase, logicalId, type, status, physicalId, reason, at: Date.now() });
  }
}
