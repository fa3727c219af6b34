/**
 * What CloudFormation does to one resource in a stack operation: create, update in place or by
 * replacement (a custom resource is replaced when its Update answers a new physical id), the
 * rollback Update back to the old properties, and delete, with the stack events of each.
 */
import { randomBytes } from 'crypto';
import { CustomResourceOutcome, CustomResourceRequest } from './custom-resource';
import { ResourceDefinition, Template } from './intrinsics';
import { isCustomResource, ModelContext, modelOf, Properties } from './resource-models';
import { canonical, DeployedResource } from './stack-records';

export type ChangeKind = 'created' | 'updated' | 'replaced' | 'failed-update';
export interface Change {
  readonly kind: ChangeKind;
  readonly previous?: DeployedResource;
  readonly current: DeployedResource;
}
export type DeleteReason = 'rollback-created' | 'rollback-replacement' | 'replaced' | 'removed' | 'stack-delete';
export interface Doomed {
  readonly record: DeployedResource;
  readonly reason: DeleteReason;
}

/** A resource operation that failed; for a custom resource, with the record CloudFormation keeps (its physical id). */
export class ResourceFailure extends Error {
  constructor(message: string, public readonly record?: DeployedResource) {
    super(message);
  }
}

/** What the operations need of the stack they run in. */
export interface OperationHost {
  readonly resources: Map<string, DeployedResource>;
  stackName(): string;
  event(logicalId: string, type: string, status: string, physicalId?: string, reason?: string): void;
  custom(request: CustomResourceRequest): Promise<CustomResourceOutcome>;
  resolveProperties(definition: ResourceDefinition): Properties;
  context(logicalId: string): ModelContext;
  injectedFailure(logicalId: string): void;
  note(text: string): void;
}

export class ResourceOperations {
  constructor(private readonly host: OperationHost) {}

  public async createOne(logicalId: string, template: Template): Promise<DeployedResource> {
    const definition = template.Resources[logicalId];
    const type = definition.Type;
    this.host.event(logicalId, type, 'CREATE_IN_PROGRESS');
    try {
      const properties = this.host.resolveProperties(definition);
      this.host.injectedFailure(logicalId);
      let record: DeployedResource;
      if (isCustomResource(type)) {
        const outcome = await this.host.custom({ requestType: 'Create', logicalId, resourceType: type, properties });
        // A failed Create still gets a physical id (CloudFormation makes one up when none is given): the rollback deletes it.
        const physicalId = outcome.physicalId ?? `${this.host.stackName()}-${logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`;
        record = { logicalId, type, physicalId, properties, attributes: outcome.data, definition };
        if (outcome.status === 'FAILED') {
          throw new ResourceFailure(`Received response status [FAILED] from custom resource. Message returned: ${outcome.reason}`, record);
        }
      } else {
        const provisioned = await modelOf(type).create(this.host.context(logicalId), properties);
        record = { logicalId, type, ...provisioned, properties, definition };
      }
      this.host.event(logicalId, type, 'CREATE_COMPLETE', record.physicalId);
      return record;
    } catch (error) {
      this.host.event(logicalId, type, 'CREATE_FAILED', undefined, (error as Error).message);
      throw error;
    }
  }

  public async updateOne(
    logicalId: string, template: Template, previous: DeployedResource | undefined, changes: Map<string, Change>,
  ): Promise<boolean> {
    const definition = template.Resources[logicalId];
    const type = definition.Type;
    if (!previous || previous.type !== type) {
      try {
        const record = await this.createOne(logicalId, template);
        this.host.resources.set(logicalId, record);
        changes.set(logicalId, { kind: previous ? 'replaced' : 'created', previous, current: record });
      } catch (error) {
        if (error instanceof ResourceFailure && error.record) {
          changes.set(logicalId, { kind: previous ? 'replaced' : 'created', previous, current: error.record });
        }
        throw error;
      }
      return true;
    }
    let properties: Properties;
    try {
      properties = this.host.resolveProperties(definition);
    } catch (error) {
      this.host.event(logicalId, type, 'UPDATE_FAILED', previous.physicalId, (error as Error).message);
      throw error;
    }
    if (canonical(properties) === canonical(previous.properties)) {
      this.host.resources.set(logicalId, { ...previous, definition });
      return false;
    }
    this.host.event(logicalId, type, 'UPDATE_IN_PROGRESS', previous.physicalId);
    try {
      this.host.injectedFailure(logicalId);
      const change = isCustomResource(type)
        ? await this.updateCustom(logicalId, definition, previous, properties)
        : await this.updateNative(logicalId, definition, previous, properties);
      this.host.resources.set(logicalId, change.current);
      changes.set(logicalId, change);
      this.host.event(logicalId, type, 'UPDATE_COMPLETE', change.current.physicalId);
    } catch (error) {
      if (error instanceof ResourceFailure && error.record) {
        const replaced = error.record.physicalId !== previous.physicalId;
        changes.set(logicalId, { kind: replaced ? 'replaced' : 'failed-update', previous, current: error.record });
      }
      this.host.event(logicalId, type, 'UPDATE_FAILED', previous.physicalId, (error as Error).message);
      throw error;
    }
    return true;
  }

