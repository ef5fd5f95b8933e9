/**
 * `digest send --to ADDRESS`: one test copy through the real transport, with
 * a [TEST] subject and no delivery record (the preview's "send test" too).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { loadMail, signedUnsubscribeUrl, unsubscribeEndpoint } from '../deliver/index.ts';
import { DigestError } from '../errors.ts';
import { loadTemplates } from '../render/index.ts';
import { validateEmail } from '../store/index.ts';
import type { Issue } from '../types.ts';
import { fromDomain, listSettings, requireStrongSecretForSmtp, type Context } from './context.ts';
import { renderedParts } from './render.ts';

/**
 * Send a test copy of the issue of `date` to `to`. `unsaved` sends that issue
 * instead of the stored one (the preview's composition, which may not be built yet).
 */
export async function sendTest(
  ctx: Context,
  date: string,
  to: string,
  unsaved?: Issue,
): Promise<{ date: string; to: string; transport: string; messageId: string }> {
  const { config } = ctx;
  requireStrongSecretForSmtp(config, 'a test copy over SMTP carries a signed link');
  const address = validateEmail(to, '--to');
  const issue = unsaved ?? ctx.store.issues.get(date)?.issue;
  if (!issue) throw new DigestError(`no issue for ${date}`, `build it first: digest build --date ${date}`);
  const rendered = await renderedParts(ctx, issue, loadTemplates(resolve(config.render.templates)));
  // A subscriber gets their own working link; anyone else the bare endpoint, whose page says the link is incomplete.
  const endpoint = unsubscribeEndpoint(config.publication.baseUrl, config.delivery.unsubscribeUrl);
  const known = ctx.store.subscribers.find(address);
  const unsubscribeUrl = known ? signedUnsubscribeUrl(endpoint, config.delivery.unsubscribeSecret, known.id, known.email) : endpoint;
  const stamp = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const messageId = `<digest-test-${date}-${stamp}@${fromDomain(config)}>`;
  const { IssueMessage, createMessenger } = await loadMail();
  const message = new IssueMessage(rendered, listSettings(config), { subjectPrefix: '[TEST] ' }).forRecipient(
    { email: address, name: known?.name ?? null, messageId, unsubscribeUrl },
    ctx.now(),
  );
  const messenger = createMessenger(config.delivery, config.output.dir);
  try {
    // In the outbox, test copies go to `<date>-test/`, never among the issue's deliveries.
    const outcome = await messenger.send(message, { issueDate: `${date}-test`, name: `test-${stamp}` });
    if (!outcome.ok) throw new DigestError(`test copy to ${address} failed: ${outcome.error}`, 'check delivery.smtp and the address');
    return { date, to: address, transport: messenger.description, messageId };
  } finally {
    await messenger.close();
  }
}
