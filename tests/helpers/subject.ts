/**
 * The subject an issue gets with the default template (`{{title}}｜{{lead}}`),
 * computed from its published issue.json, for tests that read what the CLI
 * sent or published.
 */
import { subjectLine } from '../../src/render/view.ts';

interface PublishedIssue {
  title: string;
  sections: { items: { title: string; issuer: string | null }[] }[];
}

/** `信息摘编｜发布机构：标题` of the issue's first item (cut near 60 characters like the renderer). */
export function subjectOf(issue: PublishedIssue): string {
  const first = issue.sections.find((s) => s.items.length)!.items[0]!;
  const lead = first.issuer ? `${first.issuer}：${first.title}` : first.title;
  return subjectLine('{{title}}｜{{lead}}', { title: issue.title, lead, numbering: '', date: '' });
}
