/**
 * The configuration schema (zod). Every key has a default so the embedded
 * defaults run with no file at all; `config/digest.yaml` documents each key.
 */
import { z } from 'zod';

const ruleSchema = z.strictObject({
  id: z.string().min(1),
  issuers: z.array(z.string()).optional(),
  issuerPatterns: z.array(z.string()).optional(),
  titlePatterns: z.array(z.string()).optional(),
  keywords: z.array(z.string()).optional(),
  inText: z.boolean().optional(),
  sources: z.array(z.string()).optional(),
  outlets: z.array(z.string()).optional(),
  priority: z.number().optional(),
});

const sectionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'use lowercase letters, digits and dashes'),
  title: z.string().min(1),
  cap: z.number().int().positive().optional(),
  rules: z.array(ruleSchema).default([]),
});

const rssSourceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/i, 'use letters, digits, dashes and underscores'),
  type: z.literal('rss'),
  name: z.string().optional(),
  /** An http(s) URL or a local file path (relative to the working directory). */
  url: z.string().min(1),
  enabled: z.boolean().default(true),
});

const inboxSourceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]+$/i, 'use letters, digits, dashes and underscores'),
  type: z.literal('inbox'),
  name: z.string().optional(),
  /** Folder of editor items (`.md` with front matter, or seed-style `.txt`). */
  path: z.string().min(1),
  enabled: z.boolean().default(true),
});

const smtpSchema = z.strictObject({
  url: z.string().min(1),
  pool: z.boolean().default(true),
  maxConnections: z.number().int().positive().default(5),
  /** Messages per second across all connections (0 = unlimited). */
  ratePerSecond: z.number().nonnegative().default(0),
  /** Messages per sliding hour (0 = unlimited). */
  ratePerHour: z.number().nonnegative().default(0),
  dkim: z
    .strictObject({ domainName: z.string(), keySelector: z.string(), privateKey: z.string() })
    .optional(),
});

export const configSchema = z.strictObject({
  publication: z
    .strictObject({
      title: z.string().default('信息摘编'),
      timezone: z.string().default('Asia/Shanghai'),
      baseUrl: z.string().url().default('https://example.org/digest/'),
      language: z.string().default('zh-CN'),
      description: z.string().default('每日信息摘编'),
      /** 编辑单位 and contacts shown in the masthead, like the seed. */
      editorialUnit: z.string().default(''),
      contacts: z.array(z.strictObject({ label: z.string(), value: z.string() })).default([]),
      editors: z.array(z.strictObject({ role: z.string(), names: z.array(z.string()) })).default([]),
      /** Total number of issues published before the first one made by digest. */
      totalNumberOffset: z.number().int().nonnegative().default(0),
    })
    .prefault({}),
  schedule: z
    .strictObject({
      cron: z.string().default('0 7 * * *'),
      /** At start, produce today's issue if the scheduled time has passed. */
      catchUp: z.boolean().default(true),
      skipIfEmpty: z.boolean().default(true),
      minItems: z.number().int().nonnegative().default(0),
      requireApproval: z.boolean().default(false),
    })
    .prefault({}),
  store: z.strictObject({ path: z.string().default('data/digest.db') }).prefault({}),
  selection: z.strictObject({ maxAgeDays: z.number().positive().default(3) }).prefault({}),
  output: z
    .strictObject({
      dir: z.string().default('out'),
      /** How many latest issues the feeds carry. */
      feedIssues: z.number().int().positive().default(20),
    })
    .prefault({}),
  render: z
    .strictObject({
      templates: z.string().default('templates'),
      /** Email summaries are cut at a sentence end (。！？) near this many characters. */
      summaryChars: z.number().int().positive().default(220),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      userAgent: z.string().default('digest/0.1 (+https://example.org/digest/)'),
      timeoutMs: z.number().int().positive().default(15000),
      maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
      concurrency: z.number().int().positive().default(6),
      retries: z.number().int().nonnegative().default(2),
    })
    .prefault({}),
  sections: z.array(sectionSchema).min(1).optional(),
  sources: z.array(z.discriminatedUnion('type', [rssSourceSchema, inboxSourceSchema])).default([]),
  subscribers: z
    .array(z.strictObject({ email: z.string(), name: z.string().optional() }))
    .default([]),
  delivery: z
    .strictObject({
      from: z.string().default('信息摘编 <digest@example.org>'),
      replyTo: z.string().optional(),
      smtp: smtpSchema.optional(),
      outbox: z.string().optional(),
      testRecipients: z.array(z.string()).default([]),
      /** HMAC secret for unsubscribe links; set it from the environment. */
      unsubscribeSecret: z.string().default('change-me-digest-unsubscribe-secret'),
      /** mailto address for List-Unsubscribe; defaults to the From address. */
      unsubscribeMailto: z.string().optional(),
      /** After this many permanent failures an address counts as bounced. */
      bounceAfter: z.number().int().positive().default(3),
    })
    .prefault({}),
});

/** The validated configuration, before paths are resolved. */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration. */
export type Config = z.output<typeof configSchema> & {
  sections: NonNullable<z.output<typeof configSchema>['sections']>;
  /** Folder the config file lives in; relative paths resolve from the working directory. */
  configPath: string | null;
};
export type SourceConfig = Config['sources'][number];
