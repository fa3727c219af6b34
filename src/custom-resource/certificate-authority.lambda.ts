/**
 * The certificate authority's handler. Four custom resource types and the renewal schedule:
 *
 * - the authority makes the CA inside AWS (its key goes to its secret, never further) and the
 *   server certificate, imported into ACM with the CA as its chain;
 * - each client's certificate is issued into the client's secret;
 * - the revocation list, one per CA, is signed from the clients' `revoked` flags and from the
 *   clients gone from the app, whose certificates must not stay valid;
 * - each trusting endpoint gets the CRL, and each client's secret an `.ovpn` for it.
 *
 * Physical ids never change on an update that is rolled back, so a rollback finds what it restores.
 */
import { setTimeout as sleep } from 'timers/promises';
import {
  ACMClient,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  DescribeCertificateCommandOutput,
  ImportCertificateCommand,
  ImportCertificateCommandOutput,
} from '@aws-sdk/client-acm';
import {
  EC2Client,
  ExportClientVpnClientCertificateRevocationListCommand,
  ExportClientVpnClientCertificateRevocationListCommandOutput,
  ExportClientVpnClientConfigurationCommand,
  ExportClientVpnClientConfigurationCommandOutput,
  ImportClientVpnClientCertificateRevocationListCommand,
} from '@aws-sdk/client-ec2';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import {
  ATTRIBUTE_CERTIFICATE_ARN,
  ATTRIBUTE_REVOCATION_LIST_NUMBER,
  ATTRIBUTE_SERIAL_NUMBER,
  AUTHORITY_RESOURCE_TYPE,
  AUTHORITY_TAG_KEY,
  AuthorityProperties,
  CLIENT_RESOURCE_TYPE,
  ClientEntry,
  ClientProperties,
  parseClientEntries,
  parseDays,
  parseProperties,
  parseTrustedClients,
  RenewalEvent,
  REVOCATION_LIST_RESOURCE_TYPE,
  RevocationListProperties,
  TRUST_RESOURCE_TYPE,
  TrustProperties,
} from './certificate-authority-properties';
import { AuthoritySecret, ClientSecret, isGone, readAuthority, readClient, SignedRevocationList, writeSecret } from './certificate-authority-state';
import { withClientCredentials } from './client-configuration';
import { describeError, Outcome, respond, RESPONSE_RESERVE_MS, send } from './handler-support';
import {
  createAuthority,
  issueClientCertificate,
  issueServerCertificate,
  loadAuthority,
  readCertificate,
  readRevocationList,
  RevocationReason,
  RevokedSerial,
  sameRevocationList,
  signRevocationList,
  SigningAuthority,
} from './pki';

// The handler retries by itself, within the time the Lambda has left.
const acm = new ACMClient({ maxAttempts: 1 });
const ec2 = new EC2Client({ maxAttempts: 1 });

const PHYSICAL_ID_PREFIX = 'cvpn-ca';
const DAY_MS = 24 * 60 * 60 * 1000;
/** A server certificate is renewed once less than this remains (Client VPN takes up to 24 hours to pick a renewed one up). */
const SERVER_RENEWAL_MS = 30 * DAY_MS;
/** How far a client's clock may be behind. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** How many earlier list numbers a renewed CRL remembers standing for (the secret's size is bounded). */
const MAX_RENEWED_NUMBERS = 16;
/** ACM answers ResourceInUseException for a while after the endpoint using a certificate is deleted. */
const IN_USE_RETRY_MS = 15_000;

type Event = CloudFormationCustomResourceEvent;

export async function handler(event: Event | RenewalEvent, context: Context): Promise<void> {
  if ('Renewal' in event) {
    // A scheduled run: a failure is thrown, so the invocation counts as an error in the function's metrics.
    await renew(event.Renewal, Date.now() + context.getRemainingTimeInMillis() - RESPONSE_RESERVE_MS);
    return;
  }
  await respond(event, context, PHYSICAL_ID_PREFIX, dispatch);
}

