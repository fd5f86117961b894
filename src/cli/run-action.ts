import { DatabaseConfigError } from '../db/connection.js';
import { UserError } from '../services/errors.js';

/** Run a command; errors a user can act on are printed as one line, anything else with its stack. */
export async function runAction(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`winnow: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else if (err instanceof DatabaseConfigError) {
      process.stderr.write(`winnow: ${err.message}\n`);
      process.exitCode = 3;
    } else {
      process.stderr.write(`winnow: internal error: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 70;
    }
  }
}
