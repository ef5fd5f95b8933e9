/**
 * The preview's defences. It binds 127.0.0.1 only, yet any web page the
 * editor opens can still aim requests at it, so:
 * - every request must name this server in `Host` (stops DNS rebinding);
 * - every POST must carry the per-process CSRF token and, when the browser
 *   says where it comes from (`Origin`, `Sec-Fetch-Site`), come from here;
 * - the UI runs under a strict CSP (own scripts and styles only), and the
 *   rendered email and web page run in sandboxed frames without scripts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random token for one preview process. */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a submitted token with the expected one. */
export function csrfTokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The host names the preview answers to on `port`. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** Is the request addressed to this server? A rebinding attack sends its own domain in `Host`. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  return !!host && allowedHosts(port).has(host);
}

/**
 * Does a state-changing request come from the preview's own pages? Browsers
 * send `Origin` (and `Sec-Fetch-Site`) with form posts; a client that sends
 * neither (curl) still needs the CSRF token.
 */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && allowedHosts(port).has(u.host);
  } catch {
    return false;
  }
}

/** Headers of the preview UI itself. */
export const UI_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // Not no-referrer: with it Chromium sends "Origin: null" on form posts, and the origin check needs the real one.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * Headers of a rendered email or web page shown in a frame: a sandbox
 * without scripts even if the page is opened on its own, remote images and
 * inline styles allowed (as a mail client shows them), framed only by the UI.
 */
export const FRAME_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; " +
    "img-src http: https: data:; font-src http: https: data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};
