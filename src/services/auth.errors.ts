import { UserError } from './errors.js';

/** Errors the HTTP layer maps to status codes (401, 403, 409, 429); messages are safe to show the user. */
export class UnauthenticatedError extends UserError {}
export class ForbiddenError extends UserError {}
export class ConflictError extends UserError {}
export class TooManyRequestsError extends UserError {
  constructor(message: string, readonly retryAfterSec: number) {
    super(message);
  }
}
