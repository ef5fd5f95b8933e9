/**
 * The configuration schema (zod). Every key has a default so the embedded
 * defaults run with no file at all; `config/digest.yaml` documents each key.
 */
import * as z from 'zod';
import { isValidCron, isValidTimezone } from '../util/time.ts';

/**
 * A From header value: one line (CR/LF would inject headers) holding an
 * address, bare (`digest@example.org`) or in angle brackets after a name.
 */
export function isValidFrom(value: string): boolean {
  if (/[\r\n]/.test(value)) return false;
  const bracketed = /<([^<>\s]+)>\s*$/.exec(value);
  const address = bracketed ? bracketed[1]! : value.trim();
  return /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(address);
}

/** What a section rule tests (see SectionCondition in src/types.ts). */
const conditionFields = {
  issuers: z.array(z.string()).optional(),
  issuerLists: z.array(z.string()).optional(),
  issuerPatterns: z.array(z.string()).optional(),
  issuerPatternLists: z.array(z.string()).optional(),
  titlePatterns: z.array(z.string()).optional(),
  titlePatternLists: z.array(z.string()).optional(),
  keywords: z.array(z.string()).optional(),
  keywordLists: z.array(z.string()).optional(),
  inText: z.boolean().optional(),
  minHits: z.number().int().positive().optional(),
  sources: z.array(z.string()).optional(),
  outlets: z.array(z.string()).optional(),
  outletLists: z.array(z.string()).optional(),
  outletPatterns: z.array(z.string()).optional(),
};

const ruleSchema = z.strictObject({
  id: z.string().min(1),
  ...conditionFields,
  priority: z.number().optional(),
  unless: z.array(z.strictObject(conditionFields)).optional(),
  decisive: z.boolean().optional(),
});

const orderSchema = z.array(z.enum(['issuer', 'date', 'date-desc', 'title', 'place'])).min(1);

const sectionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'use lowercase letters, digits and dashes'),
  title: z.string().min(1),
  cap: z.number().int().positive().optional(),
  order: orderSchema.optional(),
  rules: z.array(ruleSchema).default([]),
});

/** How items are sectioned: shared lists, ordering, and the learned classifier. */
const sectioningSchema = z
  .strictObject({
    /** Default order inside every section (editor-pinned items always come first). */
    order: orderSchema.default(['issuer', 'date']),
    /** Issuer prominence for the `issuer` order key, merged over the shipped weights. */
    issuerWeights: z.record(z.string(), z.number()).default({}),
    /** Named word lists for rules, added to (or replacing) the shipped ones. */
    lists: z.record(z.string(), z.array(z.string())).default({}),
    classifier: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Below this probability the classifier does not overrule a non-decisive rule. */
        minConfidence: z.number().min(0).max(1).default(0.8),
        /** How many past issues it learns from (newest first). */
        historyIssues: z.number().int().nonnegative().default(365),
        /** Seed-style issue files with a table of contents, learned as labelled examples. */
        corpus: z.array(z.string()).default([]),
      })
      .prefault({}),
  })
  .prefault({});

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
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (TLS from the start). */
  url: z.string().min(1),
  pool: z.boolean().default(true),
  /** Parallel SMTP connections; as many messages are in flight at once. */
  maxConnections: z.number().int().positive().default(5),
  /** Messages sent over one connection before it is reopened. */
  maxMessages: z.number().int().positive().default(100),
  /** Messages per second across all connections (0 = unlimited). */
  ratePerSecond: z.number().nonnegative().default(0),
  /** Messages per sliding hour (0 = unlimited); counts survive a restart. */
  ratePerHour: z.number().nonnegative().default(0),
  /** Refuse to send unless the server upgrades the connection with STARTTLS. */
  requireTLS: z.boolean().default(false),
  /** Check the server's certificate; turn off only for a local relay with a self-signed one. */
  tlsRejectUnauthorized: z.boolean().default(true),
  /** DKIM signing; `privateKey` is a PEM key or the path of a PEM file. */
  dkim: z.strictObject({ domainName: z.string(), keySelector: z.string(), privateKey: z.string() }).optional(),
});

