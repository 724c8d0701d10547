// The media-worker transcodes with the system's ffmpeg; npm builds of it are years old.
import { hasCommand, isRoot, run } from './process.mjs';

/** Installs Debian's ffmpeg when it is missing and we may; otherwise says what to do. */
export async function ensureFfmpeg(log) {
  if (hasCommand('ffmpeg') && hasCommand('ffprobe')) return;
  if (!isRoot() || !hasCommand('apt-get')) {
    log('ffmpeg is missing: install it with your package manager (apt-get install ffmpeg, brew install ffmpeg); video processing fails without it');
    return;
  }
  log('ffmpeg is missing: installing it with apt-get (about 20 s)');
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'ffmpeg'], quiet);
  } catch {
    await run('apt-get', ['update'], quiet);
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'ffmpeg'], quiet);
  }
}
