/**
 * The labelled set and settings shared by the section accuracy tests: read
 * from tests/fixtures (the repository's own copies), with the sample configuration.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import type { TrainingExample } from '../../src/section/classifier.ts';
import { parseLabelledJsonl } from '../../src/section/corpus.ts';
import { corpusItems } from '../../src/ingest/labelled.ts';
import type { NamedLists } from '../../src/config/index.ts';
import { labelledSet } from '../../src/ingest/labelled.ts';
import type { SectionConfig } from '../../src/types.ts';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/sections/${path}`, import.meta.url), 'utf8');

export const config = loadConfig('config/digest.yaml', { DIGEST_UNSUBSCRIBE_SECRET: 'x' });
export const { sections } = config;
export const { lists } = config.sectioning;
export const minConfidence = config.sectioning.classifier.minConfidence;
export const labelledText = fixture('labelled.jsonl');
export const records = parseLabelledJsonl(labelledText);
export const corpus = corpusItems(records);
export const train = corpus.filter((l) => l.record.split === 'train');
export const frozen = corpus.filter((l) => l.record.split === 'frozen');

const seedText = readFileSync(new URL('./fixtures/seed-001.txt', import.meta.url), 'utf8');
/** The seed issue's items, labelled by its table of contents, for the given sections. */
export const seedIssue = (secs: SectionConfig[] = sections) =>
  labelledSet(seedText, 'seed-001.txt', secs, '2024-07-15T00:00:00.000Z', 'Asia/Shanghai').items;
/** The seed issue as training examples. */
export const seedHistory = (secs: SectionConfig[] = sections): TrainingExample[] =>
  seedIssue(secs).map((l) => ({ item: l.item, sectionId: l.sectionId }));

/** The rules and lists shipped when issue 17 was filed (they made its systematic confusions). */
export const before = parseYaml(fixture('rules-before-issue-17.yaml')) as { sections: SectionConfig[]; lists: NamedLists };