async function dispatch(event: Event, deadline: number): Promise<Outcome> {
  if (event.RequestType === 'Delete' && isFailedCreate(event) && event.ResourceType !== TRUST_RESOURCE_TYPE) {
    // A Create that failed made nothing this resource could remove.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  switch (event.ResourceType) {
    case AUTHORITY_RESOURCE_TYPE: return authority(event, deadline);
    case CLIENT_RESOURCE_TYPE: return client(event, deadline);
    case REVOCATION_LIST_RESOURCE_TYPE: return revocationList(event, deadline);
    case TRUST_RESOURCE_TYPE: return trust(event, deadline);
    default: throw new Error(`Unknown resource type ${event.ResourceType}`);
  }
}

const AUTHORITY_REQUIRED = ['CaSecretArn', 'CommonName', 'ServerDomainName', 'ValidityDays', 'ServerCertificateValidityDays', 'AuthorityTag'] as const;

/** The CA is made once: every client certificate names it, so its name and validity cannot change. */
async function authority(event: Event, deadline: number): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    await deleteCertificate(event.PhysicalResourceId, deadline);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const props = parseProperties<AuthorityProperties>(event.ResourceProperties, AUTHORITY_REQUIRED);
  const validityDays = parseDays('ValidityDays', props.ValidityDays);
  if (event.RequestType === 'Create') {
    const made = await createAuthority(props.CommonName, daysFromNow(validityDays));
    await writeSecret(props.CaSecretArn, { certificate: made.certificate, privateKey: made.privateKey, validityDays }, deadline);
    const certificateArn = await importServerCertificate(await loadAuthority(made.certificate, made.privateKey), props, undefined, deadline);
    return certificateOutcome(certificateArn);
  }
  const secret = await readAuthority(props.CaSecretArn, deadline);
  const { commonName } = readCertificate(secret.certificate);
  // Compared with the CA as it is, not with the old properties: the rollback of a refused change finds them equal.
  if (commonName !== props.CommonName || secret.validityDays !== validityDays) {
    throw new Error(`The CA's common name and validity cannot change (it is '${commonName}', ${secret.validityDays} days): `
      + 'every client certificate is signed by it. Create a new ClientVpnCertificateAuthority instead');
  }
  const certificateArn = event.PhysicalResourceId;
  const old = parseProperties<Partial<AuthorityProperties>>(event.OldResourceProperties, []);
  const reissue = old.ServerDomainName !== props.ServerDomainName || old.ServerCertificateValidityDays !== props.ServerCertificateValidityDays
    || await serverCertificateExpiresSoon(certificateArn, deadline);
  if (reissue) {
    await importServerCertificate(await loadAuthority(secret.certificate, secret.privateKey), props, certificateArn, deadline);
  }
  return certificateOutcome(certificateArn);
}

function certificateOutcome(certificateArn: string): Outcome {
  return { PhysicalResourceId: certificateArn, Data: { [ATTRIBUTE_CERTIFICATE_ARN]: certificateArn } };
}

/**
 * Issues a server certificate and imports it into ACM with the CA as its chain; a re-import keeps
 * the ARN, so the endpoints using it need no change. Tags can only be given on the first import.
 */
async function importServerCertificate(
  signer: SigningAuthority,
  props: Pick<AuthorityProperties, 'ServerDomainName' | 'ServerCertificateValidityDays' | 'AuthorityTag'>,
  certificateArn: string | undefined,
  deadline: number,
): Promise<string> {
  const validityDays = parseDays('ServerCertificateValidityDays', props.ServerCertificateValidityDays);
  const server = await issueServerCertificate(signer, props.ServerDomainName, daysFromNow(validityDays));
  console.log(`${certificateArn ? 'Re-importing' : 'Importing'} the server certificate for ${props.ServerDomainName}, serial ${server.serialNumber}`);
  const { CertificateArn: arn } = await send<ImportCertificateCommandOutput>(deadline, acm, new ImportCertificateCommand({
    Certificate: Buffer.from(server.certificate),
    PrivateKey: Buffer.from(server.privateKey!),
    CertificateChain: Buffer.from(signer.certificate.toString('pem')),
    CertificateArn: certificateArn,
    Tags: certificateArn ? undefined : [{ Key: AUTHORITY_TAG_KEY, Value: props.AuthorityTag }],
  }));
  return arn!;
}