  private async updateCustom(logicalId: string, definition: ResourceDefinition, previous: DeployedResource, properties: Properties): Promise<Change> {
    if (canonical(properties.ServiceToken) !== canonical(previous.properties.ServiceToken)) {
      throw new ResourceFailure('Modifying service token is not allowed.');
    }
    const outcome = await this.host.custom({
      requestType: 'Update', logicalId, resourceType: definition.Type, properties, oldProperties: previous.properties, physicalId: previous.physicalId,
    });
    const physicalId = outcome.physicalId ?? previous.physicalId;
    const current: DeployedResource = { ...previous, physicalId, properties, attributes: outcome.data, definition };
    if (outcome.status === 'FAILED') {
      throw new ResourceFailure(`Received response status [FAILED] from custom resource. Message returned: ${outcome.reason}`, current);
    }
    return { kind: current.physicalId === previous.physicalId ? 'updated' : 'replaced', previous, current };
  }

  private async updateNative(logicalId: string, definition: ResourceDefinition, previous: DeployedResource, properties: Properties): Promise<Change> {
    const model = modelOf(definition.Type);
    const changed = [...new Set([...Object.keys(properties), ...Object.keys(previous.properties)])]
      .filter((name) => canonical(properties[name]) !== canonical(previous.properties[name]));
    if (changed.some((name) => model.replacedBy.includes(name))) {
      this.host.event(logicalId, definition.Type, 'UPDATE_IN_PROGRESS', undefined, 'Requested update requires the creation of a new physical resource; hence creating one.');
      const provisioned = await model.create(this.host.context(logicalId), properties);
      return { kind: 'replaced', previous, current: { logicalId, type: definition.Type, ...provisioned, properties, definition } };
    }
    const updated = model.update ? await model.update(this.host.context(logicalId), previous, properties, previous.properties) : previous;
    return { kind: 'updated', previous, current: { ...previous, ...updated, properties, definition } };
  }

  /** Puts one resource back to its properties before the update. */
  public async rollBackOne(logicalId: string, change: Change): Promise<DeployedResource> {
    const previous = change.previous!;
    this.host.event(logicalId, previous.type, 'UPDATE_IN_PROGRESS', previous.physicalId);
    try {
      let restored = previous;
      if (isCustomResource(previous.type)) {
        const outcome = await this.host.custom({
          requestType: 'Update',
          logicalId,
          resourceType: previous.type,
          properties: previous.properties,
          oldProperties: change.current.properties,
          physicalId: previous.physicalId,
        });
        if (outcome.status === 'FAILED') {
          throw new Error(`Received response status [FAILED] from custom resource. Message returned: ${outcome.reason}`);
        }
        if (outcome.physicalId !== previous.physicalId) {
          this.host.note(`the rollback Update of ${logicalId} answered physical id ${outcome.physicalId}, not ${previous.physicalId}`);
        }
        restored = { ...previous, attributes: outcome.data };
      } else if (change.kind === 'updated') {
        await modelOf(previous.type).update?.(this.host.context(logicalId), change.current, previous.properties, change.current.properties);
      }
      this.host.event(logicalId, previous.type, 'UPDATE_COMPLETE', previous.physicalId);
      return restored;
    } catch (error) {
      this.host.event(logicalId, previous.type, 'UPDATE_FAILED', previous.physicalId, (error as Error).message);
      throw error;
    }
  }

  public async deleteOne(record: DeployedResource, reason: DeleteReason): Promise<boolean> {
    const policy = reason === 'replaced' ? record.definition.UpdateReplacePolicy : reason === 'rollback-replacement' ? 'Delete' : record.definition.DeletionPolicy;
    if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && reason !== 'rollback-created')) {
      this.host.event(record.logicalId, record.type, 'DELETE_SKIPPED', record.physicalId);
      return false;
    }
    this.host.event(record.logicalId, record.type, 'DELETE_IN_PROGRESS', record.physicalId);
    try {
      if (isCustomResource(record.type)) {
        const outcome = await this.host.custom({
          requestType: 'Delete', logicalId: record.logicalId, resourceType: record.type, properties: record.properties, physicalId: record.physicalId,
        });
        if (outcome.status === 'FAILED') {
          throw new Error(`Received response status [FAILED] from custom resource. Message returned: ${outcome.reason}`);
        }
      } else {
        await modelOf(record.type).delete?.(this.host.context(record.logicalId), record, record.properties);
      }
      this.host.event(record.logicalId, record.type, 'DELETE_COMPLETE', record.physicalId);
      return true;
    } catch (error) {
      this.host.event(record.logicalId, record.type, 'DELETE_FAILED', record.physicalId, (error as Error).message);
      throw error;
    }
  }
}
