// Builds what Electron runs, into out/electron/ (Electron cannot load TypeScript):
//   main.cjs            electron/main/main.ts        (CommonJS; electron and better-sqlite3 stay external)
//   preload.cjs         electron/preload/preload.ts  (CommonJS, sandboxed: may require nothing but electron)
//   service-worker.mjs  electron/core/service-worker.ts   the workspace's worker thread
//   run-parse-worker.mjs electron/core/run-parse-worker.ts  the run importer's parsing thread
//   node_modules/better-sqlite3  a copy built for Electron's ABI (skipped with --no-native)
//
// out/electron/ sits two folders below the repository like electron/core/, so the `new URL('../../demo/',
// import.meta.url)` style paths of the core modules (demo, migrations, package.json, renderer/dist) resolve the same
// from the bundles.
//
// better-sqlite3 is a native module and must match the runtime's ABI: Node's for `npm test`, Electron's for the app.
// The copy in node_modules/ stays built for Node; the bundles resolve `better-sqlite3` from out/electron/node_modules
// first, where this script puts a second copy built for Electron — the same two steps better-sqlite3's own install
// runs (prebuild-install, else node-gyp), pointed at Electron. So `npm start` and `npm test` never undo each other.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const OUT = path.join(REPO, 'out', 'electron');
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));