export const configSchema = z.strictObject({
  publication: z
    .strictObject({
      title: z.string().default('信息摘编'),
      /**
       * The email subject: {{title}}, {{lead}} (the first item's headline),
       * {{numbering}}, {{date}}. Cut to about 60 characters, where Gmail cuts.
       */
      subject: z.string().default('{{title}}｜{{lead}}'),
      timezone: z
        .string()
        .default('Asia/Shanghai')
        .refine(isValidTimezone, 'unknown timezone; use an IANA name such as Asia/Shanghai or Europe/Berlin'),
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
      cron: z
        .string()
        .default('0 7 * * *')
        .refine(
          isValidCron,
          'not a cron expression digest can schedule; write "minute hour day month weekday", e.g. "0 7 * * *" (an optional seconds field may come first) — macros such as "@daily" are not supported: write "0 0 * * *"',
        ),
      /** At start, produce today's issue if the scheduled time has passed. */
      catchUp: z.boolean().default(true),
      skipIfEmpty: z.boolean().default(true),
      minItems: z.number().int().nonnegative().default(0),
      requireApproval: z.boolean().default(false),
      /** Seconds between the scheduler's checks (approved drafts, missed ticks, resumable sends). */
      checkSeconds: z.number().int().min(1).default(60),
      /** After a failed scheduled run, wait this long before retrying. */
      retryMinutes: z.number().nonnegative().default(10),
      /** Automatic retries of a failed scheduled run on the same day. */
      maxRetries: z.number().int().nonnegative().default(3),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** The SQLite file (the embedded default). */
      path: z.string().default('data/digest.db'),
      /**
       * A PostgreSQL database instead (several machines share it); the
       * environment's DIGEST_STORE_URL, when set, wins over this.
       */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//i, 'must be a PostgreSQL URL: postgres://user:password@host:5432/database')
        .optional(),
    })
    .prefault({}),
  selection: z.strictObject({ maxAgeDays: z.number().positive().default(3) }).prefault({}),
  output: z
    .strictObject({
      dir: z.string().default('out'),
      /** How many latest issues the feeds carry (full text: a 60-item issue is ~175 KB per feed). */
      feedIssues: z.number().int().positive().default(10),
      /** The per-item feed `items.xml` (one entry per item, from the issues the feeds carry). */
      itemFeed: z
        .strictObject({
          enabled: z.boolean().default(true),
          maxItems: z.number().int().positive().default(100),
        })
        .prefault({}),
    })
    .prefault({}),
  render: z
    .strictObject({
      templates: z.string().default('templates'),
      /** Email summaries are cut at a sentence end (。！？) near this many characters. */
      summaryChars: z.number().int().positive().default(220),
      /**
       * Size budget of the email HTML in bytes. Gmail clips messages over 102 KB
       * (hiding the unsubscribe link); a bigger issue gets shorter summaries, then
       * its last items only in the table of contents, linking to the web version.
       */
      emailMaxBytes: z.number().int().min(20_000).default(100_000),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      userAgent: z.string().default('digest/0.1 (+https://example.org/digest/)'),
      timeoutMs: z.number().int().positive().default(15000),
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
      concurrency: z.number().int().positive().default(6),
      retries: z.number().int().nonnegative().default(2),
      /** First retry delay in ms; it doubles per retry (with jitter). */
      backoffMs: z.number().int().nonnegative().default(300),
      /** Worker threads that parse feeds (0: the main thread only; default: one per extra core, at most 3). */
      parseWorkers: z.number().int().min(0).max(16).optional(),
    })
    .prefault({}),
  sections: z.array(sectionSchema).min(1).optional(),
  sectioning: sectioningSchema,
  sources: z.array(z.discriminatedUnion('type', [rssSourceSchema, inboxSourceSchema])).default([]),
  subscribers: z.array(z.strictObject({ email: z.string(), name: z.string().optional() })).default([]),
  delivery: z
    .strictObject({
      from: z
        .string()
        .default('信息摘编 <digest@example.org>')
        .refine(isValidFrom, 'needs an address on one line, e.g. "信息摘编 <digest@example.org>" (no line breaks)'),
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
      /** Temporary failures (4xx, dropped connections) are retried this many times … */
      retries: z.number().int().nonnegative().default(3),
      /** … the first after this many seconds, each further one after twice as long. */
      retryDelaySeconds: z.number().nonnegative().default(10),
      /** Public address of the one-click unsubscribe endpoint (`digest serve`); default `publication.baseUrl` + `unsubscribe`. */
      unsubscribeUrl: z.string().url().optional(),
      /**
       * Envelope sender (VERP) per recipient, e.g. `bounces+{id}.{token}@example.org`:
       * later bounces come back to an address naming the subscriber, signed.
       */
      returnPath: z
        .string()
        .regex(/^[^@\s]*\{id\}[^@\s]*\{token\}[^@\s]*@[^@\s]+$/, 'write it as bounces+{id}.{token}@example.org')
        .optional(),
      /** The mailbox where bounces and complaints arrive (`digest bounces`). */
      bounces: z
        .strictObject({
          /** imaps://user:pass@host/INBOX (the password from the environment: ${DIGEST_BOUNCES_IMAP_URL}). */
          imap: z
            .strictObject({
              url: z.string().min(1),
              /** Processed messages are moved here (created when missing). */
              processedFolder: z.string().default('digest-processed'),
              /** Check the server's certificate; turn off only for a local server with a self-signed one. */
              tlsRejectUnauthorized: z.boolean().default(true),
            })
            .optional(),
          /** `digest schedule` reads the mailbox this often (0: never). */
          everyMinutes: z.number().nonnegative().default(15),
        })
        .prefault({}),
      /**
       * Sends over the job queue (pg-boss, with a PostgreSQL store only): an
       * issue's recipients in jobs of `batchSize` subscriber ids, taken by any
       * `digest worker` or the waiting `digest send`. A job not finished within
       * `expireSeconds` of being taken (its worker died) is given to another
       * after `retryDelaySeconds`; pg-boss looks for such jobs every
       * `maintenanceSeconds`. Change `batchSize` only between issues.
       */
      queue: z
        .strictObject({
          batchSize: z.number().int().positive().default(500),
          expireSeconds: z.number().int().min(1).default(900),
          retryLimit: z.number().int().nonnegative().default(10),
          retryDelaySeconds: z.number().int().nonnegative().default(30),
          maintenanceSeconds: z.number().int().min(1).default(60),
          /** An idle worker asks for work this often. */
          pollSeconds: z.number().min(0.05).default(2),
        })
        .prefault({}),
      /** Where `digest serve` listens (put a reverse proxy with TLS in front of it). */
      serve: z
        .strictObject({
          host: z.string().default('127.0.0.1'),
          port: z.number().int().min(0).max(65535).default(8090),
        })
        .prefault({}),
    })
    .prefault({}),
  /** `digest preview`: the name its history records for changes (default: the OS user). */
  preview: z.strictObject({ editor: z.string().min(1).optional() }).prefault({}),
  /** Sign-up, confirmation and the preference centre (`digest serve`). */
  subscription: z
    .strictObject({
      /** A confirmation link expires after this many hours. */
      confirmHours: z.number().positive().default(48),
      /** Send a welcome mail once a sign-up is confirmed. */
      welcome: z.boolean().default(true),
      /** Sign-up requests per client IP per hour (more get 429). */
      perIpPerHour: z.number().int().positive().default(10),
      /** Confirmation or "already subscribed" mails per address per day (more are answered the same, silently not sent). */
      perAddressPerDay: z.number().int().positive().default(3),
      /** Take the client IP from the last X-Forwarded-For hop (behind your own reverse proxy only). */
      trustProxy: z.boolean().default(false),
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
