/** Whether the bundle in `dist` is current with `src` (directory URLs ending in `/`). */
export function buildIsCurrent(src: URL, dist: URL): boolean;
