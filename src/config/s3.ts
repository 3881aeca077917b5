/** S3-compatible object storage (MinIO) settings. */
import { str, makeValidator, EnvError } from 'envalid';
import { cleanSection, parseHttpUrl } from './env.js';
import type { RawEnv } from './env.js';

/** S3 rejects presigned URLs that live longer than seven days (SigV4 limit). */
export const MAX_SIGNED_URL_TTL_SECONDS = 7 * 24 * 3600;

export interface S3Config {
  /** Where the worker reaches the store, e.g. `http://minio:9000`. */
  endpoint: string;
  /** Host that presigned URLs point at, for clients outside the worker's network. */
  publicEndpoint: string | undefined;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  signedUrlTtlSeconds: number;
}

const ttl = makeValidator<number>((input: string) => {
  const value = Number(input.trim());
  if (!/^\d+$/.test(input.trim()) || value < 1 || value > MAX_SIGNED_URL_TTL_SECONDS) {
    throw new EnvError(`must be an integer 1-${MAX_SIGNED_URL_TTL_SECONDS} (S3 caps presigned URLs at 7 days), got "${input}"`);
  }
  return value;
});

// S3 bucket naming rules (lowercase, digits, dots, hyphens; 3-63 chars).
const bucketName = makeValidator<string>((input: string) => {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(input)) {
    throw new EnvError(`must be a valid S3 bucket name, got "${input}"`);
  }
  return input;
});

// minio clients take a host and port only, so a path would be silently dropped.
const endpointUrl = makeValidator<string>((input: string) => {
  const url = parseHttpUrl(input);
  if (url.pathname !== '/' || url.search !== '' || url.username !== '') {
    throw new EnvError(`must be scheme://host[:port] without path, query or credentials`);
  }
  return `${url.protocol}//${url.host}`;
});

const spec = {
  S3_ENDPOINT: endpointUrl({ default: 'http://localhost:9000', desc: 'S3/MinIO endpoint' }),
  S3_PUBLIC_ENDPOINT: endpointUrl({ default: undefined, desc: 'host for presigned URLs (optional)' }),
  S3_KEY: str({ default: 'minio', desc: 'access key' }),
  S3_SECRET: str({ default: 'minio12345', desc: 'secret key' }),
  S3_BUCKET: bucketName({ default: 'assets', desc: 'bucket, created when missing' }),
  S3_REGION: str({ default: 'us-east-1', desc: 'region used for signing' }),
  S3_SIGNED_URL_TTL_SECONDS: ttl({ default: MAX_SIGNED_URL_TTL_SECONDS, desc: 'presigned URL TTL' }),
};

/** Reads and validates the S3_* variables; throws ConfigError naming the variable. */
export function loadS3Config(env: RawEnv): S3Config {
  const cleaned = cleanSection(env, spec);
  return Object.freeze({
    endpoint: cleaned.S3_ENDPOINT,
    publicEndpoint: cleaned.S3_PUBLIC_ENDPOINT,
    accessKey: cleaned.S3_KEY,
    secretKey: cleaned.S3_SECRET,
    bucket: cleaned.S3_BUCKET,
    region: cleaned.S3_REGION,
    signedUrlTtlSeconds: cleaned.S3_SIGNED_URL_TTL_SECONDS,
  });
}
