/**
 * The preview's render cache: rendering the issue (MJML) is the slow part of
 * a page, and a page asks for it up to four times (the page and its frames),
 * so the last render is kept while its key — what it was made from — holds.
 */

/** One cached promise under a key; a failed render is dropped so the next request tries again. */
export class RenderCache<T> {
  private entry: { key: string; result: Promise<T> } | null = null;

  /** The value for `key`, made by `make` when the cached one has another key. */
  get(key: string, make: () => Promise<T>): Promise<T> {
    if (this.entry?.key !== key) {
      const result = make();
      result.catch(() => {
        if (this.entry?.result === result) this.entry = null;
      });
      this.entry = { key, result };
    }
    return this.entry.result;
  }

  /** Forget the cached render (templates changed). */
  clear(): void {
    this.entry = null;
  }
}
