// Holds a workspace's write lock from another process, as a run import from the command line does for its whole
// length: node --import tsx hold-lock-child.ts DB MS. Prints "held" once it has the lock, then commits after MS.
import Database from 'better-sqlite3';

const [file, ms] = process.argv.slice(2);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT INTO settings (key, value) VALUES ('held-by-test', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
process.stdout.write('held\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
}, Number(ms));