// The CommonJS bundles have no import.meta: give them their own file's URL instead.
const cjsMeta = {
  define: { 'import.meta.url': '__cotscope_import_meta_url' },
  banner: { js: "const __cotscope_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};
// The ESM bundles inline CommonJS dependencies (stream-json, …) that call require(): give them one.
const esmRequire = {
  banner: { js: "import { createRequire as __cotscopeCreateRequire } from 'node:module'; const require = __cotscopeCreateRequire(import.meta.url);" },
};

/** run-parse-pool.ts starts its worker through worker-bootstrap.js (the TypeScript loader); bundled, the worker is
 *  already JavaScript, so point it at the bundle. Fails loudly if that line ever changes. */
const parseWorkerPlugin = {
  name: 'cotscope-parse-worker',
  setup(build) {
    build.onLoad({ filter: /[\\/]electron[\\/]core[\\/]run-parse-pool\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const from = "new URL('./worker-bootstrap.js', import.meta.url)";
      if (!source.includes(from)) throw new Error(`${args.path}: expected ${from} (update scripts/build-electron.mjs)`);
      return { contents: source.replace(from, "new URL('./run-parse-worker.mjs', import.meta.url)"), loader: 'ts' };
    });
  },
};

/** The same for export-jobs.ts, which starts each export on export-worker.ts. */
const exportWorkerPlugin = {
  name: 'cotscope-export-worker',
  setup(build) {
    build.onLoad({ filter: /[\\/]electron[\\/]core[\\/]export-jobs\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const from = "new URL('./worker-bootstrap.js', import.meta.url)";
      if (!source.includes(from)) throw new Error(`${args.path}: expected ${from} (update scripts/build-electron.mjs)`);
      return { contents: source.replace(from, "new URL('./export-worker.mjs', import.meta.url)"), loader: 'ts' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['electron', 'better-sqlite3'],
};

/** Bundles into `outDir` (out/electron; tests use another folder at the same depth). */
export async function bundle(outDir = OUT) {
  if (path.dirname(path.dirname(path.resolve(outDir))) !== path.resolve(REPO)) {
    throw new Error(`${outDir}: the bundles must sit two folders below the repository (like electron/core/)`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  await Promise.all([
    esbuild.build({ ...common, ...cjsMeta, entryPoints: [path.join(REPO, 'electron/main/main.ts')], outfile: path.join(outDir, 'main.cjs'), format: 'cjs' }),
    esbuild.build({ ...common, entryPoints: [path.join(REPO, 'electron/preload/preload.ts')], outfile: path.join(outDir, 'preload.cjs'), format: 'cjs' }),
    esbuild.build({
      ...common,
      ...esmRequire,
      plugins: [parseWorkerPlugin, exportWorkerPlugin],
      entryPoints: [path.join(REPO, 'electron/core/service-worker.ts')],
      outfile: path.join(outDir, 'service-worker.mjs'),
      format: 'esm',
    }),
    esbuild.build({
      ...common,
      ...esmRequire,
      entryPoints: [path.join(REPO, 'electron/core/run-parse-worker.ts')],
      outfile: path.join(outDir, 'run-parse-worker.mjs'),
      format: 'esm',
    }),
    esbuild.build({
      ...common,
      ...esmRequire,
      entryPoints: [path.join(REPO, 'electron/core/export-worker.ts')],
      outfile: path.join(outDir, 'export-worker.mjs'),
      format: 'esm',
    }),
  ]);
}

function run(cmd, argv, opts) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  return r.status === 0;
}

/** better-sqlite3 built for Electron, in out/electron/node_modules (see the top of this file). */
export function buildNativeForElectron() {
  const electronVersion = require('electron/package.json').version;
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(fs.readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version;
  const nm = path.join(OUT, 'node_modules');
  const target = path.join(nm, 'better-sqlite3');
  const stampFile = path.join(nm, '.cotscope-native.json');
  const want = { electron: electronVersion, 'better-sqlite3': sqliteVersion, platform: process.platform, arch: process.arch };
  const addon = path.join(target, 'build', 'Release', 'better_sqlite3.node');
  try {
    if (JSON.stringify(JSON.parse(fs.readFileSync(stampFile, 'utf8'))) === JSON.stringify(want) && fs.existsSync(addon)) {
      console.log(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}: up to date`);
      return;
    }
  } catch {
    // no stamp yet
  }
  console.log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (out/electron/node_modules)…`);
  fs.rmSync(nm, { recursive: true, force: true });
  fs.mkdirSync(nm, { recursive: true });
  // better-sqlite3 and what it requires at run time (bindings → file-uri-to-path); never its Node build.
  fs.cpSync(sqliteDir, target, { recursive: true, filter: (src) => !src.startsWith(path.join(sqliteDir, 'build')) });
  const sqliteRequire = createRequire(path.join(sqliteDir, 'package.json'));
  for (const dep of ['bindings', 'file-uri-to-path']) {
    const dir = path.dirname(sqliteRequire.resolve(`${dep}/package.json`));
    fs.cpSync(dir, path.join(nm, dep), { recursive: true });
  }
  // Electron's headers and ABI, not this Node's: drop any npm_config_* that points node-gyp at Node (nodedir, target).
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|build_from_source)$/i.test(k)) delete env[k];
  const electronArgs = ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`];
  const prebuild = sqliteRequire.resolve('prebuild-install/bin.js');
  const ok =
    run(process.execPath, [prebuild, ...electronArgs, `--platform=${process.platform}`], { cwd: target, env }) ||
    run(process.execPath, [nodeGyp(), 'rebuild', '--release', ...electronArgs, '--dist-url=https://electronjs.org/headers'], { cwd: target, env });
  if (!ok || !fs.existsSync(addon)) {
    throw new Error(
      'could not build better-sqlite3 for Electron: it needs network access (a prebuilt binary, or Electron\'s headers) ' +
        'and, without a prebuilt one, a C++ toolchain. `npm run serve` works without it.',
    );
  }
  fs.writeFileSync(stampFile, JSON.stringify(want) + '\n');
}

/** npm's own node-gyp (npm tells scripts where it is; else look beside this Node). */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('node-gyp not found (it comes with npm): run this through `npm run build:electron`');
  return found;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    await bundle();
    console.log('bundled electron/main, electron/preload and the workers into out/electron/');
    if (!args.has('--no-native')) buildNativeForElectron();
  } catch (err) {
    console.error(`build-electron: ${err.message}`);
    process.exit(1);
  }
}
