/**
 * The only way Access Record HTML writes markup (access-record-html.md §5). Text goes in as text and
 * is always escaped; markup is only what these functions build, from the few elements and the two
 * attributes the specification allows. Record text is the patient's record as clinicians typed it
 * (and as other systems sent it): it may hold anything, markup included, and must reach the
 * consumer's screen as the same characters, never as markup.
 */

/** Markup built by this module; a plain string is never taken for markup. */
export class Xhtml {
  private constructor(readonly markup: string) {}

  /** For this module only: every caller outside goes through `element` or `text`. */
  static trusted(markup: string): Xhtml {
    return new Xhtml(markup);
  }
}

/** Elements the narrative may contain: no script, style, form, link, anchor or embedded object (§5). */
export type AllowedElement = 'div' | 'h1' | 'h2' | 'p' | 'table' | 'thead' | 'tbody' | 'tr' | 'th' | 'td';

/** `id` on tables and `class` on banners and date cells are the only attributes the layout uses (§5). */
export interface AllowedAttributes {
  id?: string;
  class?: string;
}

export type Content = string | Xhtml | undefined | false | readonly Content[];

/**
 * XML's own entities only (§5: no HTML entities). Quotes are escaped in attribute values, which are
 * always double-quoted; in text they stay as typed, so "No 'Referrals' data" reads as the spec writes it.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Characters XML 1.0 cannot carry at all (most C0 controls, unpaired surrogates, U+FFFE/U+FFFF):
 * dropped, since a narrative holding one would not parse. Tabs become spaces (§5: no tab characters).
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeLine(line: string, specials = /[&<>]/g): string {
  return line.replace(NOT_XML, '').replace(/\t/g, ' ').replace(specials, (c) => ESCAPES[c]!);
}

/** Text as it reads: escaped, and a line break (the narrative may hold no newline character, §5) as `<br/>`. */
export function text(value: string): Xhtml {
  return Xhtml.trusted(value.split(/\r\n|\r|\n/).map((line) => escapeLine(line)).join('<br/>'));
}

function render(content: Content): string {
  if (content === undefined || content === false) return '';
  if (typeof content === 'string') return text(content).markup;
  if (content instanceof Xhtml) return content.markup;
  return (content as readonly Content[]).map(render).join('');
}

export function element(name: AllowedElement, attributes: AllowedAttributes | null, ...children: Content[]): Xhtml {
  const attrs = Object.entries(attributes ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeLine(value as string, /[&<>"]/g)}"`)
    .join('');
  return Xhtml.trusted(`<${name}${attrs}>${render(children)}</${name}>`);
}

/** Lines of one cell, each on its own line. */
export function lines(...values: readonly string[]): Xhtml {
  return Xhtml.trusted(values.map((v) => text(v).markup).join('<br/>'));
}

/** The narrative's root: the one `div` a FHIR Narrative holds, in the XHTML namespace. */
export function narrative(...children: Content[]): string {
  return `<div xmlns="http://www.w3.org/1999/xhtml">${render(children)}</div>`;
}
