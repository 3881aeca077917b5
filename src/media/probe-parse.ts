/** Pure parsing of ffprobe's JSON into the few facts the worker relies on. */
import { isPlainObject } from '../errors/job-errors.js';

export interface ProbedStream {
  index: number;
  codecType: string;
  codecName: string;
  width: number | undefined;
  height: number | undefined;
  sampleRate: number | undefined;
  channels: number | undefined;
  pixFmt: string | undefined;
}

export interface ProbeResult {
  durationSec: number | undefined;
  sizeBytes: number | undefined;
  streams: ProbedStream[];
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parses `ffprobe -print_format json -show_format -show_streams` output. */
export function parseProbeJson(raw: string): ProbeResult {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new Error('ffprobe printed something that is not JSON');
  }
  if (!isPlainObject(data)) throw new Error('ffprobe printed JSON that is not an object');
  const format = isPlainObject(data.format) ? data.format : {};
  const streams = Array.isArray(data.streams) ? data.streams.filter(isPlainObject) : [];
  return {
    durationSec: num(format.duration),
    sizeBytes: num(format.size),
    streams: streams.map((s, position) => ({
      index: num(s.index) ?? position,
      codecType: text(s.codec_type) ?? 'unknown',
      codecName: text(s.codec_name) ?? 'unknown',
      width: num(s.width),
      height: num(s.height),
      sampleRate: num(s.sample_rate),
      channels: num(s.channels),
      pixFmt: text(s.pix_fmt),
    })),
  };
}

export function streamsOfType(probe: ProbeResult, type: 'video' | 'audio'): ProbedStream[] {
  return probe.streams.filter((s) => s.codecType === type);
}

/**
 * What is wrong with a finished output, or undefined when it has exactly one
 * H.264 video stream with a frame and one AAC audio stream and a positive duration.
 */
export function outputProblem(probe: ProbeResult, expected: { width: number; height: number }): string | undefined {
  const video = streamsOfType(probe, 'video');
  const audio = streamsOfType(probe, 'audio');
  if (video.length !== 1) return `expected one video stream, found ${video.length}`;
  if (audio.length !== 1) return `expected one audio stream, found ${audio.length}`;
  const [v] = video as [ProbedStream];
  const [a] = audio as [ProbedStream];
  if (v.codecName !== 'h264') return `video codec is ${v.codecName}, expected h264`;
  if (a.codecName !== 'aac') return `audio codec is ${a.codecName}, expected aac`;
  if (v.width !== expected.width || v.height !== expected.height) {
    return `frame is ${String(v.width)}x${String(v.height)}, expected ${expected.width}x${expected.height}`;
  }
  if (!(probe.durationSec !== undefined && probe.durationSec > 0)) return 'duration is not positive';
  return undefined;
}
