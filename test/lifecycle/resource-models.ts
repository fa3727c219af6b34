/**
 * What CloudFormation does for each resource type the templates use: the Client VPN resources
 * in the fake EC2, IAM roles and policies in the IAM state the fake enforces, buckets in the fake
 * S3, secrets in the fake Secrets Manager, Lambda functions in the function registry the custom
 * resources are invoked through. Other types (AWS::Events::Rule and AWS::Lambda::Permission among
 * them: what a schedule does is run by schedules.ts) are accepted as no-ops with a generated
 * physical id.
 *
 * Which property changes replace a resource comes from the CloudFormation resource specification
 * (`@aws-cdk/aws-service-spec`, the "Update requires: Replacement" of the template reference).
 */
import { randomBytes, randomUUID } from 'crypto';
import { FakeAws } from './fake-aws';
import { AttachmentKind } from './fake-ec2';
import { generateSecretString, GenerateOptions } from './fake-secrets-manager';
import { PolicyDocument } from './iam';
import { FunctionConfig } from './lambda-runtime';
import { ACCOUNT } from './wire';

export type Properties = { readonly [name: string]: unknown };

export interface Provisioned {
  readonly physicalId: string;
  readonly attributes: { readonly [name: string]: unknown };
}

export interface ModelContext {
  readonly fake: FakeAws;
  readonly functions: FunctionRegistry;
  readonly stackName: string;
  readonly stackId: string;
  readonly logicalId: string;
  /** Directories of the cloud assembly's file assets, by the S3 object key the template names. */
  readonly assets: ReadonlyMap<string, string>;
}

export interface ResourceModel {
  /** Properties whose change replaces the resource. */
  readonly replacedBy: readonly string[];
  create(context: ModelContext, properties: Properties): Promise<Provisioned>;
  /** In place; the default changes nothing outside the record. */
  update?(context: ModelContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned>;
  delete?(context: ModelContext, current: Provisioned, properties: Properties): Promise<void>;
}

/** The Lambda functions of the account, by ARN, and their asynchronous retry settings. */
export class FunctionRegistry {
  private readonly functions = new Map<string, FunctionConfig>();
  private readonly retries = new Map<string, number>();

  public set(config: FunctionConfig): void {
    this.functions.set(config.arn, config);
  }

  public delete(arn: string): void {
    this.functions.delete(arn);
  }

  public byArn(arn: string): FunctionConfig | undefined {
    return this.functions.get(arn);
  }

  public all(): FunctionConfig[] {
    return [...this.functions.values()];
  }

  public setRetries(functionName: string, attempts: number | undefined): void {
    if (attempts === undefined) {
      this.retries.delete(functionName);
    } else {
      this.retries.set(functionName, attempts);
    }
  }

