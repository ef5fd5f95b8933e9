/**
 * The mails of the subscription life: the confirmation of a sign-up, the
 * "you are already subscribed" answer, the welcome and the confirmation of a
 * new address. Composed from templates/subscription (MJML + text part) and
 * sent through the same Messenger as issues (SMTP, or the outbox folder
 * `subscriptions/`). Mails that belong to the list (welcome, already
 * subscribed) carry List-Unsubscribe and List-Unsubscribe-Post (RFC 8058);
 * a confirmation does not, as nobody is on the list yet.
 */
import { randomBytes } from 'node:crypto';
import { compileMjml } from '../render/index.ts';
import type { SubscriptionTemplates } from './catalogue.ts';
import { bareAddress, listIdHeader, type ListSettings } from './message.ts';
import type { Messenger, SendOutcome } from './messenger.ts';
import { OutgoingMessage, rfc5322Date } from './mime.ts';
import { MimeNode } from './nodemailer.ts';

/** Which subscription mail. */
export type SubscriptionMailKind = 'confirm' | 'already' | 'welcome' | 'change';

/** What a subscription mail needs about its recipient and its link. */
export interface SubscriptionMailRequest {
  kind: SubscriptionMailKind;
  to: { id: number; email: string; name: string | null };
  /** The link of the button: the confirmation link, or the preference centre. */
  url: string;
  /** The subscriber's one-click unsubscribe link (welcome and already-subscribed mails). */
  unsubscribeUrl?: string;
  /** Placeholders of the texts ({hours}, …); {title} and {email} are filled in. */
  vars?: Record<string, string | number>;
}

/** Settings of the mailer. */
export interface SubscriptionMailerOptions {
  templates: SubscriptionTemplates;
  title: string;
  list: ListSettings;
  messenger: Messenger;
  /** Domain of the Message-IDs. */
  domain: string;
  now: () => Date;
  /** The envelope sender of a subscriber (VERP), when configured. */
  returnPath?: (id: number) => string;
}

const TEXTS: Record<SubscriptionMailKind, { subject: string; body: string; button: string; note?: string }> = {
  confirm: { subject: 'mailConfirmSubject', body: 'mailConfirmBody', button: 'confirmButton', note: 'mailConfirmIgnore' },
  already: { subject: 'mailAlreadySubject', body: 'mailAlreadyBody', button: 'mailAlreadyButton' },
  welcome: { subject: 'mailWelcomeSubject', body: 'mailWelcomeBody', button: 'mailAlreadyButton' },
  change: { subject: 'mailChangeSubject', body: 'mailChangeBody', button: 'changeButton', note: 'mailConfirmIgnore' },
};

/** Sends subscription mails. */
export class SubscriptionMailer {
  constructor(private readonly opts: SubscriptionMailerOptions) {}

  /** Describe the transport (for logs). */
  get description(): string {
    return this.opts.messenger.description;
  }

  /** Compose one mail (exposed for tests). */
  async compose(req: SubscriptionMailRequest): Promise<OutgoingMessage> {
    const { templates: tpl, title, list } = this.opts;
    const keys = TEXTS[req.kind];
    const vars = { title, email: req.to.email, ...req.vars };
    const data = {
      title,
      subject: tpl.fmt(keys.subject, vars),
      body: tpl.fmt(keys.body, vars),
      note: keys.note ? tpl.fmt(keys.note, vars) : null,
      footer: tpl.fmt('mailFooter', vars),
      button: { label: tpl.fmt(keys.button, vars), href: req.url },
      unsubscribeUrl: req.unsubscribeUrl ?? null,
    };
    const { mjml, text } = tpl.mail(data);
    const html = await compileMjml(mjml);
    const messageId = `<digest-${req.kind}-${req.to.id}-${randomBytes(6).toString('hex')}@${this.opts.domain}>`;
    const root = new MimeNode('multipart/alternative');
    root.setHeader('From', list.from);
    if (list.replyTo) root.setHeader('Reply-To', list.replyTo);
    root.setHeader('To', { name: req.to.name ?? '', address: req.to.email });
    root.setHeader('Subject', data.subject);
    root.setHeader('Message-ID', messageId);
    root.setHeader('Date', rfc5322Date(this.opts.now()));
    if (req.unsubscribeUrl) {
      root.setHeader('List-Id', { prepared: true, value: listIdHeader(list.listId) });
      root.setHeader('List-Unsubscribe', {
        prepared: true,
        value: `<${req.unsubscribeUrl}>, <mailto:${list.unsubscribeMailto}?subject=unsubscribe>`,
      });
      root.setHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click');
    }
    // Mail a person asked for: no `Precedence: bulk`, so auto-replies and filters treat it as personal.
    root.createChild('text/plain; charset=utf-8').setContent(text);
    root.createChild('text/html; charset=utf-8').setContent(html);
    const raw = (await root.build()) as Buffer;
    const from = this.opts.returnPath?.(req.to.id) ?? bareAddress(list.from);
    return new OutgoingMessage({ from, to: req.to.email }, messageId, (w) => w.bytes(raw));
  }

  /** Compose and send one mail. */
  async send(req: SubscriptionMailRequest): Promise<SendOutcome> {
    const message = await this.compose(req);
    const stamp = this.opts.now().toISOString().replace(/[:.]/g, '-');
    return this.opts.messenger.send(message, { issueDate: 'subscriptions', name: `${stamp}-${req.to.id}-${req.kind}` });
  }

  close(): Promise<void> {
    return this.opts.messenger.close();
  }
}
