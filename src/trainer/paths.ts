/**
 * Keeps payload-supplied paths inside their configured roots. A dataset or output
 * path is refused when it uses `..`, is absolute somewhere else, or reaches
 * outside through a symlink (checked on the real path, not the spelling).
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UnrecoverableJobError } from '../errors/job-errors.js';

/**
 * Resolves `candidate` (relative to `root`, or absolute) to a real path strictly
 * inside the real path of `root`. The candidate need not exist yet; its longest
 * existing prefix is resolved with realpath.
 *
 * @param field the payload field, named in the error (`datasetPath`, `outputDir`, ...).
 * @throws UnrecoverableJobError `PATH_OUTSIDE_ROOT` when the path would leave the root.
 */
export function resolveInside(root: string, candidate: string, field: string): string {
  const refuse = (why: string): never => {
    throw new UnrecoverableJobError('PATH_OUTSIDE_ROOT', `${field} ${why}`, { field });
  };
  if (candidate.length === 0) refuse('is empty');
  if (/[\0\r\n]/.test(candidate)) refuse('contains a control character');
  if (candidate.split(/[\\/]+/).includes('..')) refuse('may not contain ".."');

  const realRoot = existsSync(root) ? realpathSync(root) : resolve(root);
  // An absolute candidate may spell the root through its configured (symlinked) path.
  const spelled = isAbsolute(candidate) ? candidate : join(realRoot, candidate);
  const real = realExisting(spelled, refuse);
  const rel = relative(realRoot, real);
  if (!isInside(realRoot, real)) {
    refuse(isAbsolute(candidate) ? 'is outside its allowed root' : 'resolves outside its allowed root');
  }
  if (rel === '') refuse('must name a directory inside its root, not the root itself');
  return real;
}

/** True when `path` is `root` or inside it (both already absolute and real). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realExisting(path: string, refuse: (why: string) => never): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    if (existsSync(current)) break;
    // existsSync follows links: a link whose target is missing would be followed
    // later by mkdir or the trainer, so it cannot be vouched for.
    if (isLink(current)) refuse('goes through a dangling symlink');
    const parent = resolve(current, '..');
    if (parent === current) break;
    missing.unshift(current.slice(parent.length).replace(/^[\\/]+/, ''));
    current = parent;
  }
  const base = existsSync(current) ? realpathSync(current) : current;
  return missing.length === 0 ? base : join(base, ...missing);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
