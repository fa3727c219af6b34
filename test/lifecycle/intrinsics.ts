/**
 * Template values as CloudFormation resolves them at deploy time: Ref, Fn::GetAtt, Fn::Join,
 * Fn::Select, Fn::Split, Fn::Sub, Fn::If (with the template's Conditions), Fn::Base64,
 * Fn::FindInMap, Fn::GetAZs and the pseudo parameters, AWS::NoValue included
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html).
 * Anything else fails loudly: a template this harness cannot read must not pass a test.
 */

export interface Template {
  readonly Parameters?: { readonly [name: string]: { readonly Type: string; readonly Default?: unknown } };
  readonly Conditions?: { readonly [name: string]: unknown };
  readonly Mappings?: { readonly [name: string]: { readonly [key: string]: { readonly [key: string]: unknown } } };
  readonly Resources: { readonly [logicalId: string]: ResourceDefinition };
  readonly Outputs?: { readonly [name: string]: { readonly Value: unknown; readonly Condition?: string } };
}

export interface ResourceDefinition {
  readonly Type: string;
  readonly Properties?: { readonly [name: string]: unknown };
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: unknown;
}

export interface Pseudo {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly stackId: string;
}

export interface Scope {
  readonly pseudo: Pseudo;
  readonly parameters: { readonly [name: string]: unknown };
  readonly conditions: { readonly [name: string]: boolean };
  readonly mappings: Template['Mappings'];
  /** The physical id of a resource (Ref). */
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): unknown;
}

/** Thrown when a value cannot be resolved: CloudFormation fails the resource that needs it. */
export class ResolutionError extends Error {}

const NO_VALUE = Symbol('AWS::NoValue');

export function resolve(value: unknown, scope: Scope): unknown {
  const resolved = resolveValue(value, scope);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveValue(value: unknown, scope: Scope): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveValue(item, scope)).filter((item) => item !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return intrinsic(entries[0][0], entries[0][1], scope);
  }
  const result: { [key: string]: unknown } = {};
  for (const [key, item] of entries) {
    const resolved = resolveValue(item, scope);
    if (resolved !== NO_VALUE) {
      result[key] = resolved;
    }
  }
  return result;
}

function intrinsic(name: string, argument: unknown, scope: Scope): unknown {
  const args = () => resolveValue(argument, scope) as unknown[];
  switch (name) {
    case 'Ref': return reference(String(argument), scope);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = typeof argument === 'string' ? splitOnce(argument) : argument as [string, string];
      return scope.getAtt(logicalId, String(resolveValue(attribute, scope)));
    }
    case 'Fn::Join': {
      const [delimiter, items] = args() as [string, unknown[]];
      return items.map((item) => text(item, 'Fn::Join')).join(delimiter);
    }
    case 'Fn::Select': {
      const [index, items] = args() as [string | number, unknown[]];
      if (!Array.isArray(items) || items[Number(index)] === undefined) {
        throw new ResolutionError(`Fn::Select index ${index} out of range`);
      }
      return items[Number(index)];
    }
    case 'Fn::Split': {
      const [delimiter, source] = args() as [string, string];
      return text(source, 'Fn::Split').split(delimiter);
    }
    case 'Fn::Sub': return substitute(argument, scope);
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      if (!(condition in scope.conditions)) {
        throw new ResolutionError(`Fn::If names an unknown condition ${condition}`);
      }
      return resolveValue(scope.conditions[condition] ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Base64': return Buffer.from(text(resolveValue(argument, scope), 'Fn::Base64')).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = args() as [string, string, string];
      const found = scope.mappings?.[map]?.[top]?.[second];
      if (found === undefined) {
        throw new ResolutionError(`Fn::FindInMap ${map}/${top}/${second} is not in the template's Mappings`);
      }
      return found;
    }
    case 'Fn::GetAZs': return ['a', 'b', 'c'].map((zone) => `${scope.pseudo.region}${zone}`);
    default: throw new ResolutionError(`${name} is not modelled by this CloudFormation simulator`);
  }
}

function reference(name: string, scope: Scope): unknown {
  const { pseudo } = scope;
  switch (name) {
    case 'AWS::Region': return pseudo.region;
    case 'AWS::AccountId': return pseudo.accountId;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return pseudo.stackName;
    case 'AWS::StackId': return pseudo.stackId;
    case 'AWS::NoValue': return NO_VALUE;
    case 'AWS::NotificationARNs': return [];
  }
  if (name in scope.parameters) {
    return scope.parameters[name];
  }
  return scope.ref(name);
}

/** Fn::Sub: `${Name}`, `${Resource.Attribute}`, `${!Literal}`, with optional variables. */
function substitute(argument: unknown, scope: Scope): string {
  const [source, variables] = typeof argument === 'string' ? [argument, {}] : argument as [string, { [name: string]: unknown }];
  return source.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) {
      return `\${${name.slice(1)}}`;
    }
    if (name in variables) {
      return text(resolveValue(variables[name], scope), 'Fn::Sub');
    }
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [logicalId, attribute] = splitOnce(name);
      return text(scope.getAtt(logicalId, attribute), 'Fn::Sub');
    }
    return text(reference(name, scope), 'Fn::Sub');
  });
}

function text(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new ResolutionError(`${where} needs a string, got ${JSON.stringify(value)}`);
}

function splitOnce(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** The template's Conditions, for these parameter values. */
export function evaluateConditions(template: Template, scope: Omit<Scope, 'conditions'>): { [name: string]: boolean } {
  const results: { [name: string]: boolean } = {};
  const evaluate = (expression: unknown): boolean => {
    if (typeof expression === 'boolean') {
      return expression;
    }
    const [[name, argument]] = Object.entries(expression as object);
    const conditionScope = { ...scope, conditions: results };
    switch (name) {
      case 'Condition': return condition(String(argument));
      case 'Fn::Equals': {
        const [a, b] = (argument as unknown[]).map((item) => JSON.stringify(resolve(item, conditionScope)));
        return a === b;
      }
      case 'Fn::And': return (argument as unknown[]).every(evaluate);
      case 'Fn::Or': return (argument as unknown[]).some(evaluate);
      case 'Fn::Not': return !evaluate((argument as unknown[])[0]);
      default: throw new ResolutionError(`condition function ${name} is not modelled`);
    }
  };
  const condition = (name: string): boolean => {
    if (!(name in results)) {
      const expression = template.Conditions?.[name];
      if (expression === undefined) {
        throw new ResolutionError(`unknown condition ${name}`);
      }
      results[name] = evaluate(expression);
    }
    return results[name];
  };
  for (const name of Object.keys(template.Conditions ?? {})) {
    condition(name);
  }
  return results;
}

/** The resources a definition depends on: Ref, Fn::GetAtt, Fn::Sub references and DependsOn. */
export function dependenciesOf(definition: ResourceDefinition, resources: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const add = (name: string) => resources.has(name) && found.add(name);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'Ref' && typeof item === 'string') {
          add(item);
        } else if (key === 'Fn::GetAtt') {
          add(typeof item === 'string' ? splitOnce(item)[0] : String((item as unknown[])[0]));
        } else if (key === 'Fn::Sub') {
          const source = typeof item === 'string' ? item : (item as [string])[0];
          for (const [, name] of source.matchAll(/\$\{([^}!][^}]*)\}/g)) {
            add(name.split('.')[0]);
          }
          walk(typeof item === 'string' ? [] : (item as unknown[])[1]);
        } else {
          walk(item);
        }
      }
    }
  };
  walk(definition.Properties);
  for (const name of [definition.DependsOn ?? []].flat()) {
    found.add(name);
  }
  return found;
}
