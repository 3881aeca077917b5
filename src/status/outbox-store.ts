/**
 * The Redis side of the durable status outbox. Per job, a list of updates in
 * the order they were reported; a set of jobs that have any; a marker of the
 * attempt that reached a final status; and a short lease so only one process
 * delivers a job's updates at a time. Each step that must be atomic is one Lua
 * script, so several supervisors can share the outbox.
 *
 * Keys live under `<prefix>:influencerai:status:`; with a hash-tagged prefix
 * (`{influencerai}`) they share one Redis Cluster slot, as the scripts need.
 */
import type { Redis } from 'ioredis';
import { encodeRecord, type OutboxRecord } from './outbox-record.js';

// KEYS: list, pending set, final marker. ARGV: jobId, record json, kind, attempt, marker ttl (s).
// Returns 1 when appended, 2 when it replaced a waiting progress update, 0 when refused.
const APPEND = `
local final = redis.call('GET', KEYS[3])
local attempt = tonumber(ARGV[4])
if final then
  if attempt <= tonumber(final) then return 0 end
  redis.call('DEL', KEYS[3])
end
if ARGV[3] == 'final' then redis.call('SET', KEYS[3], ARGV[4], 'EX', tonumber(ARGV[5])) end
if ARGV[3] == 'progress' then
  local last = redis.call('LINDEX', KEYS[1], -1)
  if last and string.find(last, '"kind":"progress"', 1, true) then
    redis.call('LSET', KEYS[1], -1, ARGV[2])
    return 2
  end
end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;

// KEYS: list, pending set. ARGV: jobId, the raw record that was delivered.
const ACK = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[2] then redis.call('LPOP', KEYS[1]) end
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return redis.call('LLEN', KEYS[1])`;

// KEYS: lease. ARGV: owner.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// KEYS: pending set. ARGV: key prefix. Sums the lists of every pending job.
const BACKLOG = `
local total = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  total = total + redis.call('LLEN', ARGV[1] .. 'list:' .. id)
end
return total`;

export interface OutboxStore {
  append(jobId: string, record: OutboxRecord): Promise<'appended' | 'coalesced' | 'refused'>;
  /** The oldest undelivered update of a job, raw (compare-and-ack needs the exact string). */
  peek(jobId: string): Promise<string | undefined>;
  /** Removes `raw` if it is still first; returns how many updates the job has left. */
  ack(jobId: string, raw: string): Promise<number>;
  pendingJobs(limit: number): Promise<string[]>;
  backlog(): Promise<number>;
  lease(jobId: string, owner: string, ttlMs: number): Promise<boolean>;
  release(jobId: string, owner: string): Promise<void>;
}

export interface OutboxStoreOptions {
  prefix?: string | undefined;
  /** How long a final marker refuses stale updates (default one day). */
  finalMarkerTtlSeconds?: number;
}

export function createOutboxStore(redis: Redis, options: OutboxStoreOptions = {}): OutboxStore {
  const base = `${options.prefix ?? 'bull'}:influencerai:status:`;
  const pendingKey = `${base}pending`;
  const listKey = (jobId: string): string => `${base}list:${jobId}`;
  const finalKey = (jobId: string): string => `${base}final:${jobId}`;
  const leaseKey = (jobId: string): string => `${base}lease:${jobId}`;
  const markerTtl = String(options.finalMarkerTtlSeconds ?? 86_400);

  return {
    async append(jobId, record) {
      const result = await redis.eval(APPEND, 3, listKey(jobId), pendingKey, finalKey(jobId),
        jobId, encodeRecord(record), record.kind, String(record.attempt), markerTtl);
      return result === 1 ? 'appended' : result === 2 ? 'coalesced' : 'refused';
    },
    async peek(jobId) {
      return (await redis.lindex(listKey(jobId), 0)) ?? undefined;
    },
    async ack(jobId, raw) {
      return Number(await redis.eval(ACK, 2, listKey(jobId), pendingKey, jobId, raw));
    },
    async pendingJobs(limit) {
      return redis.srandmember(pendingKey, limit);
    },
    async backlog() {
      return Number(await redis.eval(BACKLOG, 1, pendingKey, base));
    },
    async lease(jobId, owner, ttlMs) {
      return (await redis.set(leaseKey(jobId), owner, 'PX', ttlMs, 'NX')) === 'OK';
    },
    async release(jobId, owner) {
      await redis.eval(RELEASE, 1, leaseKey(jobId), owner);
    },
  };
}
