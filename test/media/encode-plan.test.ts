import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildEncodePlan, planToArgs } from '../../src/media/encode-plan.js';
import { classifyFfmpegError, isCrash, stderrTail } from '../../src/media/ffmpeg-failure.js';
import { parseTimemark } from '../../src/media/run-ffmpeg.js';
import { loadFfmpegConfig } from '../../src/config/ffmpeg.js';

const config = loadFfmpegConfig({ FFMPEG_THREADS: '4' });

function valueAfter(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
}

void describe('ffmpeg encode plan', () => {
  void test('a source with audio is fitted, padded, loudness-normalised, resampled and stripped of metadata', () => {
    const args = planToArgs(buildEncodePlan('/in.mp4', config, { hasAudio: true, conservative: false }), '/out.mp4');
    assert.equal(
      valueAfter(args, '-vf'),
      'scale=1080:1920:force_original_aspect_ratio=decrease,pad=1080:1920:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1',
    );
    assert.equal(valueAfter(args, '-af'), 'loudnorm=I=-16:TP=-1.5:LRA=11,aformat=sample_rates=48000:channel_layouts=stereo');
    assert.equal(valueAfter(args, '-c:v'), 'libx264');
    assert.equal(valueAfter(args, '-preset'), 'medium');
    assert.equal(valueAfter(args, '-pix_fmt'), 'yuv420p');
    assert.equal(valueAfter(args, '-c:a'), 'aac');
    assert.equal(valueAfter(args, '-map_metadata'), '-1');
    assert.equal(valueAfter(args, '-movflags'), '+faststart');
    assert.equal(valueAfter(args, '-threads'), '4');
    assert.equal(args.filter((a) => a === '-i').length, 1);
    assert.equal(args.at(-1), '/out.mp4');
  });

  void test('a source without audio gets a generated silent stereo 48 kHz track cut to the video length', () => {
    const args = planToArgs(buildEncodePlan('/in.mp4', config, { hasAudio: false, conservative: false }), '/out.mp4');
    assert.equal(args.filter((a) => a === '-i').length, 2);
    assert.match(args.join(' '), /-f lavfi -i anullsrc=channel_layout=stereo:sample_rate=48000/);
    assert.ok(args.includes('-shortest'));
    assert.equal(args.indexOf('-af'), -1);
    assert.deepEqual(
      args.flatMap((a, i) => (a === '-map' ? [args[i + 1]] : [])),
      ['0:v:0', '1:a:0'],
    );
  });

  void test('the conservative retry runs single-threaded with a lighter preset', () => {
    const args = planToArgs(buildEncodePlan('/in.mp4', config, { hasAudio: true, conservative: true }), '/o.mp4');
    assert.equal(valueAfter(args, '-threads'), '1');
    assert.equal(valueAfter(args, '-filter_threads'), '1');
    assert.equal(valueAfter(args, '-preset'), 'veryfast');
    const already = loadFfmpegConfig({ FFMPEG_VIDEO_PRESET: 'ultrafast' });
    assert.equal(buildEncodePlan('/in.mp4', already, { hasAudio: true, conservative: true }).preset, 'ultrafast');
  });
});

void describe('ffmpeg failure classification', () => {
  void test("fluent-ffmpeg's signal message is a crash worth the conservative retry", () => {
    const end = classifyFfmpegError('ffmpeg was killed with signal SIGSEGV');
    assert.deepEqual(end, { kind: 'signal', signal: 'SIGSEGV' });
    assert.ok(isCrash(end));
    assert.ok(isCrash(classifyFfmpegError('ffmpeg was killed with signal SIGABRT')));
  });

  void test('an exit code of 128+N from a wrapper shell counts as death by signal N', () => {
    assert.deepEqual(classifyFfmpegError('ffmpeg exited with code 139: '), { kind: 'signal', signal: 'SIGSEGV' });
    assert.deepEqual(classifyFfmpegError('ffmpeg exited with code 1: Invalid data'), { kind: 'exit', code: 1 });
    assert.ok(!isCrash(classifyFfmpegError('ffmpeg exited with code 1: Invalid data')));
    assert.ok(!isCrash(classifyFfmpegError('ffmpeg was killed with signal SIGTERM')));
    assert.deepEqual(classifyFfmpegError('Cannot find ffmpeg'), { kind: 'other' });
  });

  void test('the stderr tail keeps the last meaningful lines and drops progress redraws', () => {
    const tail = stderrTail('a\nframe=  1 fps=0\r\nsize=1kB\nError opening\nConversion failed!\n', 3);
    assert.equal(tail, 'a | Error opening | Conversion failed!');
    assert.ok(stderrTail('x'.repeat(5000), 8, 100).length <= 101);
  });

  void test('container tags echoed by ffmpeg (ComfyUI prompt and workflow) never reach the tail', () => {
    const stderr = [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/tmp/in.mp4':",
      '  Metadata:',
      '    prompt          : {"3":{"class_type":"KSampler","inputs":{"text":"secret prompt"}}}',
      '    workflow        : {"nodes":[]}',
      "[AVFilterGraph @ 0x55] No such filter: 'nosuchfilter'",
    ].join('\n');
    const tail = stderrTail(stderr);
    assert.ok(!tail.includes('secret prompt') && !tail.includes('workflow'), tail);
    assert.match(tail, /No such filter/);
  });

  void test('progress timemarks are read as seconds', () => {
    assert.equal(parseTimemark('00:01:02.50'), 62.5);
    assert.equal(parseTimemark('N/A'), undefined);
  });
});
