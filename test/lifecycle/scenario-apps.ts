/**
 * The apps the lifecycle scenarios deploy, version after version: the test fixture's VPC and
 * certificates, two configuration buckets (and an encrypted one when asked for), and endpoints
 * made with the public constructs.
 */
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { editTemplate, synth } from './apps';
import { SynthesizedStack } from './stack-records';
import { ClientVpnEndpoint, ClientVpnEndpointProps, ClientVpnRouteTarget, ClientVpnUserAuthentication } from '../../src';
import { createEndpoint, Fixture } from '../util';

export interface Place {
  readonly fixture: Fixture;
  readonly app: App;
  readonly stack: Stack;
  /** Two plain buckets (kept on delete, as CDK's default), and one with a KMS key of its own. */
  readonly buckets: { readonly first: s3.IBucket; readonly second: s3.IBucket; readonly encrypted: s3.IBucket };
  endpoint(id: string, props?: Partial<ClientVpnEndpointProps>): ClientVpnEndpoint;
  /** SAML federation, which the self-service portal needs. */
  federated(): ClientVpnUserAuthentication;
}

export function version(build: (place: Place) => void): SynthesizedStack {
  return synth((fixture) => {
    const { stack } = fixture;
    let encrypted: s3.IBucket | undefined;
    const place: Place = {
      fixture,
      app: stack.node.root as App,
      stack,
      buckets: {
        first: new s3.Bucket(stack, 'First'),
        second: new s3.Bucket(stack, 'Second'),
        get encrypted() {
          encrypted ??= new s3.Bucket(stack, 'Encrypted', { encryption: s3.BucketEncryption.KMS });
          return encrypted;
        },
      },
      endpoint: (id, props = {}) => createEndpoint(fixture, props, id),
      federated: () => ClientVpnUserAuthentication.federated(
        iam.SamlProvider.fromSamlProviderArn(stack, 'Saml', 'arn:aws:iam::123456789012:saml-provider/corp')),
    };
    build(place);
  });
}

/** A CRL in PEM, different for each `serial`. */
export function crl(serial: number): string {
  const body = Buffer.from(`certificate revocation list number ${serial} `.repeat(3)).toString('base64');
  return `-----BEGIN X509 CRL-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END X509 CRL-----\n`;
}

/** `count` authorization rules and `count` routes, to networks outside the VPC and the client CIDR. */
export function rulesAndRoutes(endpoint: ClientVpnEndpoint, place: Place, count: number): void {
  const subnets = place.fixture.vpc.privateSubnets;
  for (let index = 0; index < count; index++) {
    endpoint.addIngressAuthorization(`Rule${index}`, { cidr: `192.168.${index}.0/24`, authorizeAllGroups: true });
    endpoint.addRoute(`Route${index}`, { cidr: `172.16.${index}.0/24`, target: ClientVpnRouteTarget.subnet(subnets[index % subnets.length]) });
  }
}

/** A parameter that reads the endpoint's DNS name: a resource CloudFormation updates after the custom resource. */
export function dnsNameConsumer(place: Place, endpoint: ClientVpnEndpoint, description: string): void {
  new ssm.StringParameter(place.stack, 'DnsNameOf' + endpoint.node.id, { stringValue: endpoint.dnsName, description });
}

export function tagApp(place: Place, tags: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(tags)) {
    Tags.of(place.app).add(key, value);
  }
}

/**
 * An endpoint whose `apiSettings` set a parameter that now has a typed prop, as an older version of
 * the library wrote it (before CloudFormation supported the parameter, the construct accepted it):
 * synthesized with a stand-in key, which the template then names `parameter`.
 */
export function legacyApiSetting(
  build: (place: Place, standIn: { [key: string]: unknown }) => void, parameter: string, value: unknown,
): SynthesizedStack {
  const standIn = 'LegacyStandInSetting';
  const synthesized = version((place) => build(place, { [standIn]: value }));
  return editTemplate(synthesized, (template) => {
    for (const resource of Object.values(template.Resources)) {
      if (typeof resource.Properties?.ApiSettings === 'string') {
        resource.Properties.ApiSettings = resource.Properties.ApiSettings.replace(standIn, parameter);
      }
    }
  });
}
