/**
 * HTML built from templates where every interpolated value is escaped unless
 * it is already HTML made here: `html\`<td>${name}</td>\`` escapes `name`,
 * while a nested html`` (or a list of them) goes in as it is. Values land in
 * text and in quoted attributes alike, so quotes are escaped too. `raw` is
 * for markup the server itself wrote (an SVG it drew), never for data.
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** What a template takes: text (escaped), numbers, HTML made here, lists of these; nothing for null, undefined and false. */
export type Html = SafeHtml | string | number | boolean | null | undefined | readonly Html[];

function render(v: Html): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new SafeHtml(out);
}

/** Markup the server wrote itself; never pass data through this. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
