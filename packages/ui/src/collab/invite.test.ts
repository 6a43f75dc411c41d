import { roomIdForSecret } from '@pa/shared/relay/write-key';
import { describe, expect, it } from 'vitest';
import { decodeInvite, encodeInvite, inviteLink, newRoom } from './invite';

describe('invite codes', () => {
  it('creates a 256-bit secret and the 128-bit hex room id it owns, different every time', async () => {
    const a = await newRoom();
    const b = await newRoom();
    expect(a.roomId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // the relay admits to a room only the write key its id is the hash of
    expect(a.roomId).toBe(await roomIdForSecret(a.secret));
    expect(a.roomId).not.toBe(b.roomId);
    expect(a.secret).not.toBe(b.secret);
  });

  it('round-trips relay, token, room and secret through the code and the link', async () => {
    const invite = { ...(await newRoom()), relay: { url: 'ws://127.0.0.1:4444', token: 'tok en/+' } };
    const code = encodeInvite(invite);
    expect(decodeInvite(code)).toEqual(invite);
    expect(decodeInvite(`  ${inviteLink(code)}\n`)).toEqual(invite);
    expect(decodeInvite(encodeInvite({ ...invite, relay: null }))).toEqual({ ...invite, relay: null });
  });

  it('refuses codes that are not invites or are damaged, saying what to do', async () => {
    expect(() => decodeInvite('hello')).toThrow(/should start with "pa1-"/);
    expect(() => decodeInvite('pa1-%%%')).toThrow(/damaged/);
    const bad = encodeInvite({ roomId: 'x', secret: 'y', relay: null });
    expect(() => decodeInvite(bad)).toThrow(/damaged/);
    const notWs = encodeInvite({ ...(await newRoom()), relay: { url: 'http://evil', token: '' } });
    expect(() => decodeInvite(notWs)).toThrow(/ws:\/\//);
  });
});
