import { writeFile } from 'node:fs/promises';
import { formatHtmlDate, type RecordSectionCode } from '@gpconnect/fhir';
import { crossCheckDemographics, displayName, narrativeLines, type CareRecord, type CareRecordDemographics, type GpConnectClientOptions } from '@gpconnect/sdk';
import { withClient } from './consumer-commands.ts';

/**
 * `gpconnect care-record`: one Access Record HTML section (0.7.4) of a patient's record, traced on
 * PDS and fetched through SDS and the proxy — as text for the terminal, the Bundle as JSON, or a page
 * for the browser with the patient banner above the practice's XHTML (access-record-html.md §7).
 */

export interface CareRecordCommand {
  nhsNumber: string;
  section: RecordSectionCode;
  from: string | undefined;
  to: string | undefined;
  /** Write a standalone HTML page here. */
  html: string | undefined;
  json: boolean;
}

/** The NHS number as people read it: 3-3-4 digits. */
const spacedNhsNumber = (value: string | undefined) => (value && /^\d{10}$/.test(value) ? `${value.slice(0, 3)} ${value.slice(3, 6)} ${value.slice(6)}` : (value ?? ''));

/** The banner's fields, in the order a patient banner shows them; absent ones left out. */
function bannerFields(demographics: CareRecordDemographics): [string, string][] {
  const practice = [demographics.managingOrganisationOds, demographics.managingOrganisationName].filter(Boolean).join(' ');
  const fields: [string, string | undefined][] = [
    ['NHS number', spacedNhsNumber(demographics.nhsNumber)],
    ['Born', demographics.birthDate && formatHtmlDate(demographics.birthDate)],
    ['Gender', demographics.gender],
    ['Died', demographics.deceasedDateTime && formatHtmlDate(demographics.deceasedDateTime)],
    ['Practice', practice],
  ];
  return fields.filter((field): field is [string, string] => Boolean(field[1]));
}

/** The patient's name as a banner shows it: FAMILY, Given (Title). */
function bannerName(demographics: CareRecordDemographics): string {
  const family = (demographics.family ?? '').toUpperCase();
  const given = demographics.given.join(' ');
  const title = demographics.prefix.length > 0 ? ` (${demographics.prefix.join(' ')})` : '';
  return `${[family, given].filter(Boolean).join(', ')}${title}`;
}

const provenance = (record: CareRecord) => `${record.section.title} from ${record.demographics.managingOrganisationOds ?? 'the practice'}${record.date ? `, generated ${record.date}` : ''}`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const PAGE_STYLE = [
  'body{font-family:Arial,Helvetica,sans-serif;margin:0;min-width:1024px;color:#212b32}',
  '.patient-banner{background:#005eb8;color:#fff;padding:12px 24px}',
  '.patient-name{font-size:1.4em;font-weight:bold}',
  '.patient-banner dl{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0 0}',
  '.patient-banner dt{font-weight:bold}.patient-banner dd{margin:0 0 0 6px}.patient-banner div{display:flex}',
  '.cross-check{background:#ffeb3b;color:#212b32;margin:8px 0 0;padding:8px 24px}',
  '.provenance{margin:8px 0 0;font-size:.9em}',
  '.care-record{padding:12px 24px}',
  '.care-record table{border-collapse:collapse;margin:8px 0 16px}',
  '.care-record th,.care-record td{border:1px solid #aeb7bd;padding:4px 8px;text-align:left;vertical-align:top}',
  '.care-record div[class$="-banner"]{background:#e8edee;padding:0 8px;margin:4px 0}',
].join('');

/**
 * A page for the browser: the patient banner (every value escaped) with any cross-check differences,
 * then the practice's XHTML exactly as it came. Nothing in the page may run: its policy allows no
 * script, no fetch and no outside resource, only the page's own style.
 */
export function careRecordPage(record: CareRecord, crossCheck: readonly string[]): string {
  const { demographics } = record;
  const fields = bannerFields(demographics).map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>`);
  const warnings = crossCheck.length > 0 ? `<ul class="cross-check">${crossCheck.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(`${record.section.title}: ${displayName(demographics)}`)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    `<header class="patient-banner"><div class="patient-name">${escapeHtml(bannerName(demographics))}</div><dl>${fields.join('')}</dl>${warnings}<p class="provenance">${escapeHtml(provenance(record))}</p></header>`,
    `<main class="care-record">${record.xhtml}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The banner and the section as terminal text, cross-check differences first. */
function careRecordText(record: CareRecord, crossCheck: readonly string[]): string {
  return [
    [bannerName(record.demographics), ...bannerFields(record.demographics).map(([label, value]) => `${label} ${value}`)].join('  '),
    provenance(record),
    ...crossCheck.map((w) => `Cross-check: ${w}`),
    '',
    ...narrativeLines(record.xhtml),
  ].join('\n');
}

export async function careRecord(options: GpConnectClientOptions, command: CareRecordCommand): Promise<string> {
  return withClient(options, async (client) => {
    const traced = await client.trace(command.nhsNumber);
    const period = command.from || command.to ? { ...(command.from ? { start: command.from } : {}), ...(command.to ? { end: command.to } : {}) } : undefined;
    const record = await client.getCareRecord(traced.odsCode, traced.nhsNumber, command.section, period);
    const crossCheck = crossCheckDemographics(record.demographics, traced.resource);
    if (command.html) await writeFile(command.html, careRecordPage(record, crossCheck));
    if (command.json) return JSON.stringify(record.bundle, null, 2);
    return command.html ? `Saved ${command.html} (${provenance(record)})` : careRecordText(record, crossCheck);
  });
}
