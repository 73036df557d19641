import { randomUUID } from 'node:crypto';
import { busNames } from '@himari/contracts';
import { connectNatsTransport, deleteStream } from '@himari/bus';
import { transportContract } from '../libs/bus/src/contract-suite.ts';

const NATS_URL = 'nats://127.0.0.1:4222';

transportContract('nats', async () => {
  const names = busNames(`t${randomUUID().slice(0, 8)}`);
  const transport = await connectNatsTransport({
    url: NATS_URL,
    names,
    duplicateWindowMs: 60_000,
    maxAgeMs: 3_600_000,
    name: `bus-contract-${names.prefix}`,
  });
  return {
    transport,
    names,
    cleanup: async () => {
      await transport.close();
      await deleteStream(NATS_URL, names.stream);
    },
  };
});
