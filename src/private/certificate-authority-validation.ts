import { Duration, Intrinsic, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Caution, characterCount, invalid, isUnresolved, requireBoolean, requireNonEmptyString, requireOneOf, requireResource } from './validation';
import type { ClientVpnCertificateAuthorityProps } from '../client-vpn-certificate-authority';
import type { ClientVpnClientOptions } from '../client-vpn-client';

/** X.520's upper bound for a common name (RFC 5280, Appendix A: ub-common-name). */
const MAX_COMMON_NAME_LENGTH = 64;
/** RFC 1035: 253 characters in all, labels of 1 to 63 letters, digits and hyphens, not at either end. */
const DOMAIN_NAME = /^(?=.{1,253}$)(?:(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const PEM_REQUEST = /^-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (NEW )?CERTIFICATE REQUEST-----\s*$/;
/** Below this, a CRL has little time left between weekly renewal runs once half of it is gone. */
const SHORT_REVOCATION_LIST_DAYS = 30;

export const DEFAULT_SERVER_DOMAIN_NAME = 'server.client-vpn.internal';
const DEFAULT_VALIDITY_DAYS = 3650;
const DEFAULT_CLIENT_VALIDITY_DAYS = 730;
const DEFAULT_REVOCATION_LIST_DAYS = 180;
/** Renewed by the schedule 30 days before it ends. */
const SERVER_CERTIFICATE_VALIDITY_DAYS = 395;

/** The CA's settings, defaults applied. */
export interface CertificateAuthorityDefaults {
  readonly commonName: string;
  readonly serverDomainName: string;
  readonly validityDays: number;
  readonly clientCertificateValidityDays: number;
  readonly revocationListValidityDays: number;
  readonly serverCertificateValidityDays: number;
}

/** Throws for the first broken rule; returns the settings and what is allowed but probably a mistake. */
export function validateCertificateAuthority(
  props: ClientVpnCertificateAuthorityProps,
  defaultCommonName: string,
): { settings: CertificateAuthorityDefaults; cautions: Caution[] } {
  if (typeof props !== 'object' || props === null) {
    throw invalid('props', 'must be an object of ClientVpnCertificateAuthorityProps', props);
  }
  requireCommonName('commonName', props.commonName);
  requireNonEmptyString('serverDomainName', props.serverDomainName);
  if (props.serverDomainName !== undefined && !isUnresolved(props.serverDomainName) && !DOMAIN_NAME.test(props.serverDomainName)) {
    throw invalid('serverDomainName', 'must be a domain name with at least two labels (ACM and Client VPN need a domain name in the server certificate)', props.serverDomainName);
  }
  const validityDays = wholeDays('validity', props.validity) ?? DEFAULT_VALIDITY_DAYS;
  const clientCertificateValidityDays = wholeDays('clientCertificateValidity', props.clientCertificateValidity) ?? DEFAULT_CLIENT_VALIDITY_DAYS;
  const revocationListValidityDays = wholeDays('revocationListValidity', props.revocationListValidity) ?? DEFAULT_REVOCATION_LIST_DAYS;
  if (props.encryptionKey !== undefined) {
    requireResource('encryptionKey', props.encryptionKey, 'a kms.IKey', ['keyArn']);
  }
  // A secret has no snapshot: aws-cdk-lib would refuse RemovalPolicy.SNAPSHOT deep inside the construct.
  requireOneOf('removalPolicy', props.removalPolicy, [RemovalPolicy.DESTROY, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE]);
  if (props.renewalSchedule !== undefined && typeof (props.renewalSchedule as { expressionString?: unknown })?.expressionString !== 'string') {
    throw invalid('renewalSchedule', 'must be an events.Schedule', props.renewalSchedule);
  }

  const cautions: Caution[] = [];
  if (clientCertificateValidityDays > validityDays) {
    cautions.push({
      rule: 'clientValidityBeyondAuthority',
      prop: 'clientCertificateValidity',
      advice: `is longer than the CA's validity (${validityDays} days): client certificates end with the CA`,
      value: `${clientCertificateValidityDays} days`,
    });
  }
  if (revocationListValidityDays < SHORT_REVOCATION_LIST_DAYS) {
    cautions.push({
      rule: 'shortRevocationListValidity',
      prop: 'revocationListValidity',
      advice: `is under ${SHORT_REVOCATION_LIST_DAYS} days: a CRL is renewed once half of it is left, and an expired CRL refuses every connection, `
        + 'so a renewal run that fails or a schedule further apart than that leaves little time',
      value: `${revocationListValidityDays} days`,
    });
  }
  return {
    settings: {
      commonName: props.commonName ?? defaultCommonName,
      serverDomainName: props.serverDomainName ?? DEFAULT_SERVER_DOMAIN_NAME,
      validityDays,
      clientCertificateValidityDays,
      revocationListValidityDays,
      serverCertificateValidityDays: Math.min(SERVER_CERTIFICATE_VALIDITY_DAYS, validityDays),
    },
    cautions,
  };
}

/** Throws for the first broken rule of a client's options; returns its validity in days, when given. */
export function validateClientOptions(options: ClientVpnClientOptions): number | undefined {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'must be an object of ClientVpnClientOptions', options);
  }
  requireCommonName('commonName', options.commonName);
  if (options.revoked !== undefined && typeof options.revoked !== 'boolean') {
    // The CRL is signed from the template's value: a deploy-time value would work, but a literal is what revocation as code reads.
    requireBoolean('revoked', options.revoked);
    throw invalid('revoked', 'must be true or false, not a deploy-time value (the CRL lists what the app says)', options.revoked);
  }
  const csr = options.certificateSigningRequest;
  requireNonEmptyString('certificateSigningRequest', csr);
  if (csr !== undefined && !isUnresolved(csr) && !PEM_REQUEST.test(csr)) {
    throw invalid('certificateSigningRequest', 'must be a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)', csr);
  }
  return wholeDays('validity', options.validity);
}

export function requireCommonName(prop: string, value: unknown): void {
  requireNonEmptyString(prop, value);
  if (typeof value === 'string' && !isUnresolved(value) && characterCount(value) > MAX_COMMON_NAME_LENGTH) {
    throw invalid(prop, `must be at most ${MAX_COMMON_NAME_LENGTH} characters (X.520's bound for a common name)`, value);
  }
}

/** Days of a Duration that must be known at synthesis: the validities are compared with each other. */
function wholeDays(prop: string, value: Duration | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof (value as Partial<Duration>)?.toSeconds !== 'function') {
    throw invalid(prop, 'must be a Duration', value);
  }
  let seconds: number;
  try {
    seconds = value.toSeconds();
  } catch {
    // aws-cdk-lib cannot convert a deploy-time amount to another unit.
    seconds = NaN;
  }
  if (Number.isNaN(seconds) || Token.isUnresolved(seconds)) {
    // Shown as any other token is; the Duration's own text would show the token's encoding as a number.
    throw invalid(prop, 'must be a Duration of a literal number of days, not a deploy-time value', new Intrinsic(seconds));
  }
  const days = seconds / 86_400;
  if (!Number.isInteger(days) || days < 1) {
    throw invalid(prop, 'must be a whole number of days, at least 1', value.toHumanString());
  }
  return days;
}
