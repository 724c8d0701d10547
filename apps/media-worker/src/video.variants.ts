import { join } from 'node:path';
import type { RenderedMedia } from './image.variants';
import { InvalidMediaError } from './media.errors';
import { ProcessFailedError, ProcessTimeoutError, runProcess } from './process.runner';

export interface VideoTools {
  ffmpegPath: string;
  ffprobePath: string;
  /** For the transcode; probing and the poster get a share of it. */
  timeoutMs: number;
  maxPixels: number;
  onSpawn?: (pid: number) => void;
}

interface Probe {
  durationSeconds: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

interface FfprobeOutput {
  streams?: { codec_type?: string; width?: number; height?: number; side_data_list?: { rotation?: number }[]; tags?: { rotate?: string } }[];
  format?: { duration?: string };
}

/** Scales so the shorter side is at most 720 (landscape or portrait), to even dimensions, never up. */
const SCALE_720 = "scale='if(gte(iw,ih),-2,trunc(min(720,iw)/2)*2)':'if(gte(iw,ih),trunc(min(720,ih)/2)*2,-2)'";

function reason(error: unknown, what: string): never {
  if (error instanceof ProcessTimeoutError) throw new InvalidMediaError(`processing took longer than ${error.timeoutMs / 1000} s and was stopped`);
  if (error instanceof ProcessFailedError) {
    const detail = error.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    throw new InvalidMediaError(`${what}${detail ? ` (${detail})` : ''}`);
  }
  throw error;
}

async function probe(tools: VideoTools, input: string, timeoutMs: number): Promise<Probe> {
  let out: string;
  try {
    ({ stdout: out } = await runProcess(tools.ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input], { timeoutMs, onSpawn: tools.onSpawn }));
  } catch (error) {
    reason(error, 'not a readable video');
  }
  const info = JSON.parse(out) as FfprobeOutput;
  const video = info.streams?.find((s) => s.codec_type === 'video');
  const duration = Number(info.format?.duration);
  if (!video?.width || !video.height) throw new InvalidMediaError('the file has no video stream');
  if (!Number.isFinite(duration) || duration <= 0) throw new InvalidMediaError('the video has no duration');
  if (video.width * video.height > tools.maxPixels) throw new InvalidMediaError(`the video is ${video.width}x${video.height} pixels, over the limit`);
  const rotation = Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0)) % 180;
  const [width, height] = rotation === 90 ? [video.height, video.width] : [video.width, video.height];
  return { durationSeconds: Math.round(duration * 1000) / 1000, width, height, hasAudio: Boolean(info.streams?.some((s) => s.codec_type === 'audio')) };
}

/**
 * A `720p` H.264 + AAC MP4 with its index up front (+faststart, so playback
 * starts before the download ends) and a `poster` frame, with ffmpeg.
 */
export async function renderVideoVariants(tools: VideoTools, input: string, outDir: string): Promise<RenderedMedia> {
  const shortTimeout = Math.max(1_000, Math.min(60_000, tools.timeoutMs / 4));
  const source = await probe(tools, input, shortTimeout);
  const video = join(outDir, '720p.mp4');
  const poster = join(outDir, 'poster.jpg');
  const base = ['-nostdin', '-v', 'error', '-y'];
  try {
    await runProcess(
      tools.ffmpegPath,
      [
        ...base,
        '-i', input,
        '-map', '0:v:0',
        ...(source.hasAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
        '-vf', SCALE_720,
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-profile:v', 'high',
        '-map_metadata', '-1',
        '-movflags', '+faststart',
        video,
      ],
      { timeoutMs: tools.timeoutMs, onSpawn: tools.onSpawn },
    );
  } catch (error) {
    reason(error, 'the video could not be transcoded');
  }
  const at = Math.min(1, source.durationSeconds / 3).toFixed(3);
  try {
    await runProcess(tools.ffmpegPath, [...base, '-ss', at, '-i', video, '-frames:v', '1', '-q:v', '3', poster], { timeoutMs: shortTimeout, onSpawn: tools.onSpawn });
  } catch (error) {
    reason(error, 'no poster frame could be taken');
  }
  const out = await probe(tools, video, shortTimeout);
  return {
    variants: [
      { name: 'poster', path: poster, contentType: 'image/jpeg', width: out.width, height: out.height },
      { name: '720p', path: video, contentType: 'video/mp4', width: out.width, height: out.height },
    ],
    metadata: { durationSeconds: source.durationSeconds, width: source.width, height: source.height, hasAudio: source.hasAudio },
  };
}