  /** Lambda retries a failed asynchronous invocation twice unless an EventInvokeConfig says otherwise. */
  public retriesOf(functionName: string): number {
    return this.retries.get(functionName) ?? 2;
  }
}

const clientVpnEndpoint: ResourceModel = {
  replacedBy: ['ClientCidrBlock', 'TagSpecifications', 'AuthenticationOptions', 'TransportProtocol', 'TrafficIpAddressType', 'EndpointIpAddressType'],
  async create({ fake, stackName, stackId, logicalId }, { TagSpecifications: specifications, ...properties }) {
    const tags = ((specifications ?? []) as Array<{ ResourceType: string; Tags: Array<{ Key: string; Value: string }> }>)
      .filter((specification) => specification.ResourceType === 'client-vpn-endpoint')
      .flatMap((specification) => specification.Tags);
    // CloudFormation adds these stack-level tags to the resources it creates (CloudFormation user guide, "Resource tag").
    const stackTags = [
      { Key: 'aws:cloudformation:stack-name', Value: stackName },
      { Key: 'aws:cloudformation:stack-id', Value: stackId },
      { Key: 'aws:cloudformation:logical-id', Value: logicalId },
    ];
    const endpoint = fake.ec2.createEndpoint(properties, [...stackTags, ...tags]);
    return { physicalId: endpoint.id, attributes: { Id: endpoint.id } };
  },
  async update({ fake }, current, properties, oldProperties) {
    const endpoint = fake.ec2.endpoints.get(current.physicalId);
    if (!endpoint || endpoint.status === 'deleted') {
      throw new Error(`InvalidClientVpnEndpointId.NotFound: ${current.physicalId}`);
    }
    const changed: { [name: string]: unknown } = {};
    for (const name of new Set([...Object.keys(properties), ...Object.keys(oldProperties)])) {
      if (JSON.stringify(properties[name]) !== JSON.stringify(oldProperties[name])) {
        changed[name] = properties[name];
      }
    }
    fake.ec2.setProperties(endpoint, changed);
    return current;
  },
  async delete({ fake }, current) {
    fake.ec2.deleteEndpoint(current.physicalId);
  },
};

function attachment(kind: AttachmentKind, replacedBy: string[]): ResourceModel {
  return {
    replacedBy,
    async create({ fake }, properties) {
      const created = await fake.ec2.attach(kind, String(properties.ClientVpnEndpointId), properties);
      return { physicalId: created.id, attributes: { Id: created.id } };
    },
    async delete({ fake }, current) {
      await fake.ec2.detach(current.physicalId);
    },
  };
}

const role: ResourceModel = {
  replacedBy: ['Path', 'RoleName'],
  async create({ fake, stackName, logicalId }, properties) {
    const name = String(properties.RoleName ?? `${stackName}-${logicalId}`.slice(0, 50) + `-${token(12)}`);
    fake.iam.createRole(name);
    setInlinePolicies(fake, name, logicalId, properties);
    return { physicalId: name, attributes: { Arn: `arn:aws:iam::${ACCOUNT}:role${properties.Path ?? '/'}${name}`, RoleId: `AROA${token(17)}` } };
  },
  async update({ fake, logicalId }, current, properties, oldProperties) {
    for (const policy of inlinePolicies(oldProperties)) {
      fake.iam.setPolicy(current.physicalId, `${logicalId}/${policy.PolicyName}`, undefined);
    }
    setInlinePolicies(fake, current.physicalId, logicalId, properties);
    return current;
  },
  async delete({ fake }, current) {
    fake.iam.deleteRole(current.physicalId);
  },
};

/**
 * AWS::SecretsManager::Secret (CloudFormation Template Reference):
 * - Ref and the Id attribute are the secret's ARN.
 * - Without Name, CloudFormation names the secret after its logical id and a random suffix
 *   ("This example creates a secret named CloudFormationCreatedSecret-a1b2c3d4e5f6", Secrets Manager
 *   User Guide, "Create a secret with CloudFormation"); Secrets Manager appends six more characters
 *   in the ARN.
 * - GenerateSecretString makes a random password (32 characters by default), SecretString is the
 *   value as given, neither makes an empty secret; "When you make a change to this property, a new
 *   secret version is created" (both properties): an update that leaves them alone keeps the value,
 *   one that changes GenerateSecretString generates a new password.
 * - Delete: CloudFormation deletes the secret without a recovery window (ForceDeleteWithoutRecovery),
 *   so its name is free at once and its value is gone ("the default deletionpolicy for an
 *   AWS::SecretsManager::Secret resource is force-delete-without-recovery",
 *   aws-cloudformation/cloudformation-coverage-roadmap issues 1999 and 838).
 */
const secret: ResourceModel = {
  replacedBy: ['Name'],
  async create({ fake, logicalId }, properties) {
    const created = fake.secretsManager.createSecret({
      name: String(properties.Name ?? `${logicalId}-${alphanumeric(12)}`),
      description: properties.Description as string | undefined,
      kmsKeyId: properties.KmsKeyId as string | undefined,
      value: secretValue(properties),
      tags: tagsOf(properties),
    });
    return { physicalId: created.arn, attributes: { Id: created.arn } };
  },
  async update({ fake }, current, properties, oldProperties) {
    const stored = fake.secretsManager.stored(current.physicalId);
    if (!stored || stored.deleted) {
      throw new Error(`ResourceNotFoundException: Secrets Manager can't find the specified secret. (${current.physicalId})`);
    }
    stored.description = properties.Description as string | undefined;
    stored.kmsKeyId = properties.KmsKeyId as string | undefined;
    stored.tags = tagsOf(properties);
    const changed = (name: string) => JSON.stringify(properties[name]) !== JSON.stringify(oldProperties[name]);
    const value = secretValue(properties);
    if ((changed('SecretString') || changed('GenerateSecretString')) && value !== undefined) {
      fake.secretsManager.addVersion(stored, randomUUID(), value);
    }
    return current;
  },
  async delete({ fake }, current) {
    fake.secretsManager.deleteSecret(current.physicalId, { immediately: true });
  },
};

/** `Tags: [{ Key, Value }]`, as a map. */
function tagsOf(properties: Properties): { [key: string]: string } {
  return Object.fromEntries(((properties.Tags ?? []) as Array<{ Key: string; Value: string }>).map(({ Key, Value }) => [Key, Value]));
}

function secretValue(properties: Properties): string | undefined {
  if (properties.SecretString !== undefined) {
    return String(properties.SecretString);
  }
  return properties.GenerateSecretString !== undefined ? generateSecretString(properties.GenerateSecretString as GenerateOptions) : undefined;
}

function inlinePolicies(properties: Properties): Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> {
  return (properties.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>;
}

function setInlinePolicies(fake: FakeAws, roleName: string, logicalId: string, properties: Properties): void {
  for (const policy of inlinePolicies(properties)) {
    fake.iam.setPolicy(roleName, `${logicalId}/${policy.PolicyName}`, policy.PolicyDocument);
  }
}

const policy: ResourceModel = {
  replacedBy: [],
  async create({ fake, stackName, logicalId }, properties) {
    attachPolicy(fake, logicalId, properties);
    return { physicalId: `${stackName.slice(0, 5)}-${logicalId.slice(0, 5)}-${token(12)}`, attributes: {} };
  },
  async update({ fake, logicalId }, current, properties, oldProperties) {
    detachPolicy(fake, logicalId, oldProperties);
    attachPolicy(fake, logicalId, properties);
    return current;
  },
  async delete({ fake, logicalId }, _current, properties) {
    detachPolicy(fake, logicalId, properties);
  },
};

function attachPolicy(fake: FakeAws, logicalId: string, properties: Properties): void {
  for (const roleName of (properties.Roles ?? []) as string[]) {
    fake.iam.setPolicy(roleName, logicalId, properties.PolicyDocument as PolicyDocument);
  }
}

function detachPolicy(fake: FakeAws, logicalId: string, properties: Properties): void {
  for (const roleName of (properties.Roles ?? []) as string[]) {
    if (fake.iam.hasRole(roleName)) {
      fake.iam.setPolicy(roleName, logicalId, undefined);
    }
  }
}

const bucket: ResourceModel = {
  replacedBy: ['BucketName', 'ObjectLockEnabled'],
  async create({ fake, stackName, logicalId }, properties) {
    const name = String(properties.BucketName ?? `${stackName}-${logicalId}`.toLowerCase().slice(0, 49) + `-${token(12).toLowerCase()}`);
    fake.s3.createBucket(name, defaultKmsKey(properties));
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${fake.region}.amazonaws.com`,
        DualStackDomainName: `${name}.s3.dualstack.${fake.region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${fake.region}.amazonaws.com`,
      },
    };
  },
  async update({ fake }, current, properties) {
    const target = fake.s3.buckets.get(current.physicalId);
    if (target) {
      fake.s3.buckets.set(current.physicalId, { ...target, defaultKmsKeyArn: defaultKmsKey(properties) });
    }
    return current;
  },
  async delete({ fake }, current) {
    fake.s3.deleteBucket(current.physicalId);
  },
};

function defaultKmsKey(properties: Properties): string | undefined {
  type Rule = { ServerSideEncryptionByDefault?: { SSEAlgorithm: string; KMSMasterKeyID?: string } };
  const rules = (properties.BucketEncryption as { ServerSideEncryptionConfiguration?: Rule[] } | undefined)?.ServerSideEncryptionConfiguration ?? [];
  const kms = rules.map((rule) => rule.ServerSideEncryptionByDefault).find((rule) => rule?.SSEAlgorithm === 'aws:kms');
  return kms ? kms.KMSMasterKeyID ?? `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3` : undefined;
}

const lambdaFunction: ResourceModel = {
  replacedBy: ['FunctionName', 'PackageType', 'TenancyConfig'],
  async create(context, properties) {
    const name = String(properties.FunctionName ?? `${context.stackName}-${context.logicalId}`.slice(0, 50) + `-${token(12)}`);
    const arn = `arn:aws:lambda:${context.fake.region}:${ACCOUNT}:function:${name}`;
    context.functions.set(functionConfig(context, name, arn, properties));
    return { physicalId: name, attributes: { Arn: arn } };
  },
  async update(context, current, properties) {
    context.functions.set(functionConfig(context, current.physicalId, String(current.attributes.Arn), properties));
    return current;
  },
  async delete({ functions }, current) {
    functions.delete(String(current.attributes.Arn));
  },
};

function functionConfig(context: ModelContext, name: string, arn: string, properties: Properties): FunctionConfig {
  const code = properties.Code as { S3Key?: string; ZipFile?: string };
  const codeDirectory = code.S3Key ? context.assets.get(code.S3Key) : undefined;
  if (!codeDirectory) {
    throw new Error(`the code of ${context.logicalId} (${JSON.stringify(code)}) is not an asset of this cloud assembly`);
  }
  const environment = ((properties.Environment as { Variables?: { [name: string]: string } })?.Variables) ?? {};
  return {
    name,
    arn,
    codeDirectory,
    handler: String(properties.Handler),
    runtime: String(properties.Runtime),
    timeoutSeconds: Number(properties.Timeout ?? 3),
    memoryMb: Number(properties.MemorySize ?? 128),
    role: String(properties.Role).split('/').pop()!,
    environment: Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)])),
  };
}

const eventInvokeConfig: ResourceModel = {
  replacedBy: ['FunctionName', 'Qualifier'],
  async create({ functions }, properties) {
    functions.setRetries(String(properties.FunctionName), properties.MaximumRetryAttempts as number | undefined);
    return { physicalId: randomUUID(), attributes: {} };
  },
  async update({ functions }, current, properties) {
    functions.setRetries(String(properties.FunctionName), properties.MaximumRetryAttempts as number | undefined);
    return current;
  },
  async delete({ functions }, _current, properties) {
    functions.setRetries(String(properties.FunctionName), undefined);
  },
};

/** Types CloudFormation creates without anything the handler can observe. */
const ID_PREFIXES: { [type: string]: string } = {
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::RouteTable': 'rtb',
  'AWS::EC2::InternetGateway': 'igw',
  'AWS::EC2::NatGateway': 'nat',
  'AWS::EC2::EIP': 'eipalloc',
};

const REPLACED_BY: { [type: string]: string[] } = {
  'AWS::EC2::SecurityGroup': ['GroupDescription', 'GroupName', 'VpcId'],
  'AWS::EC2::Subnet': ['AvailabilityZone', 'CidrBlock', 'VpcId'],
  'AWS::EC2::VPC': ['CidrBlock', 'InstanceTenancy'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::SSM::Parameter': ['Name'],
  'AWS::KMS::Key': [],
};

function noOp(type: string): ResourceModel {
  return {
    replacedBy: REPLACED_BY[type] ?? [],
    async create({ fake, stackName, logicalId }, properties) {
      const prefix = ID_PREFIXES[type];
      const name = properties.LogGroupName ?? properties.Name;
      const physicalId = type === 'AWS::KMS::Key' ? randomUUID()
        : name !== undefined ? String(name)
          : prefix ? `${prefix}-${token(17).toLowerCase()}` : `${stackName}-${logicalId}-${token(12)}`;
      const [, service, resource] = type.split('::');
      const arn = type === 'AWS::Logs::LogGroup' ? `arn:aws:logs:${fake.region}:${ACCOUNT}:log-group:${physicalId}:*`
        : type === 'AWS::KMS::Key' ? `arn:aws:kms:${fake.region}:${ACCOUNT}:key/${physicalId}`
          : `arn:aws:${service.toLowerCase()}:${fake.region}:${ACCOUNT}:${resource.toLowerCase()}/${physicalId}`;
      // An attribute that a property of the same name gives (VPC CidrBlock, Subnet AvailabilityZone …).
      return { physicalId, attributes: { ...properties, Arn: arn, Id: physicalId, GroupId: physicalId, KeyId: physicalId } };
    },
    async update(_context, current, properties) {
      return { ...current, attributes: { ...current.attributes, ...properties } };
    },
  };
}

const MODELS: { [type: string]: ResourceModel } = {
  'AWS::EC2::ClientVpnEndpoint': clientVpnEndpoint,
  'AWS::EC2::ClientVpnTargetNetworkAssociation': attachment('association', ['ClientVpnEndpointId', 'SubnetId']),
  'AWS::EC2::ClientVpnAuthorizationRule': attachment('rule', ['ClientVpnEndpointId', 'Description', 'AccessGroupId', 'TargetNetworkCidr', 'AuthorizeAllGroups']),
  'AWS::EC2::ClientVpnRoute': attachment('route', ['ClientVpnEndpointId', 'TargetVpcSubnetId', 'Description', 'DestinationCidrBlock']),
  'AWS::IAM::Role': role,
  'AWS::IAM::Policy': policy,
  'AWS::S3::Bucket': bucket,
  'AWS::SecretsManager::Secret': secret,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::EventInvokeConfig': eventInvokeConfig,
};

export function modelOf(type: string): ResourceModel {
  return MODELS[type] ?? noOp(type);
}

/** False for the no-op types, whose attributes are made up when asked for. */
export function isModelled(type: string): boolean {
  return type in MODELS;
}

export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Endpoint-scoped operations the service counts against its concurrency quota. */
export const ENDPOINT_OPERATION_TYPES = [
  'AWS::EC2::ClientVpnTargetNetworkAssociation', 'AWS::EC2::ClientVpnAuthorizationRule', 'AWS::EC2::ClientVpnRoute',
];

function alphanumeric(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

function token(length: number): string {
  return randomBytes(length).toString('hex').toUpperCase().slice(0, length);
}
