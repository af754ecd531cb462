/**
 * An error meant for the person at the terminal: one paragraph that names what is wrong, where
 * (file and key path) and how to fix it. The CLI prints `message` alone, never a stack trace.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
