// Browser mode's staging folder: uploads kept under their own (safe) names, shown by name, removed when released or
// when nothing used them for a day; downloads offered under random keys that expire.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_TTL_MS, Staging, UPLOAD_TTL_MS, safeFileName } from '../../electron/core/staging.ts';

let staging: Staging | null = null;
afterEach(() => staging?.close());

describe('staging', () => {
  it('keeps a file name a browser gives only as a plain name', () => {
    expect(safeFileName('eval_results_for_validation_L2.jsonl')).toBe('eval_results_for_validation_L2.jsonl');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\runs\\a.json')).toBe('a.json');
    expect(safeFileName('..')).toBe('upload');
    expect(safeFileName('a\u0000b\nc.jsonl')).toBe('abc.jsonl');
    expect(safeFileName('')).toBe('upload');
  });

  it('removes an upload nothing used after a day, and one in use only a day after its last use', async () => {
    staging = Staging.create();
    const a = await staging.receive('a.jsonl', Readable.from([Buffer.from('{}\n')]), 3);
    const b = await staging.receive('b.jsonl', Readable.from([Buffer.from('{}\n')]), 3);
    const fileA = staging.uploadFile(a.ref, 'paths.0');
    expect(fs.readFileSync(fileA, 'utf8')).toBe('{}\n');
    expect(staging.unstage(`${fileA}:2: malformed JSON`)).toBe('a.jsonl:2: malformed JSON');
    staging.sweep(Date.now() + UPLOAD_TTL_MS - 1000);
    expect(() => staging!.uploadFile(b.ref, 'p')).not.toThrow();
    staging.sweep(Date.now() + UPLOAD_TTL_MS + 1000);
    expect(() => staging!.uploadFile(a.ref, 'p')).toThrow(/no upload upload:/);
    expect(fs.existsSync(fileA)).toBe(false);
  });

  it('refuses a body that ends before its declared length, keeping nothing', async () => {
    staging = Staging.create();
    await expect(staging.receive('a.jsonl', Readable.from([Buffer.from('{}')]), 10)).rejects.toThrow(/ended after 2 of 10 bytes/);
    expect(fs.readdirSync(path.join(staging.root, 'uploads'))).toEqual([]);
  });

  it('offers a finished export under random keys that expire with its files', () => {
    staging = Staging.create();
    const out = staging.exportTarget('jsonl', new Date('2026-12-04T15:05:00Z'));
    expect(path.basename(out)).toBe('cotscope-export-20261204-1505.jsonl');
    fs.writeFileSync(out, '{}\n');
    fs.writeFileSync(`${out}.meta.json`, '{}\n');
    const d = staging.offer('job-1', out, `${out}.meta.json`, false);
    expect(d).toMatchObject({ name: path.basename(out), url: expect.stringMatching(/^download\/[0-9a-f]{64}$/), meta: { name: `${path.basename(out)}.meta.json` } });
    expect(staging.offer('job-1', out, `${out}.meta.json`, false)).toEqual(d);
    expect(staging.download(d.url.slice('download/'.length))).toEqual({ file: out, name: path.basename(out), folder: false });
    staging.sweep(Date.now() + DOWNLOAD_TTL_MS + 1000);
    expect(staging.download(d.url.slice('download/'.length))).toBeNull();
    expect(fs.existsSync(path.dirname(out))).toBe(false);
    expect(fs.existsSync(os.tmpdir())).toBe(true);
  });
});
