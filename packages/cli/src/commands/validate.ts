import { readFile } from 'node:fs/promises';
import { fhirXmlToJson, validateResource, validationOutcome, type ValidationIssue, type ValidationOperationOutcome } from '@gpconnect/fhir';

export class UnreadableFileError extends Error {}

export interface FileValidation {
  file: string;
  issues: readonly ValidationIssue[];
  outcome: ValidationOperationOutcome;
}

/** Reads a FHIR resource from JSON or XML (chosen by its first character, as a server would by Content-Type). */
function parseResource(file: string, text: string): unknown {
  const trimmed = text.trimStart();
  try {
    return trimmed.startsWith('<') ? fhirXmlToJson(trimmed) : JSON.parse(trimmed);
  } catch (error) {
    throw new UnreadableFileError(`${file}: not a FHIR JSON or XML resource (${(error as Error).message})`);
  }
}

/** Validates each file against the GP Connect profiles its resources claim (and core STU3). */
export async function validateFiles(files: readonly string[]): Promise<FileValidation[]> {
  const results: FileValidation[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new UnreadableFileError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    const { issues } = validateResource(parseResource(file, text));
    results.push({ file, issues, outcome: validationOutcome(issues) });
  }
  return results;
}

/** One line per issue, then a summary line per file. */
export function formatValidation(results: readonly FileValidation[]): string {
  const lines: string[] = [];
  for (const { file, issues } of results) {
    for (const issue of issues) lines.push(`${file}: ${issue.severity} ${issue.location}: ${issue.message}`);
    const errors = issues.filter((i) => i.severity === 'error').length;
    lines.push(`${file}: ${errors === 0 ? 'valid' : 'invalid'} (${errors} error${errors === 1 ? '' : 's'}, ${issues.length - errors} warning${issues.length - errors === 1 ? '' : 's'})`);
  }
  return `${lines.join('\n')}\n`;
}
