export * from './names.ts';
export * from './messages.ts';
export * from './codec.ts';
export * from './topics.ts';
export * from './random.ts';
