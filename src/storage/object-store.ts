/**
 * The object storage contract the pipelines depend on. The minio-backed
 * implementation lives next to this file; pipelines and tests only see this.
 */
export interface StoredObject {
  /** Key inside the bucket, e.g. `video-generation/<jobId>/final.mp4`. */
  key: string;
  sizeBytes: number;
}

export interface ObjectStore {
  /** Creates the bucket when it is missing; safe to call repeatedly. */
  ensureBucket(signal?: AbortSignal): Promise<void>;
  /** Streams a file from disk; never reads it whole into memory. */
  uploadFile(key: string, path: string, contentType: string, signal?: AbortSignal): Promise<StoredObject>;
  /** Uploads a small text (captions, scripts). */
  uploadText(key: string, text: string, contentType?: string, signal?: AbortSignal): Promise<StoredObject>;
  /** A presigned GET URL, valid for the configured TTL, on the public endpoint if one is set. */
  presignGet(key: string): Promise<string>;
}
