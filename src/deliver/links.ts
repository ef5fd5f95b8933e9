/**
 * Signed links of the subscription pages and the signed VERP return path.
 * Like unsubscribe links (unsubscribe.ts), each token is an HMAC under
 * `delivery.unsubscribeSecret` of what the link may act on, with its purpose
 * first, so a token made for one page is worthless on another and nothing
 * has to be stored to check it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed subscription link is for. */
export type LinkPurpose = 'confirm' | 'change' | 'preferences' | 'verp';

/** The HMAC token of `purpose` over `fields` (32 base64url characters). */
export function signFields(secret: string, purpose: LinkPurpose, fields: readonly (string | number)[]): string {
  return createHmac('sha256', secret)
    .update([purpose, ...fields.map((f) => String(f).toLowerCase())].join('\n'))
    .digest('base64url')
    .slice(0, 32);
}

/** Constant-time check of a token made by `signFields` (`length`: a shortened token, as VERP uses). */
export function verifyFields(
  secret: string,
  purpose: LinkPurpose,
  fields: readonly (string | number)[],
  token: string,
  length = 32,
): boolean {
  const expected = Buffer.from(signFields(secret, purpose, fields).slice(0, length));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The public base of `digest serve`: the unsubscribe endpoint's folder, so
 * `/subscribe`, `/confirm` and `/preferences` sit next to `/unsubscribe`
 * behind whatever prefix it has.
 */
export function serviceBase(unsubscribeEndpoint: string): string {
  const url = new URL(unsubscribeEndpoint);
  url.search = '';
  url.pathname = url.pathname.replace(/unsubscribe\/?$/, '');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/**
 * A confirmation link: for a sign-up (`address` is the subscriber's) or an
 * address change (`change`: `address` is the new one), valid until `expires`.
 */
export function confirmUrl(base: string, secret: string, id: number, address: string, expires: Date, change = false): string {
  const x = Math.floor(expires.getTime() / 1000);
  const purpose: LinkPurpose = change ? 'change' : 'confirm';
  return `${base}confirm?u=${id}&x=${x}${change ? '&c=1' : ''}&t=${signFields(secret, purpose, [id, address, x])}`;
}

/** The parameters of a confirmation link, or null when missing or malformed. */
export function readConfirmParams(p: URLSearchParams): { id: number; expires: number; change: boolean; token: string } | null {
  const u = p.get('u') ?? '';
  const x = p.get('x') ?? '';
  const t = p.get('t') ?? '';
  if (!/^[1-9]\d{0,15}$/.test(u) || !/^\d{1,12}$/.test(x) || !/^[\w-]{32}$/.test(t)) return null;
  return { id: Number(u), expires: Number(x), change: p.get('c') === '1', token: t };
}

/** A subscriber's preference centre (no expiry: every issue carries it). */
export function preferencesUrl(base: string, secret: string, id: number, email: string): string {
  return `${base}preferences?u=${id}&t=${signFields(secret, 'preferences', [id, email])}`;
}

/** The parameters of a preferences link, or null. */
export function readPreferencesParams(p: URLSearchParams): { id: number; token: string } | null {
  const u = p.get('u') ?? '';
  const t = p.get('t') ?? '';
  if (!/^[1-9]\d{0,15}$/.test(u) || !/^[\w-]{32}$/.test(t)) return null;
  return { id: Number(u), token: t };
}

const VERP_TOKEN = 12;

/**
 * The envelope sender for a subscriber from `delivery.returnPath`
 * (`bounces+{id}.{token}@example.org`): bounces come back to an address that
 * names the subscriber, signed so a forged bounce cannot mark anyone.
 */
export function verpAddress(template: string, secret: string, id: number): string {
  return template.replace('{id}', String(id)).replace('{token}', signFields(secret, 'verp', [id]).slice(0, VERP_TOKEN));
}

/** The subscriber id of a VERP address made from `template`, or null when it does not match or its signature is wrong. */
export function readVerpAddress(template: string, secret: string, address: string): number | null {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const re = new RegExp(
    `^${escaped.replace('\\{id\\}', '(\\d{1,15})').replace('{id}', '(\\d{1,15})').replace('{token}', '([\\w-]+)')}$`,
    'i',
  );
  const m = re.exec(address.trim());
  if (!m) return null;
  const id = Number(m[1]);
  return verifyFields(secret, 'verp', [id], m[2]!, VERP_TOKEN) ? id : null;
}
