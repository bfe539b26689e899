import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loggablePath, matchRoute, newBridgeToken, normalizePrefix, stripTokenSegment, tokenMatches, type BridgeRoute } from '../../src/bridge/index.js';
import { parseListen } from '../../src/cli/commands/bridge-setup.js';

test('tokens: 32 random bytes as 43 base64url characters, compared whole', () => {
  const token = newBridgeToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newBridgeToken(), token);
  assert.ok(tokenMatches(token, token));
  assert.ok(!tokenMatches(token, token.slice(0, 42)));
  assert.ok(!tokenMatches(token, `${token}x`));
  assert.ok(!tokenMatches(token, undefined));
});

test('the token segment comes off the path; anything else is not the token', () => {
  const token = newBridgeToken();
  assert.equal(stripTokenSegment(token, `/${token}/openai/chat?x=1`), '/openai/chat?x=1');
  assert.equal(stripTokenSegment(token, `/${token}`), '/');
  assert.equal(stripTokenSegment(token, `/${token}?q`), '/?q');
  assert.equal(stripTokenSegment(token, `/${token}x/openai`), null);
  assert.equal(stripTokenSegment(token, '/openai'), null);
});

test('logged paths lose their query and anything that looks like a token', () => {
  const token = newBridgeToken();
  assert.equal(loggablePath(`/${token}/openai/chat?key=secret`), '/***/openai/chat');
  assert.equal(loggablePath('/openai/chat?key=secret'), '/openai/chat');
});

test('routes match whole segments, longest prefix first', () => {
  const route = (prefix: string): BridgeRoute => ({ prefix: normalizePrefix(prefix), upstream: new URL('https://u.example'), given: prefix });
  const routes = [route('/'), route('/mcp'), route('/mcp/admin/')];
  assert.equal(matchRoute(routes, '/mcp/x')?.route.prefix, '/mcp');
  assert.equal(matchRoute(routes, '/mcp/x')?.rest, '/x');
  assert.equal(matchRoute(routes, '/mcp/admin/y')?.route.prefix, '/mcp/admin');
  assert.equal(matchRoute(routes, '/mcpx')?.route.prefix, '/');
  assert.equal(matchRoute([route('/a')], '/b'), null);
  assert.equal(matchRoute([route('/a')], '/a?x')?.rest, '?x');
});

test('--listen takes HOST:PORT, [v6]:PORT, :PORT and PORT', () => {
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListen('[::1]:8080'), { host: '::1', port: 8080 });
  assert.deepEqual(parseListen(':9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseListen('8080'), { host: '127.0.0.1', port: 8080 });
  assert.throws(() => parseListen('localhost'), /MTLS|HOST:PORT/);
  assert.throws(() => parseListen('1.2.3.4:70000'));
});
