/**
 * Loading the Handlebars templates from `templates/` (the edge: file reads).
 * Each load gets its own Handlebars environment, so partials of one
 * templates folder never leak into another.
 */
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors.ts';

/** Compiled templates of one folder. */
export interface Templates {
  email: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
  web: Handlebars.TemplateDelegate;
  /** The archive page `out/index.html` (src/publish/archive.ts gives it its data). */
  archive: Handlebars.TemplateDelegate;
  /** A hash of every file an issue's render uses (all but archive.hbs): a stored render made with other templates is not reused. */
  fingerprint: string;
}

function read(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path))
    throw new ConfigError(
      `template missing: ${path}`,
      `copy ${name} from digest's own templates/ folder into ${dir} (a folder made with an older version may lack it), or set render.templates to a folder that has it`,
    );
  return readFileSync(path, 'utf8');
}

/**
 * Long names broken only where the printed bulletin would break them: before
 * an opening bracket and after a list comma (、), each piece in a nowrap span.
 * Without it a narrow column strands the last characters of
 * `天津港保税区文教局（图书馆、地方志编修办公室）` on a line of their own.
 * Template use: `{{keepUnits publication.editorialUnit}}`.
 */
export function keepUnits(text: string): string {
  return text
    .split(/(?=[（(])|(?<=[、，,])/u)
    .filter(Boolean)
    .map((piece) => `<span style="white-space:nowrap">${Handlebars.escapeExpression(piece)}</span>`)
    .join('');
}

/** Load and compile the templates of `dir` (issue.mjml.hbs, issue.txt.hbs, web.hbs, archive.hbs, partials/*.hbs). */
export function loadTemplates(dir: string): Templates {
  const hb = Handlebars.create();
  hb.registerHelper('keepUnits', (text: unknown) => new hb.SafeString(keepUnits(String(text ?? ''))));
  const hash = createHash('sha256');
  const partials = join(dir, 'partials');
  if (existsSync(partials)) {
    for (const f of readdirSync(partials)
      .filter((f) => f.endsWith('.hbs'))
      .sort()) {
      const source = readFileSync(join(partials, f), 'utf8');
      hash.update(`partials/${f}\0${source}\0`);
      hb.registerPartial(basename(f, '.hbs'), source);
    }
  }
  const compile = (name: string, opts: CompileOptions = {}, hashed = true) => {
    const source = read(dir, name);
    if (hashed) hash.update(`${name}\0${source}\0`);
    try {
      return hb.compile(source, { strict: false, ...opts });
    } catch (err) {
      throw new ConfigError(`template ${join(dir, name)}: ${(err as Error).message}`, 'fix the Handlebars syntax in that file');
    }
  };
  // The text part is not HTML: nothing is escaped there.
  const email = compile('issue.mjml.hbs');
  const text = compile('issue.txt.hbs', { noEscape: true });
  const web = compile('web.hbs');
  // Not part of a stored issue render: a restyled archive must not make sends render the issue again.
  // Compiled when first used, so a templates folder made before archive.hbs existed still renders issues
  // and only publishing the archive asks for the file (naming it).
  let compiledArchive: Handlebars.TemplateDelegate | undefined;
  const archive: Handlebars.TemplateDelegate = (context, options) => {
    compiledArchive ??= compile('archive.hbs', {}, false);
    return compiledArchive(context, options);
  };
  return { email, text, web, archive, fingerprint: hash.digest('hex') };
}
