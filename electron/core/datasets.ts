// Data roots: where a dataset's videos and images are, which are missing, and how frame numbers map to clip time.
import fs from 'node:fs';
import path from 'node:path';
import { FrameMappingSchema, type DatasetSummary, type FrameMapping } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { checkMediaFile } from './media.ts';
import type { Settings } from './settings.ts';
import { nowIso, type Db } from './store.ts';
import { writeTransaction } from './util.ts';

const frameMappingKey = (datasetId: number) => `frameMapping:${datasetId}`;

/** How many files are checked between two turns of the thread's other work when a data root moves. */
const CHECK_CHUNK = 500;

interface DatasetRow {
  id: number;
  name: string;
  root: string | null;
  samples: number;
  missing_videos: number;
  missing_images: number;
}

export class Datasets {
  private readonly s;
  private readonly applyRemap;

  constructor(
    db: Db,
    private readonly settings: Settings,
  ) {
    const select = `SELECT d.id, d.name, d.root,
        (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS samples,
        (SELECT COUNT(*) FROM media m JOIN samples s ON s.id = m.sample_id
          WHERE m.present = 0 AND m.expected = 1 AND m.kind = 'video' AND s.dataset_id = d.id) AS missing_videos,
        (SELECT COUNT(*) FROM media m JOIN samples s ON s.id = m.sample_id
          WHERE m.present = 0 AND m.expected = 1 AND m.kind = 'image' AND s.dataset_id = d.id) AS missing_images
      FROM datasets d`;
    this.s = {
      all: db.prepare(`${select} ORDER BY d.id`),
      one: db.prepare(`${select} WHERE d.id = ?`),
      rootOwner: db.prepare('SELECT id FROM datasets WHERE root = ? AND id <> ?').pluck(),
      media: db.prepare('SELECT m.id, m.rel_path FROM media m JOIN samples s ON s.id = m.sample_id WHERE s.dataset_id = ?'),
      setRoot: db.prepare('UPDATE datasets SET root = ? WHERE id = ?'),
      setMedia: db.prepare('UPDATE media SET present = ?, bytes = ?, checked_at = ? WHERE id = ?'),
      file: db.prepare(
        `SELECT m.rel_path, d.root FROM media m JOIN samples s ON s.id = m.sample_id JOIN datasets d ON d.id = s.dataset_id
          WHERE m.id = ?`,
      ),
    };
    this.applyRemap = writeTransaction(db, (id: number, root: string, checked: { id: number; bytes: number | null }[]) => {
      const now = nowIso();
      this.s.setRoot.run(root, id);
      for (const m of checked) this.s.setMedia.run(m.bytes === null ? 0 : 1, m.bytes, now, m.id);
    });
  }

  list(): DatasetSummary[] {
    return (this.s.all.all() as DatasetRow[]).map((r) => this.summary(r));
  }

  get(id: number): DatasetSummary {
    const row = this.s.one.get(id) as DatasetRow | undefined;
    if (!row) throw new CotscopeError(`no dataset ${id}`, 'not_found');
    return this.summary(row);
  }

  /**
   * Points a dataset at its data root's new place and re-checks every video and image there. The files are checked
   * first, without holding the database; the new root and every file's state are then written in one transaction.
   * `beforeWrite` runs just before that transaction (the service checks no import started meanwhile).
   */
  async remap(id: number, root: string, beforeWrite: () => void = () => {}): Promise<DatasetSummary> {
    this.get(id);
    const resolved = path.resolve(root);
    let real: string;
    try {
      real = fs.realpathSync(resolved);
      if (!fs.statSync(real).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new CotscopeError(`field \`root\`: no such folder: ${resolved}`, 'invalid');
    }
    const owner = this.s.rootOwner.get(real, id) as number | undefined;
    if (owner !== undefined) throw new CotscopeError(`${real} is already the data root of dataset ${owner}`, 'conflict');
    const media = this.s.media.all(id) as { id: number; rel_path: string }[];
    // Present means what the media server would serve (media.ts checkMediaFile), as at import: a link leading out of
    // the root, or to a file that is not a video or image, counts as missing. Checked in chunks, letting other calls in.
    const checked: { id: number; bytes: number | null }[] = [];
    for (let i = 0; i < media.length; i += CHECK_CHUNK) {
      for (const m of media.slice(i, i + CHECK_CHUNK)) {
        const c = checkMediaFile(real, m.rel_path, real);
        checked.push({ id: m.id, bytes: c.ok ? c.size : null });
      }
      await new Promise((r) => setImmediate(r));
    }
    beforeWrite();
    this.applyRemap(id, real, checked);
    return this.get(id);
  }

  setFrameMapping(id: number, mapping: FrameMapping): DatasetSummary {
    this.get(id);
    this.settings.set(frameMappingKey(id), mapping);
    return this.get(id);
  }

  /** The file behind a media id and the data root it must stay inside; null for an unknown id or a dataset without a root. */
  mediaFile(id: number): { path: string; root: string } | null {
    const row = this.s.file.get(id) as { rel_path: string; root: string | null } | undefined;
    if (!row || row.root === null) return null;
    return { path: path.join(row.root, row.rel_path), root: row.root };
  }

  private summary(r: DatasetRow): DatasetSummary {
    const stored = FrameMappingSchema.safeParse(this.settings.get(frameMappingKey(r.id)) ?? {});
    return {
      id: r.id,
      name: r.name,
      root: r.root,
      samples: r.samples,
      missingVideos: r.missing_videos,
      missingImages: r.missing_images,
      frameMapping: stored.success ? stored.data : FrameMappingSchema.parse({}),
    };
  }
}
