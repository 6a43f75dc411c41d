// Invite codes: everything a guest needs to join (relay URL and token, room id, room secret) in one pasteable
// string, plus the random secret (256 bits) a host creates when it shares and the room id it owns (128 bits, the
// hash of the room write key derived from the secret, so a relay client cannot claim the id with a key of its own).
import { roomIdForSecret } from '@pa/shared/relay/write-key';

export interface Invite {
  roomId: string;
  secret: string;
  relay: { url: string; token: string } | null;
}

const PREFIX = 'pa1-';
const ROOM_ID = /^[0-9a-f]{32}$/;
const SECRET = /^[A-Za-z0-9_-]{22,128}$/;

type RandomBytes = (bytes: Uint8Array) => Uint8Array;
const systemRandom: RandomBytes = (bytes) => crypto.getRandomValues(bytes);

export async function newRoom(random: RandomBytes = systemRandom): Promise<{ roomId: string; secret: string }> {
  const secret = toBase64Url(random(new Uint8Array(32)));
  return { roomId: await roomIdForSecret(secret), secret };
}

export function encodeInvite(invite: Invite): string {
  const payload = { r: invite.roomId, s: invite.secret, u: invite.relay?.url ?? '', t: invite.relay?.token ?? '' };
  return PREFIX + toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
}

/** Accepts the code itself or a link carrying it after `#join=`; throws an Error saying what is wrong. */
export function decodeInvite(input: string): Invite {
  const trimmed = input.trim();
  const code = trimmed.includes('#join=') ? trimmed.slice(trimmed.indexOf('#join=') + 6) : trimmed;
  if (!code.startsWith(PREFIX)) throw new Error('This is not an invite code: it should start with "pa1-".');
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(fromBase64Url(code.slice(PREFIX.length))));
  } catch {
    throw new Error('The invite code is damaged; copy it again from the host.');
  }
  const { r, s, u, t } = (payload ?? {}) as Record<string, unknown>;
  if (typeof r !== 'string' || !ROOM_ID.test(r) || typeof s !== 'string' || !SECRET.test(s)) {
    throw new Error('The invite code is damaged; copy it again from the host.');
  }
  const url = typeof u === 'string' ? u : '';
  if (url !== '' && !/^wss?:\/\//.test(url))
    throw new Error('The invite names a relay that is not a ws:// or wss:// URL.');
  return { roomId: r, secret: s, relay: url ? { url, token: typeof t === 'string' ? t : '' } : null };
}

/** A link form of the code for chat apps; the app reads it back with decodeInvite. */
export function inviteLink(code: string): string {
  return `claudeeditor://collab#join=${code}`;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
