/**
 * Noticing changes made by other processes (a CLI override or build, the
 * scheduler): the store's data_version moves on any write by another
 * connection, and only when what the page shows changed are open pages told.
 * Writes that change nothing here (the scheduler renewing its lock every few
 * seconds) do not reload anyone's page.
 */

/** Polls `version()`; when it moved, compares `shown()` with the last and calls `changed()` on a difference. */
export class ExternalChanges {
  private version = -1;
  private shownSignature: string | null = null;

  constructor(
    private readonly dataVersion: () => number,
    private readonly shown: () => string,
    private readonly changed: () => void,
  ) {}

  /** Called periodically by the server. */
  check(): void {
    const version = this.dataVersion();
    if (version === this.version) return;
    this.version = version;
    const shown = this.shown();
    if (this.shownSignature !== null && shown !== this.shownSignature) this.changed();
    this.shownSignature = shown;
  }
}
