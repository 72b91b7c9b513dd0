// Bundles src/ into dist/: one ESM entry plus a chunk per lazily loaded command,
// so `berth status` does not pay for the YAML parser or the schema library.
import { build } from 'esbuild';
import { cpSync, readFileSync, rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/bin.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  // The server's libraries stay packages of their own (installed with berth as its
  // dependencies): better-sqlite3 loads a native addon from its own folder, and pg
  // looks for an optional native driver; they load only for berth serve.
  // The list lives in package.json (berth.external): berth's image copies these packages too.
  external: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).berth.external,
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
});
// The dashboard's script and stylesheet are served as files, from the same place
// relative to the bundle's chunks as to their module in src/.
cpSync(new URL('../src/server/dashboard/assets', import.meta.url), new URL('../dist/assets', import.meta.url), { recursive: true });
