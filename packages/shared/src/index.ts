// @pa/shared: the contract between every process of the product. Imports nothing of ours.

export * from './bridge.js';
export * from './client.js';
export * from './close-codes.js';
export * from './editions.js';
export * from './errors.js';
export * from './late-stream.js';
export * from './license/index.js';
export * from './lifecycle.js';
export * from './protocol/index.js';
export * from './reconnecting-client.js';
export * from './rpc.js';
export * from './settings.js';
export * from './stream.js';
export * from './ws-transport.js';
