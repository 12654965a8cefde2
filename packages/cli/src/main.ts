import { buildProgram } from './program.ts';
import { SettingsError } from './settings.ts';
import { StoreBusyError } from './store-access.ts';
import { UnknownCapabilityError, UnknownPracticeError } from './commands/practice.ts';
import { UnreadableFileError } from './commands/validate.ts';
import { FhirXmlError } from '@gpconnect/fhir';
import { CareRecordResponseError, EndpointNotFoundError, GpConnectRequestError, PracticeNotFoundError } from '@gpconnect/sdk';
import { NotAvailableError } from './consumer/consumer-commands.ts';

/** Errors a person can act on: their message alone, no stack. */
const EXPLAINED = [SettingsError, StoreBusyError, UnknownCapabilityError, UnknownPracticeError, UnreadableFileError, GpConnectRequestError, PracticeNotFoundError, EndpointNotFoundError, NotAvailableError, CareRecordResponseError, FhirXmlError];

try {
  await buildProgram({ out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), env: process.env }).parseAsync(process.argv);
} catch (error) {
  if (EXPLAINED.some((kind) => error instanceof kind)) {
    process.stderr.write(`gpconnect: ${(error as Error).message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
    process.stderr.write(`gpconnect: ${(error as Error).message}: is gpconnect up running?\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`gpconnect: ${(error as Error).message}; choose another PORT\n`);
  } else {
    process.stderr.write(`gpconnect: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exitCode = 1;
}
