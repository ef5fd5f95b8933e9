/**
 * The store as one object: the database and its repositories.
 */
import { openDb, type Db } from './db.ts';
import { DeliveryStore } from './deliveries.ts';
import { IssueStore } from './issues.ts';
import { ItemStore } from './items.ts';
import { OverrideStore } from './overrides.ts';
import { SourceStore } from './sources.ts';
import { SubscriberStore } from './subscribers.ts';

/** All repositories over one SQLite file. */
export interface Store {
  db: Db;
  items: ItemStore;
  issues: IssueStore;
  sources: SourceStore;
  subscribers: SubscriberStore;
  deliveries: DeliveryStore;
  overrides: OverrideStore;
  close(): void;
}

/** Open the store at `path`. */
export function openStore(path: string): Store {
  const db = openDb(path);
  return {
    db,
    items: new ItemStore(db),
    issues: new IssueStore(db),
    sources: new SourceStore(db),
    subscribers: new SubscriberStore(db),
    deliveries: new DeliveryStore(db),
    overrides: new OverrideStore(db),
    close: () => db.close(),
  };
}
