import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, isLoopbackHost } from './loopback-guard.js';

describe('isLoopbackHost', () => {
  it('accepts the loopback names with the server port', () => {
    expect(isLoopbackHost('127.0.0.1:4321', 4321)).toBe(true);
    expect(isLoopbackHost('localhost:4321', 4321)).toBe(true);
    expect(isLoopbackHost('LocalHost:4321', 4321)).toBe(true);
    expect(isLoopbackHost('[::1]:4321', 4321)).toBe(true);
  });

  it('refuses a rebinding host name, another port, a missing port and a missing header', () => {
    expect(isLoopbackHost('attacker.example:4321', 4321)).toBe(false);
    expect(isLoopbackHost('127.0.0.1.nip.io:4321', 4321)).toBe(false);
    expect(isLoopbackHost('127.0.0.1:4322', 4321)).toBe(false);
    expect(isLoopbackHost('127.0.0.1', 4321)).toBe(false);
    expect(isLoopbackHost(undefined, 4321)).toBe(false);
  });

  it('accepts a host without a port only when the server is on port 80', () => {
    expect(isLoopbackHost('localhost', 80)).toBe(true);
  });
});

describe('isAllowedOrigin', () => {
  it('lets a client that is not a browser connect (no Origin)', () => {
    expect(isAllowedOrigin(undefined, 4321)).toBe(true);
  });

  it("accepts the engine's own page and the desktop app", () => {
    expect(isAllowedOrigin('http://127.0.0.1:4321', 4321)).toBe(true);
    expect(isAllowedOrigin('http://localhost:4321', 4321)).toBe(true);
    expect(isAllowedOrigin('app://ui', 4321)).toBe(true);
  });

  it('refuses any other site, another loopback port, https look-alikes and the opaque null origin', () => {
    expect(isAllowedOrigin('https://attacker.example', 4321)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:8080', 4321)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:4321', 4321)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:4321.attacker.example', 4321)).toBe(false);
    expect(isAllowedOrigin('null', 4321)).toBe(false);
    expect(isAllowedOrigin('file://', 4321)).toBe(false);
    expect(isAllowedOrigin('', 4321)).toBe(false);
  });
});
