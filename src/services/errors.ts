/** An error the user can act on; interfaces print its message without a stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export class NotFoundError extends UserError {}
