/**
 * The identity-based policies of each role as deployed at this moment, and their evaluation.
 * The CloudFormation simulator changes them exactly when it creates, updates or deletes an
 * AWS::IAM::Role (inline Policies) or AWS::IAM::Policy; the fake services ask before answering.
 *
 * Evaluation follows the IAM policy evaluation logic for one account's identity policies
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny wins, otherwise an Allow is needed; Action/NotAction match case-insensitively
 * with `*` and `?`, Resource/NotResource case-sensitively. Condition operators this harness does
 * not model are reported as problems rather than guessed.
 */

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Statement | readonly Statement[];
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: { readonly [operator: string]: { readonly [key: string]: string | readonly string[] } };
}

export interface AuthorizationRequest {
  /** The role's name (the caller's access key id). */
  readonly role: string;
  /** `service:Action`, e.g. `s3:GetObject`. */
  readonly action: string;
  /** An ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys, e.g. `aws:RequestedRegion`; a list for multivalued keys such as `aws:TagKeys`. */
  readonly context: { readonly [key: string]: string | readonly string[] };
}

export interface Decision {
  readonly allowed: boolean;
  /** Why, in the words AWS uses: "no identity-based policy allows …" or "with an explicit deny …". */
  readonly reason: string;
}

export class IamState {
  /** Every role this account has had: objects written by these are "the stack's". */
  public readonly rolesEverCreated = new Set<string>();
  /** Conditions and constructs this harness does not model: a test must not pass on a guess. */
  public readonly problems: string[] = [];
  private readonly roles = new Map<string, Map<string, PolicyDocument>>();

  public createRole(name: string): void {
    this.rolesEverCreated.add(name);
    if (!this.roles.has(name)) {
      this.roles.set(name, new Map());
    }
  }

  public deleteRole(name: string): void {
    this.roles.delete(name);
  }

  public hasRole(name: string): boolean {
    return this.roles.has(name);
  }

  /** Sets (or with `undefined`, removes) the document that `source` (a policy's logical id) gives the role. */
  public setPolicy(role: string, source: string, document: PolicyDocument | undefined): void {
    const policies = this.roles.get(role);
    if (!policies) {
      throw new Error(`IAM role ${role} does not exist`);
    }
    if (document) {
      policies.set(source, document);
    } else {
      policies.delete(source);
    }
  }

  /** The documents attached to a role now, by source. */
  public policiesOf(role: string): ReadonlyMap<string, PolicyDocument> {
    return this.roles.get(role) ?? new Map();
  }

  public authorize(request: AuthorizationRequest): Decision {
    const documents = [...this.policiesOf(request.role).values()];
    const statements = documents.flatMap((document) => asList(document.Statement));
    const applies = (statement: Statement) => this.matches(statement, request);
    if (statements.some((statement) => statement.Effect === 'Deny' && applies(statement))) {
      return { allowed: false, reason: 'with an explicit deny in an identity-based policy' };
    }
    if (statements.some((statement) => statement.Effect === 'Allow' && applies(statement))) {
      return { allowed: true, reason: 'allowed' };
    }
    return { allowed: false, reason: `because no identity-based policy allows the ${request.action} action` };
  }

  private matches(statement: Statement, request: AuthorizationRequest): boolean {
    const actionMatches = (patterns: string | readonly string[] | undefined) =>
      asList(patterns).some((pattern) => wildcard(pattern, request.action, true));
    const resourceMatches = (patterns: string | readonly string[] | undefined) =>
      asList(patterns).some((pattern) => pattern === '*' || (request.resource !== '*' && wildcard(pattern, request.resource, false)));
    const action = statement.Action !== undefined ? actionMatches(statement.Action) : !actionMatches(statement.NotAction);
    const resource = statement.Resource !== undefined ? resourceMatches(statement.Resource) : !resourceMatches(statement.NotResource);
    return action && resource && this.conditionsHold(statement, request.context);
  }

  private conditionsHold(statement: Statement, context: AuthorizationRequest['context']): boolean {
    for (const [rawOperator, entries] of Object.entries(statement.Condition ?? {})) {
      // Set operators for multivalued keys (IAM user guide, "Multivalued context keys"):
      // ForAnyValue: some value of the request's set matches; false when the key is absent or empty.
      // ForAllValues: every value matches; true when the key is absent or empty.
      const [, qualifier, unqualified] = /^(?:(ForAnyValue|ForAllValues):)?(.*)$/.exec(rawOperator)!;
      const ifExists = unqualified.endsWith('IfExists');
      const operator = ifExists ? unqualified.slice(0, -'IfExists'.length) : unqualified;
      const test = CONDITION_OPERATORS[operator];
      if (!test) {
        this.problems.push(`IAM condition operator ${rawOperator} is not modelled (statement ${JSON.stringify(statement)})`);
        return false;
      }
      for (const [key, expected] of Object.entries(entries)) {
        const actual = context[key];
        if (qualifier) {
          const values = asList(actual);
          const holds = qualifier === 'ForAllValues'
            ? values.every((value) => test(value, asList(expected)))
            : values.some((value) => test(value, asList(expected)));
          if (!holds) {
            return false;
          }
          continue;
        }
        if (Array.isArray(actual)) {
          // IAM evaluates a single-valued operator on a multivalued key in ways this harness does not model.
          this.problems.push(`IAM condition ${rawOperator} on the multivalued key ${key} needs ForAnyValue: or ForAllValues: (statement ${JSON.stringify(statement)})`);
          return false;
        }
        if (actual === undefined) {
          if (!ifExists && !operator.includes('Not')) {
            return false;
          }
          continue;
        }
        if (!test(actual as string, asList(expected))) {
          return false;
        }
      }
    }
    return true;
  }
}

type ConditionTest = (actual: string, expected: readonly string[]) => boolean;

const CONDITION_OPERATORS: { [operator: string]: ConditionTest } = {
  StringEquals: (actual, expected) => expected.includes(actual),
  StringNotEquals: (actual, expected) => !expected.includes(actual),
  StringEqualsIgnoreCase: (actual, expected) => expected.some((value) => value.toLowerCase() === actual.toLowerCase()),
  StringLike: (actual, expected) => expected.some((pattern) => wildcard(pattern, actual, false)),
  StringNotLike: (actual, expected) => !expected.some((pattern) => wildcard(pattern, actual, false)),
  ArnEquals: (actual, expected) => expected.includes(actual),
  ArnLike: (actual, expected) => expected.some((pattern) => wildcard(pattern, actual, false)),
  ArnNotEquals: (actual, expected) => !expected.includes(actual),
  ArnNotLike: (actual, expected) => !expected.some((pattern) => wildcard(pattern, actual, false)),
  Bool: (actual, expected) => expected.includes(actual),
};

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value as T];
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map((char) => char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}
