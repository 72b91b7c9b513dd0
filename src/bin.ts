import { processIO } from './cli/io.js';
import { plainStatus, runStatus } from './cli/fast.js';

const argv = process.argv.slice(2);
const io = processIO();
const status = plainStatus(argv);
const done = status ? runStatus(status, io) : import('./cli/main.js').then(({ main }) => main(argv, io));

done.then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`berth: internal error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
