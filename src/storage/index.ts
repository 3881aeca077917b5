/** Public surface of the storage slice: the minio-backed store and its contract. */
export { createObjectStore } from './minio-store.js';
export { classifyStorageError } from './storage-errors.js';
export type { ObjectStore, StoredObject } from './object-store.js';
