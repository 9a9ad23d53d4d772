// Which paths a shell lets the page name. Browser mode: whatever string the page sends, a path that is accepted lies
// inside an allowed folder once every symlink is resolved (a property test over paths built from `..`, links that
// leave, encoded dots, NUL and absolute parts). Desktop: only what a dialog granted, for that use, save grants once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotscopeError } from '../../electron/core/errors.ts';
import { allowFolders, dialogGrants, isInside, type PathUse } from '../../electron/core/path-access.ts';

let dir: string;
let allowed: string;
let outside: string;

beforeAll(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-path-access-')));
  allowed = path.join(dir, 'allowed');
  outside = path.join(dir, 'outside');
  fs.mkdirSync(path.join(allowed, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  for (const f of ['a.jsonl', 'sub/b.jsonl', 'w.db']) fs.writeFileSync(path.join(allowed, f), '');
  fs.writeFileSync(path.join(outside, 'a.jsonl'), '');
  fs.writeFileSync(path.join(outside, 'w.db'), '');
  fs.symlinkSync(outside, path.join(allowed, 'out-dir'));
  fs.symlinkSync(path.join(outside, 'a.jsonl'), path.join(allowed, 'out-file.jsonl'));
  fs.symlinkSync(path.join(allowed, 'sub'), path.join(allowed, 'in-dir'));
  // The allowed folder reached through a link of its own: allowing the link allows the folder it names.
  fs.symlinkSync(allowed, path.join(dir, 'allowed-link'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const USES: PathUse[] = ['read-file', 'read-folder', 'open-workspace', 'create-workspace', 'write-file', 'write-folder'];

function outcome(fn: () => string): { ok: true; path: string } | { ok: false; code: string; message: string } {
  try {
    return { ok: true, path: fn() };
  } catch (err) {
    if (!(err instanceof CotscopeError)) throw err;
    return { ok: false, code: err.code, message: err.message };
  }
}

describe('allowed folders (browser mode)', () => {
  it('accepts files and folders inside, by relative or absolute path, and through links that stay inside', () => {
    const access = allowFolders([allowed]);
    expect(access.folders()).toEqual([allowed]);
    expect(access.check('a.jsonl', 'read-file', 'paths.0')).toBe(path.join(allowed, 'a.jsonl'));
    expect(access.check(path.join(allowed, 'sub', 'b.jsonl'), 'read-file', 'paths.0')).toBe(path.join(allowed, 'sub', 'b.jsonl'));
    expect(access.check('in-dir/b.jsonl', 'read-file', 'paths.0')).toBe(path.join(allowed, 'sub', 'b.jsonl'));
    expect(access.check('sub/../a.jsonl', 'read-file', 'paths.0')).toBe(path.join(allowed, 'a.jsonl'));
    expect(access.check('.', 'read-folder', 'root')).toBe(allowed);
    expect(access.check('w.db', 'open-workspace', 'path')).toBe(path.join(allowed, 'w.db'));
    expect(access.check('sub/new.db', 'create-workspace', 'path')).toBe(path.join(allowed, 'sub', 'new.db'));
    const viaLink = allowFolders([path.join(dir, 'allowed-link')]);
    // Listed as resolved and as given: the page may type either.
    expect(viaLink.folders()).toEqual([allowed, path.join(dir, 'allowed-link')]);
    expect(viaLink.check(path.join(dir, 'allowed-link', 'a.jsonl'), 'read-file', 'p')).toBe(path.join(allowed, 'a.jsonl'));
  });

  it('refuses `..`, absolute paths outside, links that leave, NUL, and every write', () => {
    const access = allowFolders([allowed]);
    const cases: [string, PathUse, RegExp][] = [
      ['../outside/a.jsonl', 'read-file', /outside the folders this server allows/],
      [path.join(outside, 'a.jsonl'), 'read-file', /outside the folders this server allows/],
      [`${allowed}/../outside/a.jsonl`, 'read-file', /outside the folders this server allows/],
      ['out-file.jsonl', 'read-file', /outside the folders this server allows/],
      ['out-dir/a.jsonl', 'read-file', /outside the folders this server allows/],
      ['out-dir', 'read-folder', /outside the folders this server allows/],
      ['out-dir/new.db', 'create-workspace', /outside the folders this server allows/],
      ['out-dir/w.db', 'open-workspace', /outside the folders this server allows/],
      ['..', 'read-folder', /outside the folders this server allows/],
      ['/', 'read-folder', /outside the folders this server allows/],
      ['a.jsonl\0.txt', 'read-file', /NUL/],
      ['a.jsonl', 'write-file', /an export is downloaded by the browser/],
      ['sub', 'write-folder', /an export is downloaded by the browser/],
      ['', 'read-file', /a path is required/],
    ];
    for (const [p, use, message] of cases) {
      const r = outcome(() => access.check(p, use, 'f'));
      expect(r, `${JSON.stringify(p)} ${use}`).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(message) });
      expect((r as { message: string }).message, p).toMatch(/^field `f`: /);
    }
    // A name that does not exist inside is not found, and never looked up outside.
    expect(outcome(() => access.check('%2e%2e/outside/a.jsonl', 'read-file', 'f'))).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('with no folder allowed, refuses every path and says to upload', () => {
    const none = allowFolders([]);
    for (const use of USES) {
      expect(outcome(() => none.check(path.join(allowed, 'a.jsonl'), use, 'f'))).toMatchObject({ ok: false, code: 'forbidden' });
    }
    expect(outcome(() => none.check('a.jsonl', 'read-file', 'f'))).toMatchObject({ message: expect.stringMatching(/allows no folder .*--allow-dir.*upload the file instead/) });
  });

  it('refuses to start on a folder that does not exist', () => {
    expect(() => allowFolders([path.join(dir, 'nope')])).toThrow(/--allow-dir .*nope: no such folder/);
    expect(() => allowFolders([path.join(allowed, 'a.jsonl')])).toThrow(/no such folder/);
  });

  it('whatever the page sends, an accepted path is inside the allowed folder with every link resolved', () => {
    const access = allowFolders([allowed]);
    let accepted = 0;
    const segment = fc.constantFrom('..', '.', '', 'a.jsonl', 'sub', 'b.jsonl', 'w.db', 'new.db', 'out-dir', 'out-file.jsonl', 'in-dir', '%2e%2e', '%2F', 'outside', '\0', 'allowed', dir.slice(1));
    const candidate = fc.tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 })).map(([absolute, parts]) => (absolute ? '/' : '') + parts.join('/'));
    fc.assert(
      fc.property(candidate, fc.constantFrom(...USES), (p, use) => {
        const r = outcome(() => access.check(p, use, 'f'));
        if (!r.ok) return ['forbidden', 'not_found'].includes(r.code);
        const real = use === 'create-workspace' ? path.join(fs.realpathSync(path.dirname(r.path)), path.basename(r.path)) : fs.realpathSync(r.path);
        accepted++;
        return real === r.path && isInside(allowed, real);
      }),
      { numRuns: 2000 },
    );
    // The property is not vacuous: plenty of the paths tried were accepted.
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('dialog grants (desktop)', () => {
  it('accepts only what a dialog returned, for that use; a save grant is spent by one use', () => {
    const grants = dialogGrants();
    const file = path.join(allowed, 'a.jsonl');
    expect(outcome(() => grants.check(file, 'read-file', 'paths.0'))).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/was not chosen in a dialog/) });
    grants.grant(file, 'read-file');
    expect(grants.check(file, 'read-file', 'paths.0')).toBe(file);
    expect(grants.check(file, 'read-file', 'paths.0')).toBe(file); // read grants last the session
    for (const other of USES.filter((u) => u !== 'read-file')) {
      expect(outcome(() => grants.check(file, other, 'f')), other).toMatchObject({ ok: false, code: 'forbidden' });
    }
    const out = path.join(dir, 'export.csv');
    grants.grant(out, 'write-file');
    expect(grants.check(out, 'write-file', 'out')).toBe(out);
    expect(outcome(() => grants.check(out, 'write-file', 'out'))).toMatchObject({ ok: false, code: 'forbidden' });
    // Spelled another way, it is still the same path; a NUL is never a path.
    grants.grant(out, 'write-file');
    expect(grants.check(`${dir}/./sub/../export.csv`, 'write-file', 'out')).toBe(out);
    expect(outcome(() => grants.check(`${out}\0`, 'write-file', 'out'))).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/NUL/) });
    expect(grants.folders()).toEqual([]);
  });
});
