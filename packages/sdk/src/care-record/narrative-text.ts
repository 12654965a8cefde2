import { readXhtml, type XhtmlElement, type XhtmlNode } from '@gpconnect/fhir';

/**
 * A care record narrative (the XHTML of access-record-html.md §5) for places that cannot show markup:
 * read into blocks — headings, banners, paragraphs and tables, in order — and laid out as plain text
 * lines for a terminal. Any well-formed XHTML narrative reads; the layout §5 prescribes reads best.
 */

export type NarrativeBlock =
  | { kind: 'heading'; level: number; text: string }
  /** A `<div class="…-banner">`: the GP transfer, content, date or exclusion banner (`banner` is the class). */
  | { kind: 'banner'; banner: string; text: string }
  | { kind: 'paragraph'; text: string }
  /** Cells hold their line breaks as newlines. */
  | { kind: 'table'; id: string | undefined; columns: string[]; rows: string[][] };

const BLOCK_ELEMENTS = new Set(['div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'li', 'blockquote', 'pre', 'hr']);
const HEADING = /^h([1-6])$/;

const isBlock = (node: XhtmlNode): node is XhtmlElement => typeof node !== 'string' && BLOCK_ELEMENTS.has(node.name);
const childElements = (element: XhtmlElement, ...names: string[]) => element.children.filter((c): c is XhtmlElement => typeof c !== 'string' && names.includes(c.name));

/** What an element reads as: runs of white space as one space, `<br/>` and block boundaries as newlines. */
function textOf(nodes: readonly XhtmlNode[]): string {
  const raw = (node: XhtmlNode): string => {
    if (typeof node === 'string') return node.replace(/[ \t\r\n]+/g, ' ');
    if (node.name === 'br') return '\n';
    const inner = node.children.map(raw).join('');
    return isBlock(node) ? `\n${inner}\n` : inner;
  };
  return nodes
    .map(raw)
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

function table(element: XhtmlElement): NarrativeBlock {
  const rowsIn = (parent: XhtmlElement) => childElements(parent, 'tr');
  const head = childElements(element, 'thead').flatMap(rowsIn);
  // Cells straight under the table (no row around them) are read as a row of their own.
  const loose = childElements(element, 'th', 'td');
  const body = [...(loose.length > 0 ? [{ name: 'tr', attributes: {}, children: loose }] : []), ...rowsIn(element), ...childElements(element, 'tbody', 'tfoot').flatMap(rowsIn)];
  // Without a thead, a first row of header cells is the header.
  const header = head[0] ?? (body[0] && childElements(body[0], 'td').length === 0 ? body.shift() : undefined);
  const cells = (row: XhtmlElement) => childElements(row, 'th', 'td').map((cell) => textOf(cell.children));
  return { kind: 'table', id: element.attributes['id'], columns: header ? cells(header) : [], rows: body.map(cells) };
}

function blocksOf(nodes: readonly XhtmlNode[], into: NarrativeBlock[]): NarrativeBlock[] {
  let inline: XhtmlNode[] = [];
  const flush = () => {
    const text = textOf(inline);
    if (text !== '') into.push({ kind: 'paragraph', text });
    inline = [];
  };
  for (const node of nodes) {
    if (!isBlock(node)) {
      inline.push(node);
      continue;
    }
    flush();
    const heading = HEADING.exec(node.name);
    const banner = node.name === 'div' ? (node.attributes['class'] ?? '').split(/\s+/).find((c) => c.endsWith('-banner')) : undefined;
    if (heading) into.push({ kind: 'heading', level: Number(heading[1]), text: textOf(node.children) });
    else if (banner) into.push({ kind: 'banner', banner, text: textOf(node.children) });
    else if (node.name === 'table') into.push(table(node));
    else if (node.name === 'p' || node.name === 'pre' || node.name === 'blockquote') into.push({ kind: 'paragraph', text: textOf(node.children) });
    else if (node.name === 'li') into.push({ kind: 'paragraph', text: `- ${textOf(node.children)}` });
    else blocksOf(node.children, into);
  }
  flush();
  return into;
}

/** The narrative's blocks in document order; throws FhirXmlError when it is not well-formed XHTML. */
export function readNarrative(xhtml: string): NarrativeBlock[] {
  return blocksOf([readXhtml(xhtml)], []);
}

/**
 * A table as lines of text: a header line, then each row, columns padded to their widest cell and
 * two spaces apart (the last column unpadded). A cell holding line breaks spreads over as many lines.
 */
export function formatTextTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const split = (row: readonly string[]) => header.map((_, i) => (row[i] ?? '').split('\n'));
  const all = [header, ...rows].map(split);
  const widths = header.map((_, i) => Math.max(...all.map((cells) => Math.max(...cells[i]!.map((line) => line.length)))));
  return all.flatMap((cells) => {
    const height = Math.max(...cells.map((lines) => lines.length));
    return Array.from({ length: height }, (_, n) =>
      cells
        .map((lines, i) => (i === cells.length - 1 ? (lines[n] ?? '') : (lines[n] ?? '').padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    );
  });
}

/**
 * The narrative as plain text lines for a terminal: the section title underlined with `=`,
 * subsection titles with `-`, each banner and notice on its own lines, each table as aligned rows.
 */
export function narrativeLines(xhtml: string): string[] {
  const lines: string[] = [];
  let previous: NarrativeBlock | undefined;
  for (const block of readNarrative(xhtml)) {
    // A blank line opens each subsection and sets each table apart from the banners above it.
    if (previous && (block.kind === 'heading' || (block.kind === 'table' && previous.kind !== 'heading'))) lines.push('');
    if (block.kind === 'heading') lines.push(block.text, (block.level === 1 ? '=' : '-').repeat(block.text.length));
    else if (block.kind === 'table' && block.columns.length > 0) lines.push(...formatTextTable(block.columns, block.rows));
    // A table without a header: its rows alone, as wide as its widest row.
    else if (block.kind === 'table') lines.push(...formatTextTable(Array.from({ length: Math.max(0, ...block.rows.map((r) => r.length)) }, () => ''), block.rows).slice(1));
    else lines.push(...block.text.split('\n'));
    previous = block;
  }
  return lines;
}
