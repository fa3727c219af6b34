/**
 * What the CloudFormation simulator keeps and reports: deployed resources, stack events,
 * one record per stack operation, and the dependency maps of a template.
 */
import { CustomResourceRecord } from './custom-resource';
import { dependenciesOf, ResourceDefinition, Template } from './intrinsics';
import { Properties } from './resource-models';

/** A cloud assembly's stack: its template and the directories of its file assets. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: Template;
  /** Asset directories by the S3 object key the template names (`<hash>.zip`). */
  readonly assets: ReadonlyMap<string, string>;
}

export type StackStatus =
  | 'CREATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_COMPLETE' | 'DELETE_FAILED';

export interface DeployedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  /** As resolved when it was last created or updated. */
  readonly properties: Properties;
  readonly attributes: { readonly [name: string]: unknown };
  readonly definition: ResourceDefinition;
}

export interface StackEvent {
  readonly phase: string;
  readonly logicalId: string;
  readonly type: string;
  /** e.g. UPDATE_FAILED, DELETE_COMPLETE. */
  readonly status: string;
  readonly physicalId?: string;
  readonly reason?: string;
  readonly at: number;
}

export interface OperationRecord {
  readonly index: number;
  readonly kind: 'CREATE' | 'UPDATE' | 'DELETE';
  status?: StackStatus;
  readonly phases: string[];
  readonly events: StackEvent[];
  /** Why the operation failed (and rolled back), if it did. */
  readonly failures: string[];
  /** Deletes that failed in a cleanup phase: they do not fail the operation, but leave resources behind. */
  readonly cleanupFailures: string[];
  /** What CloudFormation would do that the harness cannot judge, such as a rollback Update answering a new physical id. */
  readonly notes: string[];
  /** The longest chain of resources operated on in the forward phase: the deploy's length in waves. */
  depth: number;
  /** Per endpoint id, the longest chain of its authorization rules and routes. */
  readonly ruleRouteDepth: Map<string, number>;
  /** Per endpoint id, the most associations, rules and routes in flight at once. */
  readonly maxInFlight: Map<string, number>;
  readonly customResources: CustomResourceRecord[];
}

export function newOperation(index: number, kind: OperationRecord['kind']): OperationRecord {
  return {
    index,
    kind,
    phases: [],
    events: [],
    failures: [],
    cleanupFailures: [],
    notes: [],
    depth: 0,
    ruleRouteDepth: new Map(),
    maxInFlight: new Map(),
    customResources: [],
  };
}

/** A template's dependency edges, both ways, among the resources that exist for its conditions. */
export class Dependencies {
  private readonly forward = new Map<string, Set<string>>();
  private readonly backward = new Map<string, Set<string>>();

  constructor(template: Template, names: ReadonlySet<string>) {
    for (const name of names) {
      const dependencies = dependenciesOf(template.Resources[name], names);
      this.forward.set(name, dependencies);
      for (const dependency of dependencies) {
        this.backward.set(dependency, (this.backward.get(dependency) ?? new Set()).add(name));
      }
    }
  }

  public of(name: string): Set<string> {
    return this.forward.get(name) ?? new Set();
  }

  public dependentsOf(name: string): Set<string> {
    return this.backward.get(name) ?? new Set();
  }
}

/** JSON with sorted keys: resolved properties compare by value, whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) => typeof item === 'object' && item !== null && !Array.isArray(item)
    ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item);
}
