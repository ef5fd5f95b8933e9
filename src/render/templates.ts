/**
 * Loading the Handlebars templates from `templates/` (the edge: file reads).
 * Each load gets its own Handlebars environment, so partials of one
 * templates folder never leak into another.
 */
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors.ts';

/** Compiled templates of one folder. */
export interface Templates {
  email: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
  web: Handlebars.TemplateDelegate;
}

function read(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) throw new ConfigError(`template missing: ${path}`, `restore it from the repository or set render.templates to a folder that has ${name}`);
  return readFileSync(path, 'utf8');
}

/** Load and compile the templates of `dir` (issue.mjml.hbs, issue.txt.hbs, web.hbs, partials/*.hbs). */
export function loadTemplates(dir: string): Templates {
  const hb = Handlebars.create();
  const partials = join(dir, 'partials');
  if (existsSync(partials)) {
    for (const f of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
      hb.registerPartial(basename(f, '.hbs'), readFileSync(join(partials, f), 'utf8'));
    }
  }
  const compile = (name: string, opts: CompileOptions = {}) => {
    try {
      return hb.compile(read(dir, name), { strict: false, ...opts });
    } catch (err) {
      throw new ConfigError(`template ${join(dir, name)}: ${(err as Error).message}`, 'fix the Handlebars syntax in that file');
    }
  };
  // The text part is not HTML: nothing is escaped there.
  return { email: compile('issue.mjml.hbs'), text: compile('issue.txt.hbs', { noEscape: true }), web: compile('web.hbs') };
}