async function serverCertificateExpiresSoon(certificateArn: string, deadline: number): Promise<boolean> {
  const { Certificate: certificate } = await send<DescribeCertificateCommandOutput>(deadline, acm,
    new DescribeCertificateCommand({ CertificateArn: certificateArn }));
  return (certificate?.NotAfter?.getTime() ?? 0) - Date.now() < SERVER_RENEWAL_MS;
}

/**
 * Deletes the server certificate once no endpoint uses it. ACM still counts an endpoint deleted a
 * moment ago, so an in-use answer is retried until the deadline; then the Delete fails, naming the users.
 */
async function deleteCertificate(certificateArn: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await send(deadline, acm, new DeleteCertificateCommand({ CertificateArn: certificateArn }));
      console.log(`Deleted ${certificateArn}`);
      return;
    } catch (error) {
      const { name } = error as { name?: string };
      if (name === 'ResourceNotFoundException') {
        console.log(`${certificateArn} is already gone`);
        return;
      }
      if (name !== 'ResourceInUseException' || Date.now() + IN_USE_RETRY_MS > deadline) {
        throw error;
      }
      console.log(`Waiting: ${describeError(error)}`);
      await sleep(IN_USE_RETRY_MS);
    }
  }
}

const CLIENT_REQUIRED = ['CaSecretArn', 'ClientSecretArn', 'CommonName', 'ValidityDays', 'Authority'] as const;
/** What the certificate depends on: a change issues a new one. */
const CLIENT_ISSUE_INPUTS = ['CaSecretArn', 'ClientSecretArn', 'CommonName', 'ValidityDays', 'CertificateSigningRequest', 'Authority'] as const;

/**
 * A client certificate in the client's secret. The physical id names the secret, so an update that
 * issues anew (and its rollback) keeps it; the superseded certificate goes on the CRL.
 */
async function client(event: Event, deadline: number): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    // The secret goes with its CloudFormation resource; the revocation list revokes the certificate.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const props = parseProperties<ClientProperties>(event.ResourceProperties, CLIENT_REQUIRED);
  const physicalId = `${PHYSICAL_ID_PREFIX}-client:${props.ClientSecretArn}`;
  const current = await readClient(props.ClientSecretArn, deadline);
  if (event.RequestType === 'Update' && event.PhysicalResourceId === physicalId && current) {
    const old = parseProperties<Partial<ClientProperties>>(event.OldResourceProperties, []);
    if (CLIENT_ISSUE_INPUTS.every((name) => old[name] === props[name])) {
      return clientOutcome(physicalId, readCertificate(current.certificate).serialNumber);
    }
  }
  const ca = await readAuthority(props.CaSecretArn, deadline);
  const issued = await issueClientCertificate(await loadAuthority(ca.certificate, ca.privateKey), props.CommonName,
    daysFromNow(parseDays('ValidityDays', props.ValidityDays)), props.CertificateSigningRequest || undefined);
  console.log(`Issued ${props.CommonName} serial ${issued.serialNumber}${issued.privateKey ? '' : ' for its signing request'}`);
  // The configurations the trusting endpoints wrote carry the new certificate at once: a trust that
  // has already run (it rolls back before the client, in one order) does not write them again.
  const credentials = { certificate: issued.certificate, privateKey: issued.privateKey };
  const configurations = Object.fromEntries(Object.entries(current?.configurations ?? {})
    .map(([endpointId, ovpn]) => [endpointId, withClientCredentials(ovpn, credentials)]));
  await writeSecret(props.ClientSecretArn, { ...credentials, caCertificate: ca.certificate, configurations }, deadline);
  return clientOutcome(physicalId, issued.serialNumber);
}

function clientOutcome(physicalId: string, serialNumber: string): Outcome {
  return { PhysicalResourceId: physicalId, Data: { [ATTRIBUTE_SERIAL_NUMBER]: serialNumber } };
}

/**
 * The CA's CRL: the revoked clients, and the clients that left the app since the last one (removed,
 * or replaced by a new certificate), which stay revoked. A client back in the app un-revoked leaves it.
 * An unchanged list is not signed again: each import resets every connection of an endpoint.
 */
