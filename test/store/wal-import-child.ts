// Imports a run file the way the app's import job does (WAL mode; the workspace may be open elsewhere), for the
// crash test to kill: node --import tsx wal-import-child.ts DB FILE NAME
import { importRun } from '../../electron/core/import-run.ts';
import { openStore } from '../../electron/core/store.ts';

const [db, file, name] = process.argv.slice(2);
const store = openStore(db, { create: false });
const r = await importRun(store, file, { name, method: 'rl' });
store.close();
console.log(`${r.imported} responses into run "${r.run}"`);
