/**
 * The subscription pages' and mails' texts and templates (the unsubscribe
 * page included): the message
 * catalogue `templates/subscription/messages.yaml` (Chinese for zh-CN, English
 * for en) and the Handlebars templates next to it. `digest serve` renders the
 * pages with it, the subscription mailer the mails; editors restyle and
 * reword there, never in TypeScript.
 */
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../errors.ts';

/** One language's texts (keys as in messages.yaml). */
export type Messages = Record<string, string>;

/** The pages of `digest serve` (and its `--form-snippet`), one template each in templates/subscription/ (`<name>.hbs`). */
export type SubscriptionPage = 'subscribe' | 'notice' | 'preferences' | 'unsubscribe' | 'snippet';

/** The loaded catalogue and templates of one language. */
export interface SubscriptionTemplates {
  /** The texts, raw (`fmt` fills their `{placeholders}`). */
  t: Messages;
  /** Fill a text's `{name}` placeholders. */
  fmt(key: string, vars?: Record<string, string | number>): string;
  /** A page of `digest serve` as HTML. */
  page(name: SubscriptionPage, data: Record<string, unknown>): string;
  /** A mail's MJML and text part. */
  mail(data: Record<string, unknown>): { mjml: string; text: string };
}

/** The catalogue language for a publication language: zh-* → zh-CN, anything else → en. */
export function catalogueLanguage(language: string): 'zh-CN' | 'en' {
  return /^zh/i.test(language) ? 'zh-CN' : 'en';
}

/** Load `<templatesDir>/subscription/` for `language`. */
export function loadSubscriptionTemplates(templatesDir: string, language: string): SubscriptionTemplates {
  const dir = join(templatesDir, 'subscription');
  const read = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new ConfigError(`template missing: ${path}`, 'restore it from the repository or set render.templates');
    return readFileSync(path, 'utf8');
  };
  const all = parse(read('messages.yaml')) as Record<string, Messages>;
  const t = all[catalogueLanguage(language)];
  if (!t)
    throw new ConfigError(`${join(dir, 'messages.yaml')} has no ${catalogueLanguage(language)} texts`, 'restore it from the repository');
  const hb = Handlebars.create();
  const partials = join(dir, 'partials');
  if (existsSync(partials))
    for (const f of readdirSync(partials).filter((f) => f.endsWith('.hbs')))
      hb.registerPartial(basename(f, '.hbs'), readFileSync(join(partials, f), 'utf8'));
  const compile = (name: string, noEscape = false) => hb.compile(read(name), { noEscape });
  const pages: Record<SubscriptionPage, Handlebars.TemplateDelegate> = {
    subscribe: compile('subscribe.hbs'),
    notice: compile('notice.hbs'),
    preferences: compile('preferences.hbs'),
    unsubscribe: compile('unsubscribe.hbs'),
    snippet: compile('snippet.hbs'),
  };
  const mjml = compile('mail.mjml.hbs');
  const text = compile('mail.txt.hbs', true);
  const fmt = (key: string, vars: Record<string, string | number> = {}) =>
    (t[key] ?? key).replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  return {
    t,
    fmt,
    page: (name, data) => pages[name]({ t, ...data }),
    mail: (data) => ({ mjml: mjml({ t, ...data }), text: text({ t, ...data }) }),
  };
}
