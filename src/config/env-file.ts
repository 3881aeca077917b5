/**
 * The optional env file named by WORKER_ENV_FILE: dotenv syntax (KEY=VALUE,
 * `#` comments, quotes, `export` prefixes), parsed by Node's own `util.parseEnv`.
 * Its values override the process environment, at start-up and on every SIGHUP,
 * so an operator edits one file and both a reload and the next restart agree.
 */
import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { ConfigError, type RawEnv } from './env.js';

export const ENV_FILE_VARIABLE = 'WORKER_ENV_FILE';

/** The environment after the env file, and the file's own values (empty without a file). */
export interface EnvWithFile {
  env: RawEnv;
  fileValues: Readonly<Record<string, string>>;
  /** The path that was read, undefined when WORKER_ENV_FILE is unset. */
  path: string | undefined;
}

/**
 * Reads the file and returns its variables. A missing or unreadable file is a
 * {@link ConfigError} naming WORKER_ENV_FILE. Lines that are not assignments
 * are ignored, as dotenv does.
 */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new ConfigError([{ variable: ENV_FILE_VARIABLE, problem: `cannot read "${path}" (${code})` }]);
  }
  const values = parseEnv(text) as Record<string, string>;
  // The path comes from the real environment; a file cannot redirect itself.
  delete values[ENV_FILE_VARIABLE];
  return values;
}

/** `env` with the values of its WORKER_ENV_FILE on top (unchanged when the variable is unset or empty). */
export async function withEnvFile(env: RawEnv): Promise<EnvWithFile> {
  const path = env[ENV_FILE_VARIABLE];
  if (path === undefined || path === '') return { env, fileValues: {}, path: undefined };
  const fileValues = await readEnvFile(path);
  return { env: { ...env, ...fileValues }, fileValues, path };
}

/** Names of the variables whose value differs between two environments (never the values). */
export function changedVariables(before: RawEnv, after: RawEnv): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => (before[name] ?? '') !== (after[name] ?? '')).sort();
}
