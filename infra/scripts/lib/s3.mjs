// S3-compatible storage for media: the configured S3_ENDPOINT, else a
// project-local s3rver with its data in .local/s3. The apps create the bucket
// (with its CORS rules) themselves at start, so any store works the same way.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { portOpen } from './net.mjs';

// s3rver accepts this key pair (it does not verify V4 signatures, but checks that presigned URLs have not expired).
const LOCAL_CREDENTIALS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };

async function s3rverAnswers(endpoint) {
  try {
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
    return (await res.text()).includes('ListAllMyBucketsResult');
  } catch {
    return false;
  }
}

const xml = (s) => String(s).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
}

/**
 * s3rver 3.7 lacks ListParts and AbortMultipartUpload, which resumable uploads
 * and the abandoned-upload sweep use. This middleware answers both from the
 * folder where s3rver keeps an upload's parts (`<bucket>/._S3rver_uploads/<uploadId>/<n>`).
 */
function multipartShim(directory) {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    const isList = ctx.method === 'GET' && uploadId && !ctx.query.partNumber;
    const isAbort = ctx.method === 'DELETE' && uploadId;
    if (!match || !(isList || isAbort) || /[/\\]|\.\./.test(uploadId)) return next();
    const [, bucket, rawKey] = match;
    const key = decodeURIComponent(rawKey);
    const dir = join(directory, bucket, '._S3rver_uploads', uploadId);
    const keyFile = join(dir, 'key');
    if (!existsSync(keyFile) || readFileSync(keyFile, 'utf8') !== key) {
      return s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    }
    if (isAbort) {
      rmSync(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const marker = Number(ctx.query['part-number-marker'] ?? 0);
    const maxParts = Math.min(Number(ctx.query['max-parts'] ?? 1000), 1000);
    const numbers = readdirSync(dir)
      .filter((f) => /^\d+$/.test(f) && existsSync(join(dir, `${f}.md5`)))
      .map(Number)
      .filter((n) => n > marker)
      .sort((a, b) => a - b);
    const page = numbers.slice(0, maxParts);
    const truncated = numbers.length > page.length;
    const parts = page
      .map((n) => {
        const file = join(dir, String(n));
        const { size, mtime } = statSync(file);
        const md5 = readFileSync(`${file}.md5`, 'utf8').trim();
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${size}</Size></Part>`;
      })
      .join('');
    ctx.type = 'application/xml';
    ctx.body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${xml(uploadId)}</UploadId>` +
      `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker>` +
      `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`;
  };
}

/** Returns the S3_* settings the apps need, and `stop()` for a server this call started. */
export async function ensureS3(root, env, log) {
  // The SDK version is pinned for Node 20; its notice that later releases need Node 22 would open every run.
  const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true' };
  if (env.S3_ENDPOINT) return { env: quiet, stop: undefined };
  const port = Number(env.COACHLINE_S3_PORT ?? 4569);
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = { S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', ...LOCAL_CREDENTIALS, ...quiet };
  if (await portOpen('127.0.0.1', port)) {
    if (await s3rverAnswers(endpoint)) return { env: settings, stop: undefined };
    throw new Error(`Port ${port} is taken by something that is not Coachline's s3rver; set COACHLINE_S3_PORT.`);
  }
  const directory = join(root, '.local', 's3');
  await mkdir(directory, { recursive: true });
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
  // Koa composes its middleware when the server starts, so the shim can still go first.
  server.middleware.unshift(multipartShim(directory));
  await server.run();
  log(`started project-local S3 (s3rver) on ${endpoint}`);
  return { env: settings, stop: () => server.close() };
}

/** Empties a bucket of the project-local s3rver (test and bench runs start clean); other stores are left alone. */
export function resetLocalBucket(root, s3Env, bucket) {
  if (s3Env.S3_ACCESS_KEY_ID !== LOCAL_CREDENTIALS.S3_ACCESS_KEY_ID) return;
  rmSync(join(root, '.local', 's3', bucket), { recursive: true, force: true });
}
