/**
 * Signed unsubscribe links. The token is an HMAC of the subscriber id and
 * address under `delivery.unsubscribeSecret`, so nobody can forge a link that
 * unsubscribes someone else, and no list of tokens has to be stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The secret the configuration ships with; fine for trying digest out, never for links people receive. */
export const DEFAULT_UNSUBSCRIBE_SECRET = 'change-me-digest-unsubscribe-secret';

/** Fewer bytes than this and a secret can be guessed offline from one token (HMAC-SHA256 keys want 32). */
export const MIN_SECRET_BYTES = 32;
/** Estimated bits below which a long secret is still a pattern (`aaaa…`, `abcabc…`), not random. */
const MIN_SECRET_BITS = 128;

/**
 * Why `secret` is too weak to sign links people receive, or null when it will
 * do: empty, the shipped default, under {@link MIN_SECRET_BYTES} bytes, or
 * low in entropy (length × Shannon entropy of its characters under
 * {@link MIN_SECRET_BITS} bits). `openssl rand -base64 32` (44 characters,
 * about 5 bits each) and `-hex 32` (64 characters, 4 bits each) both pass.
 */
export function secretWeakness(secret: string): string | null {
  if (!secret) return 'is empty';
  if (secret === DEFAULT_UNSUBSCRIBE_SECRET) return 'is the shipped default';
  const bytes = Buffer.byteLength(secret);
  if (bytes < MIN_SECRET_BYTES) return `is ${bytes} bytes long (at least ${MIN_SECRET_BYTES} needed)`;
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...secret].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  if (perChar * n < MIN_SECRET_BITS)
    return `does not look random (about ${Math.round(perChar * n)} bits of entropy, at least ${MIN_SECRET_BITS} needed)`;
  return null;
}

/** The HMAC token for a subscriber. */
export function unsubscribeToken(secret: string, subscriberId: number, email: string): string {
  return createHmac('sha256', secret).update(`${subscriberId}\n${email.toLowerCase()}`).digest('base64url').slice(0, 32);
}

/** Does `token` belong to this subscriber? (constant-time comparison) */
export function verifyUnsubscribeToken(secret: string, subscriberId: number, email: string, token: string): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, subscriberId, email));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The public address of the unsubscribe endpoint: `configured`, else `unsubscribe` under `baseUrl`. */
export function unsubscribeEndpoint(baseUrl: string, configured?: string): string {
  return configured ? new URL(configured).href : new URL('unsubscribe', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
}

/** A subscriber's signed link at `endpoint` (built by string: it runs once per recipient). */
export function signedUnsubscribeUrl(endpoint: string, secret: string, subscriberId: number, email: string): string {
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}u=${subscriberId}&t=${unsubscribeToken(secret, subscriberId, email)}`;
}

/** The one-click unsubscribe URL of a subscriber under `baseUrl` (`<baseUrl>/unsubscribe?u=…&t=…`). */
export function unsubscribeUrl(baseUrl: string, secret: string, subscriberId: number, email: string): string {
  return signedUnsubscribeUrl(unsubscribeEndpoint(baseUrl), secret, subscriberId, email);
}

/** The subscriber id and token of an unsubscribe request, or null when they are missing or malformed. */
export function readUnsubscribeParams(params: URLSearchParams): { subscriberId: number; token: string } | null {
  const u = params.get('u') ?? '';
  const t = params.get('t') ?? '';
  if (!/^[1-9]\d{0,15}$/.test(u) || !/^[\w-]{1,64}$/.test(t)) return null;
  return { subscriberId: Number(u), token: t };
}
