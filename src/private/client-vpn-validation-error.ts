const VALIDATION_ERROR = Symbol.for('cdk-client-vpn.ClientVpnValidationError');

/**
 * The error a construct of this library throws when its props break a rule: the message starts
 * with the construct's path, then names the prop in backticks, what is allowed and the value
 * received. The construct that threw is no longer in the tree, so the same id can be used again.
 *
 * Not exported: jsii cannot bind a subclass of Error. `ClientVpnErrors.isValidationError` tells it
 * apart and gives TypeScript its type, as aws-cdk-lib's `Errors` does for its own errors.
 */
export class ClientVpnValidationError extends Error {
  /** Whether `x` is one, also when it comes from another copy of this library. */
  public static isClientVpnValidationError(x: unknown): x is ClientVpnValidationError {
    return typeof x === 'object' && x !== null && VALIDATION_ERROR in x;
  }

  /** The path of the construct that rejected its props; empty when no construct was involved. */
  public readonly constructPath: string;

  /** The rule that was broken, without the construct path. */
  public readonly violation: string;

  constructor(constructPath: string, violation: string) {
    super(constructPath ? `${constructPath}: ${violation}` : violation);
    Object.setPrototypeOf(this, new.target.prototype);
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
    this.name = 'ClientVpnValidationError';
    this.constructPath = constructPath;
    this.violation = violation;
  }
}
