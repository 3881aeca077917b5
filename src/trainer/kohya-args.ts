/**
 * Validation of a payload's extra trainer flags (`kohyaArgs`). They are passed as
 * separate argv entries without a shell, so the danger is not injection but a
 * flag that moves where the trainer reads or writes, or loads other arguments.
 */
import { ValidationError } from '../errors/job-errors.js';

/**
 * Flags a payload may not set. Reads/writes outside the job's directories, or
 * argument files that could set them indirectly. The ones the worker sets itself
 * (`save_model_as`, the base model) are included so there is one source of truth.
 */
export const PROTECTED_FLAGS: readonly string[] = [
  'train_data_dir', 'reg_data_dir', 'output_dir', 'logging_dir', 'dataset_config',
  'config_file', 'output_config', 'in_json', 'resume', 'network_weights',
  'sample_prompts', 'tokenizer_cache_dir', 'save_model_as', 'pretrained_model_name_or_path',
  'vae', 'log_prefix', 'base_weights',
];

const FLAG = /^--([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$/s;

/**
 * Checks every entry is `--flag` or `--flag=value`, contains no NUL or newline,
 * and does not set a protected flag. argparse accepts unambiguous abbreviations
 * (`--output_d=/x` means `--output_dir`), so any prefix of a protected flag is
 * refused too. `--output_name` is allowed as a plain file name only.
 *
 * @throws ValidationError naming the offending entry, e.g. `kohyaArgs[2]`.
 */
export function validateKohyaArgs(args: unknown, field = 'kohyaArgs'): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw new ValidationError(field, 'must be an array of "--flag=value" strings');
  return args.map((arg: unknown, index) => {
    const at = `${field}[${index}]`;
    if (typeof arg !== 'string') throw new ValidationError(at, 'must be a string');
    if (/[\0\r\n]/.test(arg)) throw new ValidationError(at, 'contains a NUL or newline');
    const match = FLAG.exec(arg);
    if (!match) throw new ValidationError(at, 'must look like --flag or --flag=value');
    const name = match[1] ?? '';
    const value = match[2];
    if (name === 'output_name') {
      if (value === undefined || !isPlainFileName(value)) {
        throw new ValidationError(at, 'must set --output_name to a plain file name');
      }
      return arg;
    }
    const hit = PROTECTED_FLAGS.find((flag) => flag.startsWith(name));
    if (hit !== undefined) throw new ValidationError(at, `may not set --${hit} (controlled by the worker)`);
    return arg;
  });
}

/** A single path segment usable as a file name: no separators, no `..`, no leading dot or dash. */
export function isPlainFileName(value: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(value) && !value.includes('..');
}
