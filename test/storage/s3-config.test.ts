import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadS3Config } from '../../src/config/s3.js';
import { ConfigError } from '../../src/config/env.js';

void describe('S3 configuration', () => {
  void test('defaults point at a local MinIO with a 7-day URL lifetime and no public endpoint', () => {
    assert.deepEqual({ ...loadS3Config({}) }, {
      endpoint: 'http://localhost:9000',
      publicEndpoint: undefined,
      accessKey: 'minio',
      secretKey: 'minio12345',
      bucket: 'assets',
      region: 'us-east-1',
      signedUrlTtlSeconds: 604800,
    });
  });

  void test('a presigned URL lifetime over seven days is rejected by name', () => {
    assert.throws(
      () => loadS3Config({ S3_SIGNED_URL_TTL_SECONDS: '604801' }),
      (error: unknown) => error instanceof ConfigError && error.variables.includes('S3_SIGNED_URL_TTL_SECONDS'),
    );
    assert.throws(() => loadS3Config({ S3_SIGNED_URL_TTL_SECONDS: '0' }), /S3_SIGNED_URL_TTL_SECONDS/);
  });

  void test('endpoints must be bare http(s) origins and a bucket a valid S3 name', () => {
    assert.throws(() => loadS3Config({ S3_ENDPOINT: 'minio:9000' }), /S3_ENDPOINT/);
    assert.throws(() => loadS3Config({ S3_PUBLIC_ENDPOINT: 'https://cdn.example.com/assets' }), /S3_PUBLIC_ENDPOINT/);
    assert.throws(() => loadS3Config({ S3_BUCKET: 'My_Bucket' }), /S3_BUCKET/);
  });

  void test('the secret never appears in a configuration error', () => {
    assert.throws(
      () => loadS3Config({ S3_SECRET: 'hunter2-secret', S3_ENDPOINT: 'ftp://x' }),
      (error: unknown) => error instanceof Error && !error.message.includes('hunter2-secret'),
    );
  });

  void test('a public endpoint is normalised to its origin', () => {
    const config = loadS3Config({ S3_PUBLIC_ENDPOINT: 'https://assets.example.com/', S3_ENDPOINT: 'http://minio:9000' });
    assert.equal(config.publicEndpoint, 'https://assets.example.com');
    assert.equal(config.endpoint, 'http://minio:9000');
  });
});
