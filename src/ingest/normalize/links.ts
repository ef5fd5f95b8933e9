/**
 * Canonical links: the one address an item is known by, whatever tracking
 * parameters the feed or a share added.
 */

/**
 * Query parameters that only say who shared or clicked a link: analytics
 * (utm_*, gclid, fbclid…), and WeChat's share and session parameters (an
 * article is `__biz`, `mid`, `idx`, `sn`; the rest varies per reader).
 */
const TRACKING_PARAMS =
  /^(utm_\w+|spm|from|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|li_fat_id|mc_cid|mc_eid|igshid|_hsenc|_hsmi|ref_src|wt\.mc_id|_ga|ocid|scene|srcid|share_token|isappinstalled|clicktime|enterid|chksm|mpshare|sharer_\w+|ascene|devicetype|exportkey|pass_ticket|wx_header|nettype|version|lang|key|uin|from_source|share_from|shareuid)$/i;
/** Fragments that are noise rather than a place in a page (`#wechat_redirect`, `#rd`). */
const NOISE_FRAGMENT = /^#(?:wechat_redirect|rd|utm_.*|xtor=.*|ref=.*|)$/i;
/** Hosts whose `version`/`lang`/`key`/`uin` parameters are per-reader noise (elsewhere they may matter). */
const WECHAT_ONLY = /^(version|lang|key|uin)$/i;

/**
 * Canonical form of a link: absolute (relative links resolve against
 * `base`), http(s) only, no tracking parameters, no noise fragment,
 * lowercase host. Null for anything else.
 */
export function canonicalLink(raw: string | null | undefined, base?: string | null): string | null {
  if (!raw) return null;
  const trimmed = raw.trim().replace(/^<|>$/g, '');
  if (!trimmed) return null;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const wechat = url.hostname === 'mp.weixin.qq.com';
  for (const key of [...url.searchParams.keys()]) {
    if (TRACKING_PARAMS.test(key) && (wechat || !WECHAT_ONLY.test(key))) url.searchParams.delete(key);
  }
  if (NOISE_FRAGMENT.test(url.hash)) url.hash = '';
  return url.toString();
}
