// `npm start`: check the Electron binary is there, build the renderer and the Electron bundles (with better-sqlite3
// for Electron's ABI), then launch the app. Without the binary it says so and what to do, and exits non-zero.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the path of the binary its install step downloaded (it throws if there is none).
    const bin = require('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
if (!bin) {
  process.stderr.write(
    [
      'cotscope: the Electron binary is missing (node_modules/electron was installed without it, e.g. with',
      'ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without network access).',
      'To get it, with network access and ELECTRON_SKIP_BINARY_DOWNLOAD unset:   node node_modules/electron/install.js',
      'Meanwhile the same app runs in a browser:   npm run serve',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
for (const [cmd, args] of [
  [npm, ['run', 'build:renderer']],
  [process.execPath, [path.join(REPO, 'scripts', 'build-electron.mjs')]],
]) {
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit', shell: process.platform === 'win32' && cmd === npm });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// ELECTRON_RUN_AS_NODE (set by some tools) would run main.cjs as plain Node instead of as the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(bin, [REPO, ...process.argv.slice(2)], { cwd: REPO, stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
