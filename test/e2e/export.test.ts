// The export dialog in Chromium (browser mode): filter the library, export what it lists, watch the progress reach
// done, and find in the download exactly the responses the filter lists, with the filter and version in the sidecar
// its link offers. A dataset folder comes as a zip. The page names no destination: the server refuses one.
import fs from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { demoInChromium, screenshotPath } from './harness.ts';

const ctx = demoInChromium();

async function value(method: string, body: unknown): Promise<any> {
  const r = await fetch(`${ctx.served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cotscope-token': ctx.served.token },
    body: JSON.stringify(body),
  });
  const out = (await r.json()) as { ok: boolean; value: unknown; error?: unknown };
  if (!out.ok) throw new Error(`${method}: ${JSON.stringify(out.error)}`);
  return out.value;
}

/** Clicks Export and waits for the download the finished export starts by itself; saves it in the test's folder. */
async function exportAndDownload(page: Page, saveAs: string): Promise<Download> {
  const download = page.waitForEvent('download', { timeout: 30_000 });
  await page.getByTestId('export-start').click();
  const d = await download;
  await d.saveAs(saveAs);
  return d;
}

/** A zip's entries: name → contents. */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('the export dialog', () => {
  it('exports the filtered list with progress, and the file holds exactly what the list shows', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(ctx.served.url);
    const total = page.getByTestId('list-total');
    await expect.poll(() => page.getByTestId('response-row').count()).toBeGreaterThan(5);
    const everything = await total.innerText();

    // Level L1, wrong answers, two runs.
    await page.getByTestId('filter-level-L1').check();
    await page.getByTestId('filter-correct').selectOption('no');
    await page.getByTestId('filter-run-rl-grpo').check();
    await page.getByTestId('filter-run-rl-grpo-k4').check();
    await expect.poll(() => total.innerText()).not.toBe(everything);
    const filter = { levels: ['L1'], runs: ['rl-grpo', 'rl-grpo-k4'], correct: false };
    const listed = await value('listResponses', { filter, limit: 500 });
    expect(listed.total).toBeGreaterThan(0);
    await expect.poll(() => total.innerText()).toBe(`${listed.total} response${listed.total === 1 ? '' : 's'}`);

    await page.getByTestId('library-export').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const summary = await page.getByTestId('export-filter').innerText();
    expect(summary).toContain(`${listed.total} response`);
    expect(summary).toMatch(/levels L1/);
    expect(summary).toMatch(/runs rl-grpo, rl-grpo-k4/);
    expect(summary).toMatch(/wrong answers/);

    // Browser mode: no destination to type; the browser downloads the export.
    expect(await page.getByTestId('export-out').count()).toBe(0);
    expect(await page.getByTestId('export-browser-note').innerText()).toMatch(/browser downloads the export/);

    const out = path.join(ctx.served.dir, 'from-the-app.jsonl');
    await page.getByTestId('export-format-jsonl').check();
    const jsonl = await exportAndDownload(page, out);
    const progress = page.getByTestId('export-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await progress.innerText()).toContain(`${listed.total} of ${listed.total} responses`);
    expect(await progress.locator('.progress-bar').evaluate((el) => (el as HTMLElement).style.width)).toBe('100%');
    const name = jsonl.suggestedFilename();
    expect(name).toMatch(/^cotscope-export-\d{8}-\d{4}\.jsonl$/);
    // The dialog keeps a link to the download and one to its sidecar; the server's staging path is never shown.
    expect(await page.getByTestId('export-download').innerText()).toBe(`Download ${name}`);
    expect(await page.getByTestId('export-download-meta').innerText()).toBe(`${name}.meta.json`);
    expect(await progress.innerText()).not.toMatch(/cotscope-serve-/);
    // The bar's width is animated: let it arrive before the picture.
    await expect.poll(() => progress.locator('.progress-bar').evaluate((el) => el.getBoundingClientRect().width === el.parentElement!.getBoundingClientRect().width)).toBe(true);
    await page.screenshot({ path: screenshotPath(ctx.served, 'export.png') });

    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const key = (r: { run: string; sampleId?: string; sample_id?: string; rollout: number }) => `${r.run}/${r.sampleId ?? r.sample_id}/${r.rollout}`;
    expect(lines.map(key)).toEqual(listed.rows.map(key));
    for (const l of lines) {
      expect(l.level).toBe('L1');
      expect(l.correct).toBe(false);
      expect(['rl-grpo', 'rl-grpo-k4']).toContain(l.run);
    }
    // The sidecar, through its link.
    const metaDownload = page.waitForEvent('download');
    await page.getByTestId('export-download-meta').click();
    const metaFile = `${out}.meta.json`;
    await (await metaDownload).saveAs(metaFile);
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    expect(meta.filter).toEqual(filter);
    expect(meta.cotscope_version).toBe((await value('getSession', {})).version);

    // Parquet from the same dialog: typed, with the filter inside the file.
    const pq = path.join(ctx.served.dir, 'from-the-app.parquet');
    await page.getByTestId('export-format-parquet').check();
    expect((await exportAndDownload(page, pq)).suggestedFilename()).toMatch(/^cotscope-export-\d{8}-\d{4}\.parquet$/);
    await expect.poll(() => progress.getAttribute('data-state')).toBe('done');
    const file = await asyncBufferFromFile(pq);
    expect((await parquetReadObjects({ file })).map((r) => key(r as any))).toEqual(listed.rows.map(key));
    const kv = (await parquetMetadataAsync(file)).key_value_metadata!;
    expect(JSON.parse(kv.find((k) => k.key === 'cotscope')!.value!).filter).toEqual(filter);
    // Parquet has no sidecar: no link to one.
    expect(await page.getByTestId('export-download-meta').count()).toBe(0);

    // A Hugging Face dataset folder comes as a zip of the folder: its card and a Parquet file per level.
    await page.getByTestId('export-format-hf').check();
    expect(await page.getByTestId('export-browser-note').innerText()).toMatch(/\.zip/);
    await page.getByTestId('export-license').fill('cc-by-4.0');
    const zipFile = path.join(ctx.served.dir, 'from-the-app-hf.zip');
    const hf = await exportAndDownload(page, zipFile);
    const zipName = hf.suggestedFilename();
    expect(zipName).toMatch(/^cotscope-export-\d{8}-\d{4}-hf\.zip$/);
    expect(await page.getByTestId('export-download').innerText()).toBe(`Download ${zipName}`);
    const folder = zipName.replace(/\.zip$/, '');
    const entries = await unzip(zipFile);
    expect([...entries.keys()].every((n) => n.startsWith(`${folder}/`))).toBe(true);
    const card = entries.get(`${folder}/README.md`)?.toString('utf8');
    expect(card).toMatch(/license: cc-by-4\.0/);
    const parquets = [...entries.keys()].filter((n) => n.endsWith('.parquet'));
    expect(parquets.length).toBeGreaterThan(0);
    // Every response the list shows is in the dataset's Parquet files (here all L1).
    const hfRows: any[] = [];
    for (const n of parquets) {
      const local = path.join(ctx.served.dir, `hf-${path.basename(n)}`);
      fs.writeFileSync(local, entries.get(n)!);
      hfRows.push(...(await parquetReadObjects({ file: await asyncBufferFromFile(local) })));
    }
    expect(hfRows.map(key).sort()).toEqual(listed.rows.map(key).sort());

    // The page cannot name where the server writes: an export with a destination is refused, naming the field.
    await expect(value('startExport', { format: 'jsonl', out: path.join(ctx.served.dir, 'typed.jsonl'), filter })).rejects.toThrow(/forbidden.*`out`/);
    expect(fs.existsSync(path.join(ctx.served.dir, 'typed.jsonl'))).toBe(false);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await page.close();
  }, 120_000);
});
