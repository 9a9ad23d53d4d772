// The failure taxonomy: labels with a stable key, a colour and a hotkey. A retired label keeps its tags but takes no
// new ones, and gives up its hotkey (the unique index on hotkeys covers live labels only).
import type { Label, ParsedInput } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import { nowIso, type Db } from './store.ts';
import { writeTransaction } from './util.ts';

interface LabelRow {
  id: number;
  key: string;
  name: string;
  description: string;
  color: string;
  hotkey: string | null;
  target: Label['target'];
  sort_order: number;
  retired_at: string | null;
  tag_count: number;
}

// Live tags per label come from the partial index tags_label.
const SELECT = `SELECT l.*, (SELECT COUNT(*) FROM tags t WHERE t.label_id = l.id AND t.deleted_at IS NULL AND t.origin <> 'suggestion') AS tag_count
                  FROM labels l`;

export class Taxonomy {
  private readonly s;
  private readonly tx;

  constructor(db: Db) {
    this.s = {
      all: db.prepare(`${SELECT} ORDER BY l.sort_order, l.id`),
      live: db.prepare(`${SELECT} WHERE l.retired_at IS NULL ORDER BY l.sort_order, l.id`),
      byKey: db.prepare(`${SELECT} WHERE l.key = ?`),
      hotkeyOwner: db.prepare('SELECT key FROM labels WHERE hotkey = ? AND retired_at IS NULL AND key <> ?').pluck(),
      nextOrder: db.prepare('SELECT COALESCE(MAX(sort_order) + 1, 0) FROM labels').pluck(),
      insert: db.prepare(
        `INSERT INTO labels (key, name, description, color, hotkey, target, sort_order, created_at, updated_at)
         VALUES (@key, @name, @description, @color, @hotkey, @target, @sort_order, @now, @now)`,
      ),
      update: db.prepare(
        `UPDATE labels SET name = @name, description = @description, color = @color, hotkey = @hotkey, target = @target,
                           sort_order = @sort_order, updated_at = @now
          WHERE key = @key`,
      ),
      retire: db.prepare('UPDATE labels SET retired_at = ?, updated_at = ? WHERE key = ?'),
    };
    this.tx = {
      save: writeTransaction(db, (input: ParsedInput<'saveLabel'>) => {
        const existing = this.row(input.key);
        // A retired label holds no hotkey, so only a live one can clash.
        if (input.hotkey !== null && (!existing || existing.retired_at === null)) this.checkHotkey(input.key, input.hotkey);
        const now = nowIso();
        const fields = {
          key: input.key,
          name: input.name,
          description: input.description,
          color: input.color,
          hotkey: input.hotkey,
          target: input.target,
          now,
        };
        if (existing) this.s.update.run({ ...fields, sort_order: input.sortOrder ?? existing.sort_order });
        else this.s.insert.run({ ...fields, sort_order: input.sortOrder ?? (this.s.nextOrder.get() as number) });
      }),
      retire: writeTransaction(db, (key: string, retired: boolean) => {
        const label = this.row(key);
        if (!label) throw new CotscopeError(`no label "${key}"`, 'not_found');
        if (retired === (label.retired_at !== null)) return;
        if (!retired && label.hotkey !== null) this.checkHotkey(key, label.hotkey);
        const now = nowIso();
        this.s.retire.run(retired ? now : null, now, key);
      }),
    };
  }

  list(includeRetired: boolean): Label[] {
    return ((includeRetired ? this.s.all : this.s.live).all() as LabelRow[]).map(labelFromRow);
  }

  save(input: ParsedInput<'saveLabel'>): Label {
    this.tx.save(input);
    return labelFromRow(this.row(input.key)!);
  }

  retire(key: string, retired: boolean): Label {
    this.tx.retire(key, retired);
    return labelFromRow(this.row(key)!);
  }

  private row(key: string): LabelRow | undefined {
    return this.s.byKey.get(key) as LabelRow | undefined;
  }

  private checkHotkey(key: string, hotkey: string): void {
    const owner = this.s.hotkeyOwner.get(hotkey, key) as string | undefined;
    if (owner !== undefined) {
      throw new CotscopeError(
        `hotkey "${hotkey}" for label "${key}" is already used by label "${owner}"; choose another key or clear it there first`,
        'conflict',
      );
    }
  }
}

function labelFromRow(r: LabelRow): Label {
  return {
    key: r.key,
    name: r.name,
    description: r.description,
    color: r.color,
    hotkey: r.hotkey,
    target: r.target,
    sortOrder: r.sort_order,
    retired: r.retired_at !== null,
    tagCount: r.tag_count,
  };
}
