import { CustomResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** What a client needs of its certificate authority, which the public API keeps to itself. */
export interface IssuingAuthority {
  readonly caSecretArn: string;
  /** The authority's custom resource: clients are issued once it exists. */
  readonly authority: CustomResource;
  readonly certificateArn: string;
  readonly clientCertificateValidityDays: number;
  readonly encryptionKey?: kms.IKey;
  /** The value of the AUTHORITY_TAG_KEY tag on the CA's certificate and its clients' secrets: the handler's grants require it. */
  readonly authorityTag: string;
  readonly handlerRole: iam.IRole;
  /** Creates a custom resource on the CA's handler, after its function and permissions. */
  customResource(scope: Construct, id: string, resourceType: string, properties: { [name: string]: string }): CustomResource;
}
