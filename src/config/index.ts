/**
 * The config stage's entry module: the schema's types and loading. Only the
 * CLI loads configuration; other stages use the `Config` type.
 */
export { DEFAULT_CONFIG_PATH, loadConfig, parseConfig, substituteEnv } from './load.ts';
export { configSchema, type Config, type ConfigInput, type SourceConfig } from './schema.ts';
export {
  checkRules,
  DEFAULT_ORDER,
  defaultSections,
  LIST_FIELDS,
  PATTERN_FIELDS,
  resolveSectioningData,
  shippedIssuerWeights,
  shippedLists,
  type NamedLists,
  type SectioningData,
} from './sections.ts';