async function revocationList(event: Event, deadline: number): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const props = parseProperties<RevocationListProperties>(event.ResourceProperties, ['CaSecretArn', 'ValidityDays', 'Clients']);
  const validityDays = parseDays('ValidityDays', props.ValidityDays);
  const clients = parseClientEntries(props.Clients);
  const gone = event.RequestType === 'Update' ? oldClients(event.OldResourceProperties)
    .filter((old) => !clients.some((entry) => entry.serialNumber === old.serialNumber)) : [];
  const ca = await readAuthority(props.CaSecretArn, deadline);
  const lists = ca.revocationLists;
  const revoked = new Map((lists ? readRevocationList(lists.current.pem).entries : []).map((entry) => [entry.serialNumber, entry]));
  // The time the CRL signed next starts from: a revocation is not dated after the list that carries it.
  const now = new Date(Date.now() - CLOCK_SKEW_MS);
  const revoke = (serialNumber: string, reason: RevocationReason) =>
    revoked.set(serialNumber, revoked.get(serialNumber) ?? { serialNumber, revokedAt: now, reason });
  const letGo = new Set<string>();
  const secretsInUse = new Set(clients.map((entry) => entry.secretArn));
  for (const entry of gone) {
    // A client re-issued into the same secret lets go of its old serial only; a removed one, of what its secret holds too.
    const serials = secretsInUse.has(entry.secretArn) ? [entry.serialNumber] : await serialsHeld(entry, deadline);
    for (const serialNumber of serials) {
      revoke(serialNumber, 'cessationOfOperation');
      letGo.add(serialNumber);
    }
  }
  for (const entry of clients) {
    for (const serialNumber of await serialsHeld(entry, deadline)) {
      if (entry.revoked) {
        revoke(serialNumber, 'privilegeWithdrawn');
      } else if (!letGo.has(serialNumber)) {
        // A rollback's client may still hold the certificate of the update it undoes, which stays revoked.
        revoked.delete(serialNumber);
      }
    }
  }
  const wanted = [...revoked.values()];
  const reusable = [lists?.current, lists?.previous].find((list) => list && isReusable(list, wanted, validityDays));
  if (reusable && reusable === lists?.previous) {
    // The list in force is always `current`: the renewal keeps every endpoint on it.
    await writeSecret(props.CaSecretArn, { ...ca, revocationLists: { current: reusable, previous: lists.current } }, deadline);
  }
  const signed = reusable ?? await signNext(ca, props.CaSecretArn, wanted, validityDays, deadline);
  console.log(`Revocation list ${signed.number}${reusable ? ' (unchanged)' : ''}: ${wanted.length} revoked`);
  return {
    PhysicalResourceId: `${PHYSICAL_ID_PREFIX}-crl:${props.CaSecretArn}`,
    Data: { [ATTRIBUTE_REVOCATION_LIST_NUMBER]: String(signed.number) },
  };
}

/**
 * A client's serial as the template recorded it, and the one its secret holds now, when that is
 * another: a certificate issued by the rollback of a failed update is revoked with its client too.
 */
async function serialsHeld(entry: ClientEntry, deadline: number): Promise<string[]> {
  if (!entry.secretArn) {
    return [entry.serialNumber];
  }
  try {
    const secret = await readClient(entry.secretArn, deadline);
    const current = secret ? readCertificate(secret.certificate).serialNumber : entry.serialNumber;
    return [...new Set([entry.serialNumber, current])];
  } catch (error) {
    if (isGone(error)) {
      return [entry.serialNumber];
    }
    throw error;
  }
}

function oldClients(raw: unknown): ClientEntry[] {
  try {
    return parseClientEntries(parseProperties<Partial<RevocationListProperties>>(raw, []).Clients ?? '[]');
  } catch {
    return [];
  }
}

/** A CRL already signed serves when it revokes exactly these serials and has more than half its validity left. */
function isReusable(list: SignedRevocationList, wanted: RevokedSerial[], validityDays: number): boolean {
  const { entries, nextUpdate } = readRevocationList(list.pem);
  const serials = (revoked: RevokedSerial[]) => revoked.map((entry) => entry.serialNumber).sort().join();
  return serials(entries) === serials(wanted) && !needsRenewal(nextUpdate, validityDays);
}

function needsRenewal(nextUpdate: Date | undefined, validityDays: number): boolean {
  return (nextUpdate?.getTime() ?? 0) - Date.now() < validityDays * DAY_MS / 2;
}

