import { Redis } from 'ioredis';
import { deleteStream } from '@himari/bus';
import { busNames } from '@himari/contracts';
import { NATS_URL, REDIS_URL } from './env.ts';

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function cleanup(prefixes: { bus: string; keys: string }): Promise<void> {
  await Promise.all([deleteStream(NATS_URL, busNames(prefixes.bus).stream).catch(() => undefined), deleteKeys(prefixes.keys)]);
}
