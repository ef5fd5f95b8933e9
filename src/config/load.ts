/**
 * Loading configuration: YAML file → `${ENV}` substitution → zod validation.
 * Errors name the file, the key path and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type * as z from 'zod';
import { ConfigError } from '../errors.ts';
import { checkRules, defaultSections, resolveSectioningData } from './sections.ts';
import { configSchema, type Config } from './schema.ts';

/** Default config file, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'config/digest.yaml';

/**
 * Replace `${NAME}` in every string of a parsed YAML tree with the environment
 * variable NAME (`$${NAME}` keeps a literal). A missing variable is an error
 * naming the key path, so secrets never silently become empty strings.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (match, name: string, fallback?: string) => {
      if (match.startsWith('$$')) return match.slice(1);
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        `${formatPath(path)}: environment variable ${name} is not set`,
        `export ${name}=… before running, or write \${${name}:-default} to give a default`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k])]));
  }
  return value;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length ? path.map(String).join('.') : '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} — check the spelling against config/digest.yaml`;
  }
  return `${where}: ${issue.message}`;
}

/** Validate an already-parsed config object (used by tests and by loadConfig). */
export function parseConfig(raw: unknown, origin: string, env: NodeJS.ProcessEnv = process.env): Config {
  const substituted = substituteEnv(raw ?? {}, env);
  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue);
    throw new ConfigError(
      `invalid configuration in ${origin}:\n  ${lines.join('\n  ')}`,
      'fix the key(s) above; config/digest.yaml documents every key',
    );
  }
  const config = result.data;
  // out/ is what gets published: a database inside it would be put on the web.
  const fromOut = relative(resolve(config.output.dir), resolve(config.store.path));
  if (fromOut === '' || (!fromOut.startsWith('..') && !isAbsolute(fromOut))) {
    throw new ConfigError(
      `invalid configuration in ${origin}: store.path "${config.store.path}" lies inside output.dir "${config.output.dir}", which is published`,
      'keep the database outside output.dir, e.g. store: { path: data/digest.db }',
    );
  }
  const sections = config.sections ?? defaultSections();
  const ids = new Set<string>();
  for (const s of [...sections, ...config.sources]) {
    if (ids.has(s.id)) {
      throw new ConfigError(`invalid configuration in ${origin}: duplicate id "${s.id}"`, 'give every section and source its own id');
    }
    ids.add(s.id);
  }
  for (const section of sections) {
    for (const rule of section.rules) {
      for (const pattern of [...(rule.issuerPatterns ?? []), ...(rule.titlePatterns ?? [])]) {
        try {
          new RegExp(pattern, 'u');
        } catch (err) {
          throw new ConfigError(
            `invalid configuration in ${origin}: sections.${section.id}.rules.${rule.id}: bad pattern ${JSON.stringify(pattern)} (${(err as Error).message})`,
            'write a JavaScript regular expression; escape ( ) [ ] with \\\\',
          );
        }
      }
    }
  }
  // Named lists: the shipped ones (src/section/rule-data.yaml) under the configured ones.
  const sectioning = { ...config.sectioning, ...resolveSectioningData(config.sectioning) };
  const ruleProblems = checkRules(sections, sectioning.lists);
  if (ruleProblems.length) {
    throw new ConfigError(
      `invalid configuration in ${origin}:\n  ${ruleProblems.join('\n  ')}`,
      'use a list named in src/section/rule-data.yaml or define it under sectioning.lists',
    );
  }
  return { ...config, sections, sectioning, configPath: origin };
}

/**
 * Load the config file. An explicit path that does not exist is an error; the
 * default path falling back to the embedded defaults lets a bare clone run.
 */
export function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const path = explicitPath ?? env.DIGEST_CONFIG ?? DEFAULT_CONFIG_PATH;
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    if (explicitPath || env.DIGEST_CONFIG) {
      throw new ConfigError(`config file not found: ${path}`, 'pass an existing file with --config, or copy config/digest.yaml');
    }
    return parseConfig({}, '(embedded defaults)', env);
  }
  const doc = parseDocument(readFileSync(absolute, 'utf8'), { prettyErrors: true });
  if (doc.errors.length) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line ?? 0;
    throw new ConfigError(
      `${path}:${line}: YAML syntax error: ${first.message.split('\n')[0]}`,
      'fix the YAML at that line (indentation, quotes, colons)',
    );
  }
  return parseConfig(doc.toJS(), path, env);
}
