import { processIO } from './cli/io.js';
import { plainStatus, runStatus } from './cli/fast.js';
import { jsonRequested, reportError } from './cli/report.js';

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
