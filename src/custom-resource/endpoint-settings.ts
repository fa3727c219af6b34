import { createHash } from 'crypto';
import { CustomResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ATTRIBUTE_DNS_NAME,
  ATTRIBUTE_SELF_SERVICE_PORTAL_URL,
  ATTRIBUTE_TRANSIT_GATEWAY_ATTACHMENT_ID,
  SETTINGS_RESOURCE_TYPE,
  SettingsResourceProperties,
} from './resource-properties';
import { ClientVpnSettingsHandler, SETTINGS_SERVICE_TIMEOUT } from '../client-vpn-settings-handler';
import { acknowledgeNagFinding, nagResourceName } from '../private/nag-acknowledgements';

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
  /** JSON of the tags to apply, `[{ "Key": ..., "Value": ... }]`. */
  readonly tags?: string;
}


/**
 * The custom resource that does for one endpoint what CloudFormation cannot. Every
 * endpoint of a stack shares one handler function; each adds only its own permissions.
 */
export class EndpointSettings extends Construct {
  public readonly dnsName: string;
  public readonly selfServicePortalUrl: string;
  public readonly transitGatewayAttachmentId: string;

  constructor(scope: Construct, id: string, props: EndpointSettingsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const handler = ClientVpnSettingsHandler._of(stack);
    const configurationBucket = props.configurationBucket;
    const configurationKey = props.configurationKey ?? DEFAULT_CONFIGURATION_KEY;

    const properties: SettingsResourceProperties = {
      EndpointId: props.endpointId,
      CertificateRevocationList: props.certificateRevocationList,
      ConfigurationBucket: configurationBucket?.bucketName,
      ConfigurationKey: configurationBucket ? (props.configurationKey ?? `${props.endpointId}.ovpn`) : undefined,
      ConfigurationKmsKeyArn: configurationBucket?.encryptionKey?.keyArn,
      ConfigurationInputs: configurationBucket ? props.configurationInputs : undefined,
      ApiSettings: props.apiSettings !== undefined ? stack.toJsonString(props.apiSettings) : undefined,
      SelfServicePortal: props.selfServicePortal,
      Tags: props.tags,
    };
    const resource = new CustomResource(this, 'Resource', {
      resourceType: SETTINGS_RESOURCE_TYPE,
      serviceToken: handler.functionArn,
      properties: { ...properties },
      serviceTimeout: SETTINGS_SERVICE_TIMEOUT,
    });

    // This endpoint's permissions, in a policy of its own that the resource depends on: it is
    // deleted after the resource's Delete has run, however the other endpoints of the stack change.
    // A policy for a file names the file's place in its id: moving the file makes a new policy,
    // and the old one, still in force while the Update removes the old file, goes in the cleanup.
    const access = new iam.Policy(this, configurationBucket ? `Access${placeId(stack, configurationBucket, configurationKey)}` : 'Access', {
      roles: [handler.role!],
      statements: [new iam.PolicyStatement({
        actions: [
          'ec2:CreateTags',
          'ec2:DeleteTags',
          ...(props.certificateRevocationList !== undefined ? ['ec2:ImportClientVpnClientCertificateRevocationList'] : []),
          ...(configurationBucket ? ['ec2:ExportClientVpnClientConfiguration'] : []),
          ...(props.apiSettings !== undefined ? ['ec2:ModifyClientVpnEndpoint'] : []),
        ],
        resources: [props.endpointArn],
      })],
    });
    if (configurationBucket) {
      const objects = configurationBucket.arnForObjects(configurationKey);
      access.addStatements(new iam.PolicyStatement({
        // GetObject answers HeadObject: a file is removed only if this resource wrote it.
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [objects],
      }));
      if (props.configurationKey === undefined) {
        acknowledgeNagFinding(access, 'AwsSolutions-IAM5',
          'The default key is <endpoint id>.ovpn: the grant covers every endpoint id, so that after a replacement the old endpoint\'s file can still be deleted.',
          nagResourceName(stack, objects), /^Resource::.*\/cvpn-endpoint-\*\.ovpn$/);
      }
      if (configurationBucket.encryptionKey) {
        access.addStatements(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [configurationBucket.encryptionKey.keyArn] }));
      }
    }
    // The function and its permissions must be in place before it runs (the role is not its child).
    resource.node.addDependency(handler, handler.role!, access);

    this.dnsName = resource.getAttString(ATTRIBUTE_DNS_NAME);
    this.selfServicePortalUrl = resource.getAttString(ATTRIBUTE_SELF_SERVICE_PORTAL_URL);
    this.transitGatewayAttachmentId = resource.getAttString(ATTRIBUTE_TRANSIT_GATEWAY_ATTACHMENT_ID);
  }
}

/**
 * The default key is `<endpoint id>.ovpn`. Its grant covers the key of every endpoint id, so the
 * Delete that follows a replacement can still remove the old endpoint's file.
 */
const DEFAULT_CONFIGURATION_KEY = 'cvpn-endpoint-*.ovpn';

/** A short digest of where the file goes, as the template writes it. */
function placeId(stack: Stack, bucket: s3.IBucket, key: string): string {
  const place = JSON.stringify(stack.resolve([bucket.bucketName, key]));
  return createHash('sha256').update(place).digest('hex').slice(0, 8).toUpperCase();
}
