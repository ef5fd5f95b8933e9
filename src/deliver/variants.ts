/**
 * The messages of an issue per set of chosen sections. Each variant's
 * message is composed once (like the whole issue's); a recipient is answered
 * with the variant of their stored choice, so a send of any size costs one
 * composition per distinct set, never one per subscriber.
 */
import type { MessageRecipient } from './message.ts';
import type { IssueMessage, OutgoingMessage } from './mime.ts';

/** Messages by stored choice (the subscriber's `sections` JSON); null: nothing of that choice is in this issue. */
export class VariantMessages {
  constructor(
    private readonly full: Pick<IssueMessage, 'forRecipient'>,
    private readonly byChoice: ReadonlyMap<string, Pick<IssueMessage, 'forRecipient'> | null>,
  ) {}

  /** The message for one recipient; null when their sections have nothing in this issue (they are skipped). */
  forRecipient(r: MessageRecipient & { sections?: string | null }, date: Date): OutgoingMessage | null {
    if (!r.sections) return this.full.forRecipient(r, date);
    const variant = this.byChoice.get(r.sections);
    // A choice made after the send started was not prepared: the whole issue rather than nothing.
    if (variant === undefined) return this.full.forRecipient(r, date);
    return variant ? variant.forRecipient(r, date) : null;
  }
}
