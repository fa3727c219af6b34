import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { createHandlerFunction } from './handler-function';

/** The construct id, under the stack, of the one certificate authority handler. */
const HANDLER_ID = 'ClientVpnCertificateAuthorityHandler';
/** How long the handler may run; it answers CloudFormation before then. */
export const CERTIFICATE_AUTHORITY_HANDLER_TIMEOUT = Duration.minutes(5);
/** How long CloudFormation waits for an answer: the handler's timeout, and a minute for the invocation to start. */
export const CERTIFICATE_AUTHORITY_SERVICE_TIMEOUT = CERTIFICATE_AUTHORITY_HANDLER_TIMEOUT.plus(Duration.minutes(1));

/**
 * The stack's certificate authority handler, a function of its own: endpoints that do not use a
 * CA keep the small settings handler. RSA key generation is CPU-bound, and Lambda gives CPU in
 * proportion to memory, hence 1 GB.
 */
export function certificateAuthorityHandler(stack: Stack): lambda.Function {
  return (stack.node.tryFindChild(HANDLER_ID) as lambda.Function | undefined) ?? createHandlerFunction(stack, HANDLER_ID, {
    description: 'cdk-client-vpn: makes the certificate authority, issues and revokes client certificates, keeps CRLs current',
    roleDescription: 'cdk-client-vpn certificate authority handler',
    asset: 'certificate-authority.lambda',
    timeout: CERTIFICATE_AUTHORITY_HANDLER_TIMEOUT,
    memorySize: 1024,
  });
}
