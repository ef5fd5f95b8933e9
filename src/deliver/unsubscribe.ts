/**
 * Signed unsubscribe links. The token is an HMAC of the subscriber id and
 * address under `delivery.unsubscribeSecret`, so nobody can forge a link that
 * unsubscribes someone else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

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

/** The one-click unsubscribe URL of a subscriber under `baseUrl`. */
export function unsubscribeUrl(baseUrl: string, secret: string, subscriberId: number, email: string): string {
  const url = new URL('unsubscribe', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('u', String(subscriberId));
  url.searchParams.set('t', unsubscribeToken(secret, subscriberId, email));
  return url.toString();
}
