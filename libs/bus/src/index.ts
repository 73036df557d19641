export * from './types.ts';
export { createMemoryTransport, subjectMatches } from './memory.ts';
export type { MemoryTransport, MemoryTransportOptions } from './memory.ts';
export { connectNatsTransport, deleteStream, natsConnectionOptions, TransportConnectError } from './nats.ts';
export type { NatsTransport, NatsTransportOptions } from './nats.ts';
export type { NatsSecurity } from '@himari/config';
