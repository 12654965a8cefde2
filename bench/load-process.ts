import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DownloadResult, DownloadSpec, LoadResult, LoadSpec } from './load-protocol.ts';

/**
 * The orchestrator's side of a load run: forks the load generator (load.ts for autocannon runs,
 * download.ts for whole-document downloads, through tsx) and waits for its result.
 */

let running: ChildProcess | undefined;

function runWorker<Result>(script: string, spec: unknown): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(script, import.meta.url)), [JSON.stringify(spec)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running = child;
    let result: Result | undefined;
    child.on('message', (message) => (result = message as Result));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running = undefined;
      if (result) resolve(result);
      else reject(new Error(`the load process ended (${signal ?? `exit code ${code}`}) without a result`));
    });
  });
}

export const runLoad = (spec: LoadSpec): Promise<LoadResult> => runWorker('./load.ts', spec);

export const runDownloads = (spec: DownloadSpec): Promise<DownloadResult> => runWorker('./download.ts', spec);

/** Passes an interrupt on to the load run in progress, if any. */
export function stopLoad(signal: NodeJS.Signals): void {
  running?.kill(signal);
}
