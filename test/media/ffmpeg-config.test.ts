import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadFfmpegConfig, frameForAspectRatio } from '../../src/config/ffmpeg.js';
import { ConfigError } from '../../src/config/env.js';

void describe('ffmpeg configuration', () => {
  void test('defaults give a 1080x1920 medium-preset encode with loudnorm, nice 10 and a 30 minute limit', () => {
    const config = loadFfmpegConfig({});
    assert.equal(config.ffmpegPath, 'ffmpeg');
    assert.equal(config.ffprobePath, 'ffprobe');
    assert.equal(config.aspectRatio, '9:16');
    assert.deepEqual([config.width, config.height], [1080, 1920]);
    assert.equal(config.audioFilter, 'loudnorm=I=-16:TP=-1.5:LRA=11');
    assert.equal(config.videoPreset, 'medium');
    assert.equal(config.timeoutMs, 1_800_000);
    assert.equal(config.nice, 10);
    assert.equal(config.threads, undefined);
  });

  void test('any positive ratio becomes an even frame whose long side is 1920', () => {
    assert.deepEqual(frameForAspectRatio('1:1'), { width: 1920, height: 1920 });
    assert.deepEqual(frameForAspectRatio('16:9'), { width: 1920, height: 1080 });
    assert.deepEqual(frameForAspectRatio('4:5'), { width: 1536, height: 1920 });
    assert.deepEqual(frameForAspectRatio('2.39:1'), { width: 1920, height: 804 });
    const odd = frameForAspectRatio('7:3');
    assert.equal(odd.width, 1920);
    assert.equal(odd.height % 2, 0);
  });

  for (const bad of ['16x9', '0:9', '9:0', '-9:16', 'wide', '9:16:1']) {
    void test(`an aspect ratio of "${bad}" is a start-up error naming FFMPEG_ASPECT_RATIO`, () => {
      assert.throws(
        () => loadFfmpegConfig({ FFMPEG_ASPECT_RATIO: bad }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.variables.includes('FFMPEG_ASPECT_RATIO') &&
          error.message.includes(bad),
      );
    });
  }

  void test('an unknown x264 preset is a start-up error naming FFMPEG_VIDEO_PRESET', () => {
    assert.throws(
      () => loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: 'turbo' }),
      (error: unknown) => error instanceof ConfigError && error.variables.includes('FFMPEG_VIDEO_PRESET'),
    );
  });

  void test('niceness outside 0-19 and non-numeric thread counts are rejected by name', () => {
    assert.throws(() => loadFfmpegConfig({ FFMPEG_NICE: '-5' }), /FFMPEG_NICE/);
    assert.throws(() => loadFfmpegConfig({ FFMPEG_NICE: '20' }), /FFMPEG_NICE/);
    assert.throws(() => loadFfmpegConfig({ FFMPEG_THREADS: 'many' }), /FFMPEG_THREADS/);
  });

  void test('explicit values are used as given', () => {
    const config = loadFfmpegConfig({
      FFMPEG_PATH: '/opt/ffmpeg',
      FFPROBE_PATH: '/opt/ffprobe',
      FFMPEG_ASPECT_RATIO: '1:1',
      FFMPEG_VIDEO_PRESET: 'veryfast',
      FFMPEG_THREADS: '2',
      FFMPEG_NICE: '0',
      FFMPEG_TIMEOUT_MS: '5000',
    });
    assert.equal(config.ffmpegPath, '/opt/ffmpeg');
    assert.equal(config.ffprobePath, '/opt/ffprobe');
    assert.deepEqual([config.width, config.height], [1920, 1920]);
    assert.equal(config.videoPreset, 'veryfast');
    assert.equal(config.threads, 2);
    assert.equal(config.nice, 0);
    assert.equal(config.timeoutMs, 5000);
  });
});
