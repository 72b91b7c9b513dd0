import { main } from './cli/main.js';
import { processIO } from './cli/io.js';

main(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`berth: internal error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
