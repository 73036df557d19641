import { randomUUID } from 'node:crypto';
import { busNames } from '@himari/contracts';
import { transportContract } from './contract-suite.ts';
import { createMemoryTransport } from './memory.ts';

transportContract('memory', async () => {
  const transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
  return { transport, names: busNames(`t${randomUUID().slice(0, 8)}`), cleanup: () => transport.close() };
});
