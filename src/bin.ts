import { processIO } from './cli/io.js';
import { plainStatus, runStatus } from './cli/fast.js';
import { jsonRequested, reportError } from './cli/report.js';

/**
 * A reader that stops early (`berth logs -f --json | grep -m1 ready`, `| head -1`)
 * closes the pipe, and the next write fails with EPIPE. berth then stops at once
 * and quietly, with exit code 0: the reader had what it wanted, and a script
 * under `set -o pipefail` must not fail for it. (A lock berth held is stale once
 * its process is gone, and the next command takes it over.)
 */
function onOutputError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  // Any other failure to write (a terminal gone): nothing more can be shown; fail without a stack.
  process.exit(1);
}
process.stdout.on('error', onOutputError);
process.stderr.on('error', onOutputError);

const argv = process.argv.slice(2);
const io = processIO();
const status = plainStatus(argv);
const done = status ? runStatus(status, io) : import('./cli/main.js').then(({ main }) => main(argv, io));

done.then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.exitCode = reportError(io, e, { json: jsonRequested(argv) });
  },
);
