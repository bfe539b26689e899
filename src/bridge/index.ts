export { startBridge, type BridgeOptions, type RunningBridge } from './server.js';
export { matchRoute, normalizePrefix, type BridgeRoute } from './routes.js';
export { newBridgeToken, tokenMatches, stripTokenSegment, loggablePath, TOKEN_HEADER } from './token.js';
export type { BridgeEvent, BridgeErrorBody } from './events.js';
export { httpRefusalCheck, type CredentialFactsSource } from './http-refusal.js';
