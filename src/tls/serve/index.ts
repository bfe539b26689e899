/** `mtls serve`: a local mTLS HTTPS server that shows who connected and why a client was refused. */
export { startServe, serveUrl, type ServeEvent, type ServeHandle, type ServeOptions, type ClientAuth, type ReloadTrigger, type ServerCertificateSummary } from './server.js';
export { loadServeCredentials, type ServeCredentialSources, type ServeCredentials } from './credentials.js';
export { describeClient, type ClientIdentity } from './client-identity.js';
export { refusalReason, handshakeFailureReason, type ServeReason } from './reasons.js';
export { isLoopbackHost } from './loopback.js';
