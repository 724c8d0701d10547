import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { StorageConfig } from './storage.config';

export interface StoredPart {
  partNumber: number;
  etag: string;
  sizeBytes: number;
}

export class NoSuchUploadError extends Error {}
export class NoSuchObjectError extends Error {}

function errorName(error: unknown): string | undefined {
  if (error instanceof S3ServiceException) return error.name;
  return (error as { name?: string } | undefined)?.name;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function clientFor(config: StorageConfig, endpoint: string | undefined): S3Client {
  return new S3Client({
    region: config.S3_REGION,
    endpoint,
    forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(config.S3_ENDPOINT),
    credentials:
      config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
        : undefined,
    // The default checksum mode stores streamed uploads corrupted on some servers and puts
    // checksum headers into presigned URLs that browsers cannot send.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that accepts connections and never answers must fail a request, not hold it (and its caller) forever.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** The S3 operations media needs, shared by the gateway, the media-worker and the scheduler. */
export class Storage {
  readonly client: S3Client;
  private readonly signer: S3Client;
  readonly bucket: string;

  constructor(config: StorageConfig) {
    this.client = clientFor(config, config.S3_ENDPOINT);
    this.signer = config.S3_PUBLIC_ENDPOINT ? clientFor(config, config.S3_PUBLIC_ENDPOINT) : this.client;
    this.bucket = config.S3_BUCKET;
  }

  /**
   * Creates the bucket when missing and lets browsers PUT parts and read the
   * ETag header they need for finalize.
   */
  async ensureBucket(corsOrigins: readonly string[] = ['*']): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (statusOf(error) !== 404 && errorName(error) !== 'NotFound') throw error;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        // Another process created it in between.
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(createError) ?? '')) throw createError;
      }
    }
    await this.client.send(
      new PutBucketCorsCommand({
        Bucket: this.bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: [...(corsOrigins.length ? corsOrigins : ['*'])],
              AllowedMethods: ['GET', 'HEAD', 'PUT'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 3600,
            },
          ],
        },
      }),
    );
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const out = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }));
    if (!out.UploadId) throw new Error('The store answered no UploadId');
    return out.UploadId;
  }

  /**
   * A part URL bound to its exact size: `content-length` is a signed header, so
   * the store refuses a body of any other length.
   */
  presignPart(key: string, uploadId: string, partNumber: number, sizeBytes: number, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.signer, new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: sizeBytes }), {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-length']),
    });
  }

  presignGet(key: string, expiresInSeconds: number, options: { contentType?: string; filename?: string } = {}): Promise<string> {
    return getSignedUrl(
      this.signer,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.filename ? `inline; filename="${options.filename.replace(/[^\w.-]/g, '_')}"` : undefined,
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  /** Every part the store holds for an upload, in order. */
  async listParts(key: string, uploadId: string): Promise<StoredPart[]> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const out = await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
        for (const part of out.Parts ?? []) {
          if (part.PartNumber && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag, sizeBytes: part.Size ?? 0 });
        }
        if (!out.IsTruncated || !out.NextPartNumberMarker) break;
        marker = out.NextPartNumberMarker;
      }
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload' || statusOf(error) === 404) throw new NoSuchUploadError('No such upload');
      throw error;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload' || statusOf(error) === 404) throw new NoSuchUploadError('No such upload');
      throw error;
    }
  }

  /** Aborts an upload; one that is already gone is fine. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload' || statusOf(error) === 404) return;
      throw error;
    }
  }

  async head(key: string): Promise<{ sizeBytes: number; contentType?: string; etag?: string; lastModified?: Date }> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag, lastModified: out.LastModified };
    } catch (error) {
      if (statusOf(error) === 404 || errorName(error) === 'NotFound') throw new NoSuchObjectError(`No object ${key}`);
      throw error;
    }
  }

  /** The first `length` bytes of an object (fewer when it is shorter). */
  async readStart(key: string, length: number): Promise<Buffer> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${length - 1}` }));
      const bytes = await out.Body!.transformToByteArray();
      return Buffer.from(bytes.subarray(0, length));
    } catch (error) {
      if (statusOf(error) === 404 || errorName(error) === 'NoSuchKey') throw new NoSuchObjectError(`No object ${key}`);
      throw error;
    }
  }

  async download(key: string, path: string): Promise<void> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    await pipeline(out.Body as Readable, createWriteStream(path));
  }

  async upload(path: string, key: string, contentType: string): Promise<number> {
    const { size } = await stat(path);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: createReadStream(path), ContentLength: size, ContentType: contentType }),
    );
    return size;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** Deletes an object; a missing one is fine (S3 answers 204 either way). */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  close(): void {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }
}

export function createStorage(config: StorageConfig): Storage {
  return new Storage(config);
}
