/**
 * Finds the video among a prompt's history outputs. Core savers put videos
 * under `images` next to `animated: [true]`, VideoHelperSuite uses `gifs`, newer
 * builds may use `videos`: so every list-valued key except `animated` is scanned
 * and entries are recognised by extension or `format` (comfyui-api.md §1.4).
 */
import { isPlainObject } from '../errors/job-errors.js';

/** A file ComfyUI can serve through `GET /view`. */
export interface OutputFile {
  filename: string;
  subfolder: string;
  type: string;
  format?: string;
  /** The node id and output key it came from, for logs. */
  nodeId: string;
  key: string;
}

const VIDEO_EXTENSIONS = ['.mp4', '.webm', '.mov', '.mkv', '.m4v'];

export function isVideoEntry(entry: { filename: string; format?: string }): boolean {
  const name = entry.filename.toLowerCase();
  return VIDEO_EXTENSIONS.some((ext) => name.endsWith(ext)) || (entry.format?.startsWith('video/') ?? false);
}

/** Every file entry in the outputs, in node order. */
export function listOutputFiles(outputs: Record<string, Record<string, unknown>>): OutputFile[] {
  const files: OutputFile[] = [];
  for (const [nodeId, ui] of Object.entries(outputs)) {
    for (const [key, list] of Object.entries(ui)) {
      if (key === 'animated' || !Array.isArray(list)) continue;
      for (const item of list as unknown[]) {
        if (!isPlainObject(item) || typeof item.filename !== 'string') continue;
        files.push({
          filename: item.filename,
          subfolder: typeof item.subfolder === 'string' ? item.subfolder : '',
          type: typeof item.type === 'string' ? item.type : 'output',
          ...(typeof item.format === 'string' ? { format: item.format } : {}),
          nodeId,
          key,
        });
      }
    }
  }
  return files;
}

/** The video to download, preferring `type: "output"` over temp previews; undefined if none. */
export function findVideoOutput(outputs: Record<string, Record<string, unknown>>): OutputFile | undefined {
  const videos = listOutputFiles(outputs).filter(isVideoEntry);
  return videos.find((file) => file.type === 'output') ?? videos[0];
}

/** "node 9 images: a.png (output); node 3 audio: b.flac (temp)" — for the no-video error. */
export function describeOutputs(outputs: Record<string, Record<string, unknown>>): string {
  const files = listOutputFiles(outputs);
  if (files.length === 0) {
    const nodes = Object.keys(outputs);
    return nodes.length === 0 ? 'no outputs at all' : `no files (output nodes: ${nodes.join(', ')})`;
  }
  return files
    .slice(0, 20)
    .map((file) => `node ${file.nodeId} ${file.key}: ${file.filename} (${file.format ?? file.type})`)
    .join('; ');
}
