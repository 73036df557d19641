export {
  type Headers,
  type PublishOptions,
  type PublishResult,
  type Delivery,
  type ConsumerSpec,
  type ConsumerInfo,
  type Subscription,
  type DeliveryHandler,
  type RequestHandler,
  type TapMessage,
  type Transport,
  TransportTimeoutError,
  TransportNoRespondersError,
  StreamNotFoundError,
  TransportRemoteError,
} from './types.ts';
export { createMemoryTransport, subjectMatches } from './memory.ts';
export type { MemoryTransport, MemoryTransportOptions } from './memory.ts';
export { connectNatsTransport, deleteStream } from './nats.ts';
export type { NatsTransport, NatsTransportOptions } from './nats.ts';
export { openStreamBrowser, BusUnreachableError } from './stream-browser.ts';
export type { StoredMessage, StreamBrowser, StreamBrowserOptions } from './stream-browser.ts';
