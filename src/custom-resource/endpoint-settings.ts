import { Aws, CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EndpointSettingsFunction } from './endpoint-settings-function';
import {
  ATTRIBUTE_DNS_NAME,
  ATTRIBUTE_SELF_SERVICE_PORTAL_URL,
  SETTINGS_RESOURCE_TYPE,
  SettingsResourceProperties,
} from './resource-properties';

/** What one endpoint asks of the settings handler. */
export interface EndpointSettingsProps {
  readonly endpointId: string;
  readonly endpointArn: string;
  readonly certificateRevocationList?: string;
  readonly configurationBucket?: s3.IBucket;
  readonly configurationKey?: string;
  /** Endpoint settings the exported file depends on, as JSON: a change exports it again. */
  readonly configurationInputs?: string;
  readonly apiSettings?: { [key: string]: any };
  /** The endpoint's SelfServicePortal value: a change must read the portal URL again. */
  readonly selfServicePortal: string;
}

const HANDLER_ID = 'ClientVpnEndpointSettingsHandler';

/**
 * The custom resource that does for one endpoint what CloudFormation cannot. Every
 * endpoint of a stack shares one handler function; each adds only its own permissions.
 */
export class EndpointSettings extends Construct {
  public readonly dnsName: string;
  public readonly selfServicePortalUrl: string;

  constructor(scope: Construct, id: string, props: EndpointSettingsProps) {
    super(scope, id);
    const handler = handlerOf(Stack.of(this));
    const stack = Stack.of(this);

    const endpointActions = [
      ...(props.certificateRevocationList !== undefined ? ['ec2:ImportClientVpnClientCertificateRevocationList'] : []),
      ...(props.configurationBucket ? ['ec2:ExportClientVpnClientConfiguration'] : []),
      ...(props.apiSettings !== undefined ? ['ec2:ModifyClientVpnEndpoint'] : []),
    ];
    if (endpointActions.length > 0) {
      handler.addToRolePolicy(new iam.PolicyStatement({ actions: endpointActions, resources: [props.endpointArn] }));
    }
    if (props.configurationBucket && props.configurationKey) {
      handler.addToRolePolicy(new iam.PolicyStatement({
        // GetObject answers HeadObject: Delete removes the file only if this resource wrote it.
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [props.configurationBucket.arnForObjects(props.configurationKey)],
      }));
      props.configurationBucket.encryptionKey?.grantEncrypt(handler);
    }
    if (props.configurationBucket || props.apiSettings !== undefined) {
      // Delete asks whether an update replaced this resource before it undoes anything.
      handler.addToRolePolicy(new iam.PolicyStatement({
        actions: ['cloudformation:DescribeStackResource'],
        resources: [stack.stackId],
      }));
    }

    const properties: SettingsResourceProperties = {
      EndpointId: props.endpointId,
      CertificateRevocationList: props.certificateRevocationList,
      ConfigurationBucket: props.configurationBucket?.bucketName,
      ConfigurationKey: props.configurationBucket ? props.configurationKey : undefined,
      ConfigurationKmsKeyArn: props.configurationBucket?.encryptionKey?.keyArn,
      ConfigurationInputs: props.configurationBucket ? props.configurationInputs : undefined,
      ApiSettings: props.apiSettings !== undefined ? stack.toJsonString(props.apiSettings) : undefined,
      SelfServicePortal: props.selfServicePortal,
    };
    const resource = new CustomResource(this, 'Resource', {
      resourceType: SETTINGS_RESOURCE_TYPE,
      serviceToken: handler.functionArn,
      properties: { ...properties },
    });
    // The function's permissions must be in place before it runs (the role is not its child).
    resource.node.addDependency(handler, handler.role!);

    this.dnsName = resource.getAttString(ATTRIBUTE_DNS_NAME);
    this.selfServicePortalUrl = resource.getAttString(ATTRIBUTE_SELF_SERVICE_PORTAL_URL);
  }
}

/** The stack's one settings handler, found in the construct tree or created there. */
function handlerOf(stack: Stack): EndpointSettingsFunction {
  const existing = stack.node.tryFindChild(HANDLER_ID);
  if (existing) {
    return existing as EndpointSettingsFunction;
  }
  const logGroup = new logs.LogGroup(stack, `${HANDLER_ID}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
  // A role of its own instead of AWSLambdaBasicExecutionRole: it writes to its one log group only.
  const role = new iam.Role(stack, `${HANDLER_ID}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'cdk-client-vpn endpoint settings handler',
  });
  logGroup.grantWrite(role);
  // DescribeClientVpnEndpoints supports no resource-level permissions.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:DescribeClientVpnEndpoints'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
  }));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeClientVpnEndpoints has no resource-level permissions; the statement is limited to this region.',
  });
  const handler = new EndpointSettingsFunction(stack, HANDLER_ID, {
    description: 'cdk-client-vpn: reads endpoint attributes, imports CRLs, exports client configurations, applies API settings',
    timeout: Duration.minutes(5),
    memorySize: 256,
    // CloudFormation invokes it asynchronously: a retried request would run twice.
    retryAttempts: 0,
    role,
    logGroup,
  });
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'The handler is built and tested for the Node.js 22 runtime (esbuild target node22), which Lambda supports.',
  });
  return handler;
}
