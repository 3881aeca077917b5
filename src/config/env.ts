/**
 * Shared helpers for the configuration sections. Every section validates with
 * envalid, but reports through {@link ConfigError} instead of envalid's default
 * reporter (which prints a banner and calls process.exit): the caller decides how
 * to stop, and tests can assert on the message.
 */
import { cleanEnv, makeValidator, EnvError, EnvMissingError } from 'envalid';
import type { ValidatorSpec } from 'envalid';

/** Raw environment as handed to loadConfig: process.env in production, a literal in tests. */
export type RawEnv = Readonly<Record<string, string | undefined>>;

/** Start-up configuration error; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variables: readonly string[];

  constructor(problems: ReadonlyArray<{ variable: string; problem: string }>) {
    super(
      `invalid configuration: ${problems.map((p) => `${p.variable}: ${p.problem}`).join('; ')}`,
    );
    this.variables = problems.map((p) => p.variable);
  }
}

/**
 * envalid's cleanEnv with a throwing reporter. Empty strings count as unset, so
 * `FOO=` in an env file means "use the default" rather than "invalid".
 */
export function cleanSection<S extends Record<string, ValidatorSpec<unknown>>>(
  env: RawEnv,
  spec: S,
): ReturnType<typeof cleanEnv<S>> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  return cleanEnv(present, spec, {
    reporter: ({ errors }) => {
      const problems = Object.entries(errors).map(([variable, error]) => ({
        variable,
        problem:
          error instanceof EnvMissingError
            ? 'is required but not set'
            : `${(error)?.message ?? 'is invalid'}`,
      }));
      if (problems.length > 0) throw new ConfigError(problems);
    },
  });
}

/**
 * Copies the first set alias onto each canonical name that is unset, so older
 * variable names keep working while errors and docs use the canonical one.
 */
export function withAliases(env: RawEnv, aliases: Record<string, readonly string[]>): RawEnv {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [canonical, names] of Object.entries(aliases)) {
    if (merged[canonical] !== undefined && merged[canonical] !== '') continue;
    const alias = names.find((name) => env[name] !== undefined && env[name] !== '');
    if (alias !== undefined) merged[canonical] = env[alias];
  }
  return merged;
}

function integerValidator(min: number, what: string) {
  return makeValidator<number>((input: string) => {
    const trimmed = input.trim();
    if (!/^-?\d+$/.test(trimmed)) throw new EnvError(`must be ${what}, got "${input}"`);
    const value = Number(trimmed);
    if (!Number.isSafeInteger(value) || value < min) {
      throw new EnvError(`must be ${what}, got "${input}"`);
    }
    return value;
  });
}

/** An integer >= 1 (concurrency, attempts, timeouts). */
export const positiveInt = integerValidator(1, 'an integer >= 1');
/** An integer >= 0 (delays that may be zero). */
export const nonNegativeInt = integerValidator(0, 'an integer >= 0');

/** A TCP port, 1..65535. */
export const port = makeValidator<number>((input: string) => {
  const value = Number(input);
  if (!/^\d+$/.test(input.trim()) || value < 1 || value > 65535) {
    throw new EnvError(`must be a port number 1-65535, got "${input}"`);
  }
  return value;
});

/** Parses an absolute http(s) URL or throws the validator error every URL variable uses. */
export function parseHttpUrl(input: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(input);
  } catch {
    throw new EnvError(`must be an http(s) URL, got "${input}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EnvError(`must be an http(s) URL, got "${input}"`);
  }
  return parsed;
}

/** An absolute http(s) URL; a trailing slash is removed so paths can be appended. */
export const httpUrl = makeValidator<string>((input: string) => {
  parseHttpUrl(input);
  return input.replace(/\/+$/, '');
});

/** A boolean written as 1/0, true/false, yes/no. */
export const flag = makeValidator<boolean>((input: string) => {
  const normalized = input.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  throw new EnvError(`must be 1/0 or true/false, got "${input}"`);
});
