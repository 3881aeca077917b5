/**
 * Finds the LoRA files a run produced. kohya writes `<output_name>.safetensors`
 * and per-epoch `<output_name>-00000N.safetensors` directly into `--output_dir`;
 * `--save_state` folders below it hold optimizer state, not LoRAs, so the search
 * is not recursive. Symlinks are skipped: only files the trainer wrote count.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface TrainerArtifact {
  filename: string;
  path: string;
  sizeBytes: number;
}

/** Regular `.safetensors` files directly in `dir`, sorted by name. */
export async function findArtifacts(dir: string): Promise<TrainerArtifact[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.safetensors'))
    .map((entry) => entry.name)
    .sort();
  const artifacts: TrainerArtifact[] = [];
  for (const filename of files) {
    const path = join(dir, filename);
    const stats = await lstat(path);
    if (stats.isFile()) artifacts.push({ filename, path, sizeBytes: stats.size });
  }
  return artifacts;
}