/**
 * Signs the next CRL and keeps it, and the one before it, in the CA's secret. A renewal names the
 * lists it stands for (`renews`), so a trust rolled back to one of them still finds its entries.
 */
async function signNext(
  ca: AuthoritySecret, caSecretArn: string, revoked: RevokedSerial[], validityDays: number, deadline: number, renews?: readonly number[],
) {
  const previous = ca.revocationLists?.current;
  // Above both lists kept: after a rollback made the older one current, a number is never used twice (RFC 5280 5.2.3).
  const number = Math.max(previous?.number ?? 0, ca.revocationLists?.previous?.number ?? 0) + 1;
  const signer = await loadAuthority(ca.certificate, ca.privateKey);
  const now = Date.now();
  // Backdated like the certificates: OpenVPN refuses every client while a CRL's thisUpdate is in the future.
  const thisUpdate = new Date(now - CLOCK_SKEW_MS);
  const pem = await signRevocationList(signer, revoked, number, thisUpdate, new Date(now + validityDays * DAY_MS));
  const current: SignedRevocationList = renews ? { number, pem, renews } : { number, pem };
  await writeSecret(caSecretArn, { ...ca, revocationLists: { current, previous } }, deadline);
  return current;
}

const TRUST_REQUIRED = ['CaSecretArn', 'ClientVpnEndpointId', 'RevocationListNumber', 'Clients'] as const;

/**
 * An endpoint that trusts the CA: the CRL the properties name is imported unless the endpoint holds
 * it already (the previous one, in the rollback of a failed update), and each client's secret gets the endpoint's configuration with the
 * client's certificate and key inline. The physical id names the endpoint: after a replacement, the
 * Delete of the old one removes its configurations.
 */
