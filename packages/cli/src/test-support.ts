import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { IDENTIFIER_SYSTEMS, type InteractionName } from '@gpconnect/fhir';
import { gpconnectHeaders, registrationParameters, registrationPatient } from '@gpconnect/provider/testing';

/** The real command, as `npm start` and the bin script run it: a separate Node process. */
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { stdout: () => stdout, stderr: () => stderr };
}

/** Runs a command to completion. */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawnCli(args, env);
  const output = collect(child);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

export interface RunningCli {
  url: string;
  /** What `up` printed before it was serving. */
  banner: string;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<CliResult>;
}

/** Starts `gpconnect up` on a free port and waits until it says where it listens. */
export async function startUp(env: Record<string, string>, args: string[] = []): Promise<RunningCli> {
  // Every response is validated against its profiles; a violation is logged at warn level and
  // fails stop() below, as in the provider's own tests.
  const child = spawnCli(['up', ...args], { PORT: '0', PDS_PORT: '0', SDS_PORT: '0', SSP_PORT: '0', GPCONNECT_TLS: 'off', GPCONNECT_VALIDATE_RESPONSES: 'true', ...env });
  const output = collect(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gpconnect up did not start:\n${output.stdout()}\n${output.stderr()}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /listening on (https?:\/\/\S+)/.exec(output.stdout());
      if (match) {
        clearTimeout(timer);
        // The service roots are printed right after the listening line; let them arrive.
        setTimeout(() => resolve(match[1]!), 200);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gpconnect up exited with ${code}:\n${output.stdout()}\n${output.stderr()}`));
    });
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return {
    url,
    banner: output.stdout(),
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = await exited;
      if (output.stdout().includes('violates its profile')) throw new Error(`a response violated its profile:\n${output.stdout()}`);
      return { code, stdout: output.stdout(), stderr: output.stderr() };
    },
  };
}

/** The roster's practice, as the tests reach it over real HTTP. */
export const ODS = 'B82617';
export const ASID = '918999198738';
const FOUNDATIONS = `/${ODS}/STU3/1/gpconnect`;
/** On PDS but not registered at the practice (roster pdsOnlyPatients): registration creates a patient. */
export const REA = { nhsNumber: '9651258500', family: 'REA', given: 'Clive', gender: 'male', birthDate: '1951-03-10' };

/** Sends a GP Connect request over real HTTP as a conforming consumer would. */
export async function request(base: string, name: InteractionName, path: string, init: { body?: unknown; traceId?: string; gzip?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = gpconnectHeaders(name, { toAsid: ASID, now: Math.floor(Date.now() / 1000), ...(init.traceId ? { traceId: init.traceId } : {}) });
  if (init.body !== undefined) headers['content-type'] = 'application/fhir+json';
  headers['accept-encoding'] = init.gzip ? 'gzip' : 'identity';
  return fetch(`${base}${FOUNDATIONS}/${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

export const searchRea = (base: string) => request(base, 'searchPatients', `Patient?identifier=${IDENTIFIER_SYSTEMS.nhsNumber}|${REA.nhsNumber}`);

export function registerRea(base: string): Promise<Response> {
  return request(base, 'registerPatient', 'Patient/$gpc.registerpatient', { body: registrationParameters(registrationPatient(REA)) });
}

export async function bundleEntries(response: Response): Promise<number> {
  assert.equal(response.status, 200);
  return ((await response.json()) as { entry?: unknown[] }).entry?.length ?? 0;
}
