import { ClientVpnValidationError } from './private/client-vpn-validation-error';

/** Tells the errors of this library apart. */
export class ClientVpnErrors {
  /**
   * Whether `x` is the error a construct of this library throws for props that break a rule. Its
   * message starts with the construct path, then names the prop in backticks, what is allowed and
   * the value received; in TypeScript it also has `constructPath` and `violation` (the message
   * without the path). True for errors of any copy of this library.
   */
  public static isValidationError(x: any): x is ClientVpnValidationError {
    return ClientVpnValidationError.isClientVpnValidationError(x);
  }

  private constructor() {}
}
