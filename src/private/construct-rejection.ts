import { Construct } from 'constructs';
import { ClientVpnValidationError } from './client-vpn-validation-error';

/**
 * What a construct's constructor throws when building it failed: the construct leaves the tree,
 * so nothing half-built is synthesized and the id can be used again, and a broken rule is reported
 * under the construct's path, its stack starting where the app created the construct.
 */
export function rejectConstruct(construct: Construct, error: unknown): unknown {
  const path = construct.node.path;
  construct.node.scope?.node.tryRemoveChild(construct.node.id);
  return scopeError(path, error, construct.constructor);
}

/** A broken rule that names no construct yet, reported under `path`; any other error as it is. */
export function scopeError(path: string, error: unknown, caller?: Function): unknown {
  if (!ClientVpnValidationError.isClientVpnValidationError(error) || error.constructPath !== '') {
    return error;
  }
  const scoped = new ClientVpnValidationError(path, error.violation);
  if (caller) {
    Error.captureStackTrace(scoped, caller);
  }
  return scoped;
}
