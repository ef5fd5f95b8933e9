/**
 * Live reload: watch the templates folder, the config file and the inbox
 * folders (chokidar), and bring the preview up to date when an editor saves.
 * Bursts of events (an editor writing a temp file, then renaming it) are
 * folded into one reload.
 */
import { watch, type FSWatcher } from 'chokidar';
import { resolve, sep } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Preview } from './model.ts';

/** A running watcher. */
export interface PreviewWatcher {
  /** Resolves once the initial scan is done (edits after this are seen). */
  ready: Promise<void>;
  close(): Promise<void>;
}

type Area = 'config' | 'templates' | 'inbox';

function targets(preview: Preview): Map<string, Area> {
  const map = new Map<string, Area>();
  if (preview.configFile) map.set(preview.configFile, 'config');
  map.set(resolve(preview.config.render.templates), 'templates');
  for (const folder of preview.inboxFolders()) map.set(folder, 'inbox');
  return map;
}

function areaOf(path: string, watched: Map<string, Area>): Area | undefined {
  const abs = resolve(path);
  for (const [target, area] of watched) if (abs === target || abs.startsWith(target + sep)) return area;
  return undefined;
}

/** Watch what the preview depends on; `log` hears about reloads and failures. */
export function watchPreview(preview: Preview, log: (line: string) => void, debounceMs = 150): PreviewWatcher {
  let watched = targets(preview);
  let pending = new Set<Area>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  let watcher: FSWatcher;
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));

  const start = (): FSWatcher => {
    const w = watch([...watched.keys()], { ignoreInitial: true, ignored: (p) => /(^|[/\\])(\.#|#|~)|~$|\.sw[px]$/.test(p) });
    w.on('all', (_event, path) => {
      const area = areaOf(path, watched);
      if (!area) return;
      pending.add(area);
      clearTimeout(timer);
      timer = setTimeout(flush, debounceMs);
    });
    w.on('error', (err) => log(`preview: watch error: ${errorMessage(err)}`));
    return w;
  };

  async function apply(areas: Set<Area>): Promise<void> {
    if (areas.has('config')) {
      preview.reloadConfig();
      // Sections, sources or the templates folder may have moved: watch the new set.
      const next = targets(preview);
      if ([...next.keys()].join('\n') !== [...watched.keys()].join('\n')) {
        const old = watcher;
        watched = next;
        watcher = start();
        await old.close();
      }
    }
    if (areas.has('templates') && !areas.has('config')) preview.reloadTemplates();
    if (areas.has('inbox') || areas.has('config')) await preview.ingestInbox();
    log(`preview: reloaded (${[...areas].join(', ')} changed)`);
    preview.changed();
  }

  function flush(): void {
    const areas = pending;
    pending = new Set();
    // Reloads run one after another, never interleaved.
    running = running.then(() => apply(areas)).catch((err) => log(`preview: reload failed: ${errorMessage(err)}`));
  }

  watcher = start();
  watcher.on('ready', () => ready());
  return {
    ready: readyPromise,
    close: async () => {
      clearTimeout(timer);
      await running;
      await watcher.close();
    },
  };
}
