/**
 * `digest send --to ADDRESS`: one test copy through the real transport,
 * with a [TEST] subject and no delivery record.
 */
import { resolve } from 'node:path';
import { buildMessage } from '../deliver/message.ts';
import { validateEmail } from '../store/subscribers.ts';
import { DigestError } from '../errors.ts';
import { loadTemplates } from '../render/templates.ts';
import { createMessenger, fromDomain, listSettings, type Context } from './context.ts';
import { renderStored } from './cycle.ts';

/** Send a test copy of the issue of `date` to `to`. */
export async function sendTest(ctx: Context, date: string, to: string): Promise<{ date: string; to: string; transport: string }> {
  const address = validateEmail(to, '--to');
  const stored = ctx.store.issues.get(date);
  if (!stored) throw new DigestError(`no issue for ${date}`, `build it first: digest build --date ${date}`);
  const rendered = await renderStored(ctx, stored.issue, loadTemplates(resolve(ctx.config.render.templates)));
  const messenger = createMessenger(ctx.config);
  try {
    const mail = buildMessage(
      rendered,
      { email: address, name: null, messageId: `<digest-test-${date}-${Date.now()}@${fromDomain(ctx.config)}>`, unsubscribeUrl: `${ctx.config.publication.baseUrl.replace(/\/?$/, '/')}unsubscribe` },
      listSettings(ctx.config),
      '[TEST] ',
    );
    // Test copies go to the outbox under a "test" folder, never into an issue's delivery files.
    const outcome = await messenger.send(mail, { issueDate: `${date}-test`, subscriberId: Date.now() % 1_000_000 });
    if (!outcome.ok) throw new DigestError(`test copy to ${address} failed: ${outcome.error}`);
    return { date, to: address, transport: messenger.description };
  } finally {
    await messenger.close();
  }
}
