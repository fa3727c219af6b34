import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ClientVpnValidationError } from './private/client-vpn-validation-error';
import { scopeError } from './private/construct-rejection';
import { createHandlerFunction, SUPPORTED_RUNTIMES } from './private/handler-function';
import { acknowledgeNagFinding } from './private/nag-acknowledgements';
import { describeValue, invalid, requireResource } from './private/validation';

/** Options for the stack's settings handler, the Lambda function behind the endpoints' custom resources. */
export interface ClientVpnSettingsHandlerProps {
  /**
   * The Lambda runtime. The handler is bundled for Node.js 22 and tested on Node.js 22 and 24.
   *
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * A customer managed KMS key that encrypts the handler's log group. For a key defined in this app,
   * the key policy is extended so that CloudWatch Logs can use it for the log groups of this account
   * and region; an imported key's policy must already allow that.
   *
   * @default - the log group is encrypted by CloudWatch Logs with a key it manages
   */
  readonly logEncryptionKey?: kms.IKey;
}

/** The construct id, under the stack, of the one settings handler; a stable id keeps its logical ids. */
const HANDLER_ID = 'ClientVpnEndpointSettingsHandler';
/** How long the handler may run; it answers CloudFormation before then. */
export const SETTINGS_HANDLER_TIMEOUT = Duration.minutes(5);
/** How long CloudFormation waits for an answer: the handler's timeout, and a minute for the invocation to start. */
export const SETTINGS_SERVICE_TIMEOUT = SETTINGS_HANDLER_TIMEOUT.plus(Duration.minutes(1));

/**
 * The Lambda function, one per stack, that the endpoints' settings custom resources run on. The
 * library creates it with defaults when an endpoint first needs it; call `configure` first to
 * choose its runtime or encrypt its logs.
 *
 * @example
 * ClientVpnSettingsHandler.configure(stack, {
 *   runtime: lambda.Runtime.NODEJS_24_X,
 *   logEncryptionKey: new kms.Key(stack, 'HandlerLogKey', { enableKeyRotation: true }),
 * });
 */
export class ClientVpnSettingsHandler {
  /**
   * Creates the settings handler of `scope`'s stack with these options. Call it before the stack's
   * endpoints read `dnsName`, export a configuration or otherwise need the handler.
   *
   * @returns the handler function
   */
  public static configure(scope: Construct, props: ClientVpnSettingsHandlerProps = {}): lambda.IFunction {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(HANDLER_ID);
    if (existing) {
      throw new ClientVpnValidationError(stack.node.path, `the settings handler already exists (${existing.node.path}); ` +
        'call ClientVpnSettingsHandler.configure() once per stack, before any endpoint needs the handler');
    }
    try {
      validateHandlerProps(props);
    } catch (error) {
      throw scopeError(stack.node.path, error, ClientVpnSettingsHandler.configure);
    }
    return createHandler(stack, props);
  }

  /** @internal the stack's handler, created with defaults when the app has not configured it */
  public static _of(stack: Stack): lambda.Function {
    return (stack.node.tryFindChild(HANDLER_ID) as lambda.Function | undefined) ?? createHandler(stack, {});
  }

  private constructor() {}
}

function validateHandlerProps(props: ClientVpnSettingsHandlerProps): void {
  const runtimeName = (props.runtime as { name?: unknown } | undefined)?.name;
  if (props.runtime !== undefined && !SUPPORTED_RUNTIMES.includes(runtimeName as string)) {
    throw invalid('runtime', `must be the lambda.Runtime of ${SUPPORTED_RUNTIMES.map(describeValue).join(' or ')} (the runtimes the handler is tested on)`,
      runtimeName ?? props.runtime);
  }
  if (props.logEncryptionKey !== undefined) {
    requireResource('logEncryptionKey', props.logEncryptionKey, 'a kms.IKey', ['keyArn']);
  }
}

function createHandler(stack: Stack, props: ClientVpnSettingsHandlerProps): lambda.Function {
  const handler = createHandlerFunction(stack, HANDLER_ID, {
    description: 'cdk-client-vpn: reads endpoint attributes, imports CRLs, exports client configurations, applies API settings',
    roleDescription: 'cdk-client-vpn endpoint settings handler',
    asset: 'endpoint-settings.lambda',
    timeout: SETTINGS_HANDLER_TIMEOUT,
    memorySize: 256,
    runtime: props.runtime,
    logEncryptionKey: props.logEncryptionKey,
  });
  // DescribeClientVpnEndpoints supports no resource-level permissions.
  handler.role!.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:DescribeClientVpnEndpoints'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
  }));
  acknowledgeNagFinding(handler.role!, 'AwsSolutions-IAM5',
    'ec2:DescribeClientVpnEndpoints has no resource-level permissions; the statement is limited to this region.', 'Resource::*');
  return handler;
}

