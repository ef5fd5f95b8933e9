/**
 * Files shipped beside the code (section rule data, preview assets), found by
 * their path under src/. Running the sources, they are next to this module;
 * running the bundle (dist/, see scripts/build.mjs), this module's code may
 * sit in any output file, so bin/digest.js says where the bundle's copies are.
 */
const root: URL = (globalThis as { digestAssetRoot?: URL }).digestAssetRoot ?? new URL('./', import.meta.url);

/** The URL of a shipped file, by its path under src/ (e.g. `section/rule-data.yaml`). */
export function assetUrl(pathUnderSrc: string): URL {
  return new URL(pathUnderSrc, root);
}
