import { formatTextTable } from '@gpconnect/sdk';

/** A plain text table: a header row, then rows, columns padded to their widest cell (a cell's line breaks spread it over lines). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return formatTextTable(header, rows).join('\n');
}
