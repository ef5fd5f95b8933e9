/**
 * Errors that reach the user. Each names what is wrong (file, line, source or
 * key path) and how to fix it; the CLI prints `message` and `hint` and maps
 * the class to an exit code (GUIDE.md "Exit codes").
 */

/** Base class: a failure the user can act on. Exit code 1. */
export class DigestError extends Error {
  readonly exitCode: number = 1;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad configuration or usage. Exit code 2. */
export class ConfigError extends DigestError {
  override readonly exitCode = 2;
}

/** Bad command-line usage. Exit code 2. */
export class UsageError extends DigestError {
  override readonly exitCode = 2;
}

/** An editor item could not be imported; names the file and line. */
export class ImportError extends DigestError {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
    hint?: string,
  ) {
    super(`${file}:${line}: ${message}`, hint);
  }
}

/** The message of any thrown value, for logs and summaries. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
