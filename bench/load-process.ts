import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-protocol.ts';

/** The orchestrator's side of a load run: forks load.ts (through tsx) and waits for its result. */

let running: ChildProcess | undefined;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [JSON.stringify(spec)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running = child;
    let result: LoadResult | undefined;
    child.on('message', (message) => (result = message as LoadResult));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      running = undefined;
      if (result) resolve(result);
      else reject(new Error(`the load process ended (${signal ?? `exit code ${code}`}) without a result`));
    });
  });
}

/** Passes an interrupt on to the load run in progress, if any. */
export function stopLoad(signal: NodeJS.Signals): void {
  running?.kill(signal);
}