async function trust(event: Event, deadline: number): Promise<Outcome> {
  if (event.RequestType === 'Delete') {
    await forgetEndpoint(event, deadline);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const props = parseProperties<TrustProperties>(event.ResourceProperties, TRUST_REQUIRED);
  const endpointId = props.ClientVpnEndpointId;
  const old = event.RequestType === 'Update' ? parseProperties<Partial<TrustProperties>>(event.OldResourceProperties, []) : {};
  const ca = await readAuthority(props.CaSecretArn, deadline);
  if (old.ClientVpnEndpointId !== endpointId || old.RevocationListNumber !== props.RevocationListNumber) {
    // The renewal may have imported this very list already: an import resets every connection.
    await importUnlessHeld(endpointId, revocationListNumbered(ca, Number(props.RevocationListNumber)), deadline);
  }
  const { ClientConfiguration: configuration } = await send<ExportClientVpnClientConfigurationCommandOutput>(deadline, ec2,
    new ExportClientVpnClientConfigurationCommand({ ClientVpnEndpointId: endpointId }));
  if (!configuration) {
    throw new Error(`No client configuration for ${endpointId}`);
  }
  for (const { secretArn } of parseTrustedClients(props.Clients)) {
    const secret = await readClient(secretArn, deadline);
    if (!secret) {
      throw new Error(`The client secret ${secretArn} holds no certificate yet`);
    }
    const ovpn = withClientCredentials(configuration, secret);
    if (secret.configurations[endpointId] !== ovpn) {
      await writeSecret(secretArn, { ...secret, configurations: { ...secret.configurations, [endpointId]: ovpn } }, deadline);
    }
  }
  return { PhysicalResourceId: trustPhysicalId(endpointId) };
}

function isFailedCreate(event: Event & { RequestType: 'Delete' }): boolean {
  return event.PhysicalResourceId.startsWith(`${PHYSICAL_ID_PREFIX}-failed-`);
}

function trustPhysicalId(endpointId: string): string {
  return `${PHYSICAL_ID_PREFIX}-trust:${endpointId}`;
}

function revocationListNumbered(ca: AuthoritySecret, number: number): SignedRevocationList {
  const lists = ca.revocationLists;
  if (!lists) {
    throw new Error('The CA has signed no revocation list yet');
  }
  const kept = [lists.current, lists.previous];
  // After a renewal the number may name a list no longer kept: its renewal has the same entries.
  return kept.find((list) => list?.number === number) ?? kept.find((list) => list?.renews?.includes(number)) ?? lists.current;
}

/** Removes this endpoint's configuration from the clients' secrets; never fails, so a stack can always go. */
async function forgetEndpoint(event: Event & { RequestType: 'Delete' }, deadline: number): Promise<void> {
  let props: TrustProperties;
  try {
    props = parseProperties<TrustProperties>(event.ResourceProperties, TRUST_REQUIRED);
  } catch (error) {
    console.log(`Nothing to remove, the properties are unreadable: ${describeError(error)}`);
    return;
  }
  const endpointId = props.ClientVpnEndpointId;
  // A Create that failed may have written some of its configurations before it did.
  if (event.PhysicalResourceId !== trustPhysicalId(endpointId) && !isFailedCreate(event)) {
    return;
  }
  for (const { secretArn } of parseTrustedClients(props.Clients)) {
    try {
      const secret = await readClient(secretArn, deadline);
      if (secret?.configurations[endpointId] !== undefined) {
        const { [endpointId]: _removed, ...configurations } = secret.configurations;
        await writeSecret(secretArn, { ...secret, configurations } as ClientSecret, deadline);
      }
    } catch (error) {
      console.log(`${isGone(error) ? 'Already gone' : 'Left as it is'}: ${secretArn}: ${describeError(error)}`);
    }
  }
}

/**
 * The scheduled renewal. A CRL with less than half its validity left is signed again with the same
 * entries. Then every trusting endpoint whose list is not the one in force gets it: after a renewal,
 * after an import that failed on an earlier run, after a rollback that left a revocation unimported.
 * Each import resets that endpoint's connections, hence a schedule the app chooses. A server
 * certificate that ends within 30 days is re-imported. A failure is thrown once every step was tried.
 */
async function renew(renewal: RenewalEvent['Renewal'], deadline: number): Promise<void> {
  const ca = await readAuthority(renewal.CaSecretArn, deadline);
  const validityDays = parseDays('RevocationListValidityDays', renewal.RevocationListValidityDays);
  let current = ca.revocationLists?.current;
  const failures: string[] = [];
  if (current && needsRenewal(readRevocationList(current.pem).nextUpdate, validityDays)) {
    const renews = [current.number, ...current.renews ?? []].slice(0, MAX_RENEWED_NUMBERS);
    try {
      current = await signNext(ca, renewal.CaSecretArn, readRevocationList(current.pem).entries, validityDays, deadline, renews);
    } catch (error) {
      // The endpoints still get the list in force, which has time left: renewal starts at half its validity.
      failures.push(`signing the renewed revocation list: ${describeError(error)}`);
    }
  }
  for (const endpointId of current ? renewal.ClientVpnEndpointIds : []) {
    try {
      await importUnlessHeld(endpointId, current!, deadline);
    } catch (error) {
      failures.push(`${endpointId}: ${describeError(error)}`);
    }
  }
  try {
    if (await serverCertificateExpiresSoon(renewal.CertificateArn, deadline)) {
      await importServerCertificate(await loadAuthority(ca.certificate, ca.privateKey), {
        ServerDomainName: renewal.ServerDomainName,
        ServerCertificateValidityDays: renewal.ServerCertificateValidityDays,
        AuthorityTag: '',
      }, renewal.CertificateArn, deadline);
    }
  } catch (error) {
    failures.push(`server certificate: ${describeError(error)}`);
  }
  if (failures.length > 0) {
    throw new Error(`Renewal incomplete, the next run tries again: ${failures.join('; ')}`);
  }
}

/** Imports the list unless the endpoint's own (ExportClientVpnClientCertificateRevocationList) is the same CRL. */
async function importUnlessHeld(endpointId: string, list: SignedRevocationList, deadline: number): Promise<void> {
  const { CertificateRevocationList: imported } = await send<ExportClientVpnClientCertificateRevocationListCommandOutput>(deadline, ec2,
    new ExportClientVpnClientCertificateRevocationListCommand({ ClientVpnEndpointId: endpointId }));
  if (imported !== undefined && sameRevocationList(imported, list.pem)) {
    return;
  }
  console.log(`Importing revocation list ${list.number} into ${endpointId}`);
  await send(deadline, ec2, new ImportClientVpnClientCertificateRevocationListCommand({
    ClientVpnEndpointId: endpointId,
    CertificateRevocationList: list.pem,
  }));
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY_MS);
}
