import * as path from 'path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledgeNagFinding } from './nag-acknowledgements';

/** The runtimes the bundles (esbuild target node22) are tested on. */
export const SUPPORTED_RUNTIMES = ['nodejs22.x', 'nodejs24.x'];

export interface HandlerFunctionOptions {
  readonly description: string;
  readonly roleDescription: string;
  /** The bundle's directory under assets/custom-resource. */
  readonly asset: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly runtime?: lambda.Runtime;
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * A custom resource handler function of the library: its own log group and a role that may write
 * only there (instead of AWSLambdaBasicExecutionRole); each resource adds its own permissions.
 */
export function createHandlerFunction(stack: Stack, id: string, options: HandlerFunctionOptions): lambda.Function {
  const runtime = options.runtime ?? lambda.Runtime.NODEJS_22_X;
  if (options.logEncryptionKey) {
    allowLogsToUseKey(stack, options.logEncryptionKey);
  }
  const logGroup = new logs.LogGroup(stack, `${id}Logs`, {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: options.logEncryptionKey,
  });
  const role = new iam.Role(stack, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
  });
  logGroup.grantWrite(role);
  const handler = new lambda.Function(stack, id, {
    description: options.description,
    runtime,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'custom-resource', options.asset)),
    timeout: options.timeout,
    memorySize: options.memorySize,
    // CloudFormation invokes it asynchronously: a retried request would run twice.
    retryAttempts: 0,
    role,
    logGroup,
  });
  acknowledgeNagFinding(handler, 'AwsSolutions-L1',
    `The handler is bundled for Node.js 22 and tested on ${SUPPORTED_RUNTIMES.join(' and ')}; this function runs on ${runtime.name}.`);
  return handler;
}

/**
 * CloudWatch Logs encrypts with the key itself, so the key policy must let the service use it,
 * limited to log groups of this account and region ("Encrypt log data in CloudWatch Logs using
 * AWS Key Management Service", Amazon CloudWatch Logs User Guide).
 */
function allowLogsToUseKey(stack: Stack, key: kms.IKey): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
}
