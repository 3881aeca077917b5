import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createVideoPostProcessor } from '../../src/media/post-processor.js';
import { loadFfmpegConfig } from '../../src/config/ffmpeg.js';
import type { RawEnv } from '../../src/config/env.js';
import type { Logger } from '../../src/logger.js';
import { makeTestVideo, ffprobeJson } from '../helpers/media-fixtures.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

// ultrafast keeps each 1080x1920 encode well under a second.
const fastConfig = (env: RawEnv = {}) => loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: 'ultrafast', ...env });

const COMFY_METADATA = {
  prompt: '{"3":{"class_type":"KSampler","inputs":{"seed":42}}}',
  workflow: '{"nodes":[{"id":3,"type":"KSampler"}]}',
  comment: 'made by ComfyUI',
};

interface LogLine { level: string; message: string; meta: Record<string, unknown> | undefined }
function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    lines.push({ level, message, meta });
  };
  const logger: Logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => logger };
  return logger;
}

async function pgrep(pattern: string): Promise<string> {
  return promisify(execFile)('pgrep', ['-f', pattern]).then(
    ({ stdout }) => stdout.trim(),
    () => '', // pgrep exits 1 when nothing matches
  );
}

void describe('video post-processor on real ffmpeg', () => {
  let dir: string;
  let withAudio: string;
  let silent: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postproc-'));
    withAudio = join(dir, 'with-audio.mp4');
    silent = join(dir, 'silent.mp4');
    await Promise.all([
      makeTestVideo(withAudio, { width: 320, height: 240, seconds: 1.5, audio: true, metadata: COMFY_METADATA }),
      makeTestVideo(silent, { width: 320, height: 240, seconds: 1, audio: false }),
    ]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('a 320x240 clip with audio becomes 1080x1920 H.264 yuv420p + AAC 48 kHz stereo without ComfyUI metadata', async () => {
    const source = await ffprobeJson(withAudio);
    assert.equal(source.format.tags?.prompt, COMFY_METADATA.prompt, 'fixture must carry the metadata');
    assert.equal(source.format.tags?.comment, COMFY_METADATA.comment);

    const output = join(dir, 'out-audio.mp4');
    const progress: Array<number | undefined> = [];
    const info = await createVideoPostProcessor(fastConfig())({
      inputPath: withAudio,
      outputPath: output,
      onProgress: (p) => progress.push(p.percent),
    });
    assert.deepEqual([info.width, info.height, info.videoCodec, info.audioCodec, info.audioSampleRate], [1080, 1920, 'h264', 'aac', 48000]);
    assert.ok(info.durationSec > 1 && info.durationSec < 2.5, `duration ${info.durationSec}`);
    assert.ok(info.sizeBytes > 0);

    const probed = await ffprobeJson(output);
    const video = probed.streams.filter((s) => s.codec_type === 'video');
    const audio = probed.streams.filter((s) => s.codec_type === 'audio');
    assert.equal(video.length, 1);
    assert.equal(audio.length, 1);
    assert.equal(video[0]?.pix_fmt, 'yuv420p');
    assert.equal(audio[0]?.sample_rate, '48000');
    assert.equal(audio[0]?.channels, 2);
    const tags = JSON.stringify([probed.format.tags ?? {}, ...probed.streams.map((s) => s.tags ?? {})]);
    for (const key of ['prompt', 'workflow', 'comment', 'KSampler', 'ComfyUI']) {
      assert.ok(!tags.includes(key), `output metadata still mentions ${key}: ${tags}`);
    }
    assert.ok(progress.length > 0, 'ffmpeg progress reached onProgress');
    assert.ok(progress.every((p) => p === undefined || (p >= 0 && p <= 100)));
  });

  void test('a clip without audio gets a silent AAC track of the video length', async () => {
    assert.equal((await ffprobeJson(silent)).streams.filter((s) => s.codec_type === 'audio').length, 0);
    const output = join(dir, 'out-silent.mp4');
    const info = await createVideoPostProcessor(fastConfig())({ inputPath: silent, outputPath: output });
    assert.equal(info.audioCodec, 'aac');
    assert.equal(info.audioSampleRate, 48000);
    assert.ok(info.durationSec > 0.5 && info.durationSec < 1.6, `duration ${info.durationSec}`);
  });

  void test('FFMPEG_ASPECT_RATIO=1:1 produces a 1920x1920 frame', async () => {
    const info = await createVideoPostProcessor(fastConfig({ FFMPEG_ASPECT_RATIO: '1:1' }))({
      inputPath: silent,
      outputPath: join(dir, 'out-square.mp4'),
    });
    assert.deepEqual([info.width, info.height], [1920, 1920]);
  });

  void test('an ffmpeg that segfaults once succeeds on the conservative retry and both runs are logged', async () => {
    const wrapperDir = await mkdtemp(join(dir, 'segv-once-'));
    const wrapper = join(wrapperDir, 'ffmpeg');
    await symlink(fixture('ffmpeg-segv-once.sh'), wrapper);
    const lines: LogLine[] = [];
    const info = await createVideoPostProcessor(fastConfig({ FFMPEG_PATH: wrapper }))({
      inputPath: withAudio,
      outputPath: join(dir, 'out-retry.mp4'),
      logger: recordingLogger(lines),
    });
    await access(`${wrapper}.segv-done`); // the wrapper really did crash once
    assert.deepEqual([info.width, info.height, info.audioCodec], [1080, 1920, 'aac']);
    const starts = lines.filter((l) => l.message === 'ffmpeg started');
    assert.deepEqual(starts.map((l) => [l.meta?.run, l.meta?.conservative]), [[1, false], [2, true]]);
    const failed = lines.find((l) => l.message === 'ffmpeg failed');
    assert.deepEqual(failed?.meta?.end, { kind: 'signal', signal: 'SIGSEGV' });
    assert.ok(lines.some((l) => l.message === 'ffmpeg finished' && l.meta?.run === 2));
  });

  void test('an ffmpeg that always segfaults fails retryably with FFMPEG_CRASHED after exactly two runs', async () => {
    const lines: LogLine[] = [];
    const output = join(dir, 'out-crash.mp4');
    await assert.rejects(
      createVideoPostProcessor(fastConfig({ FFMPEG_PATH: fixture('ffmpeg-segv-always.sh') }))({
        inputPath: withAudio,
        outputPath: output,
        logger: recordingLogger(lines),
      }),
      (error: Error & { code?: string }) => {
        assert.equal(error.name, 'RetryableJobError');
        assert.equal(error.code, 'FFMPEG_CRASHED');
        assert.match(error.message, /ffmpeg killed by SIGSEGV/);
        return true;
      },
    );
    assert.equal(lines.filter((l) => l.message === 'ffmpeg started').length, 2);
    await assert.rejects(access(output), 'no partial output is left behind');
  });

  void test('aborting kills the running ffmpeg and removes the partial output', async () => {
    const long = join(dir, 'long.mp4');
    await makeTestVideo(long, { width: 640, height: 480, seconds: 30, audio: true });
    const output = join(await mkdtemp(join(dir, 'abort-')), 'unique-abort-target.mp4');
    const controller = new AbortController();
    const started = Date.now();
    const run = createVideoPostProcessor(loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: 'veryslow' }))({
      inputPath: long,
      outputPath: output,
      signal: controller.signal,
      onProgress: () => controller.abort('job cancelled'),
    });
    await assert.rejects(run, (error: Error) => error.name === 'AbortedError' && /job cancelled/.test(error.message));
    assert.ok(Date.now() - started < 15_000, 'abort did not wait for the encode');
    assert.equal(await pgrep(output), '', 'an ffmpeg writing the output is still running');
    await assert.rejects(access(output));
  });

  void test('the timeout kills ffmpeg and fails retryably with FFMPEG_TIMEOUT', async () => {
    const output = join(dir, 'unique-timeout-target.mp4');
    await assert.rejects(
      createVideoPostProcessor(loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: 'placebo', FFMPEG_TIMEOUT_MS: '300' }))({
        inputPath: withAudio,
        outputPath: output,
      }),
      (error: Error & { code?: string }) => error.name === 'RetryableJobError' && error.code === 'FFMPEG_TIMEOUT',
    );
    assert.equal(await pgrep(output), '');
  });

  void test('a text file as input is an unrecoverable INVALID_VIDEO, and so is an empty file', async () => {
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'this is not a video\n'.repeat(50));
    const empty = join(dir, 'empty.mp4');
    await writeFile(empty, '');
    for (const inputPath of [text, empty]) {
      await assert.rejects(
        createVideoPostProcessor(fastConfig())({ inputPath, outputPath: join(dir, 'never.mp4') }),
        (error: Error & { code?: string }) => error.name === 'UnrecoverableError' && error.code === 'INVALID_VIDEO',
      );
    }
  });

  void test('an ffmpeg that rejects its arguments fails retryably with FFMPEG_FAILED and the stderr tail', async () => {
    await assert.rejects(
      createVideoPostProcessor(fastConfig({ FFMPEG_AUDIO_FILTER: 'nosuchfilter=1' }))({
        inputPath: withAudio,
        outputPath: join(dir, 'bad-filter.mp4'),
      }),
      (error: Error & { code?: string }) =>
        error.name === 'RetryableJobError' && error.code === 'FFMPEG_FAILED' && /nosuchfilter|No such filter/i.test(error.message),
    );
  });
});
