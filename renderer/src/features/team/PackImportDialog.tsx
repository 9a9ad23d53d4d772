// "Import teammate's pack…": a pack file by its path on the machine running cotscope (as the other imports), merged
// at once, and the merge report shown: what was added, updated, deleted; responses this workspace lacks; bad lines.
import { useState } from 'react';
import type { MergeCounts } from '../../../../shared/api.ts';
import { Modal } from '../../ui/Modal.tsx';
import { useTeam } from './team-store.ts';

const KINDS = ['tags', 'verdicts', 'adjudications'] as const;

function Counts({ c }: { c: MergeCounts }) {
  return (
    <>
      <td className="num">{c.added}</td>
      <td className="num">{c.updated}</td>
      <td className="num">{c.deleted}</td>
      <td className="num">{c.unchanged}</td>
      <td className="num">{c.tombstones}</td>
    </>
  );
}

export function PackImportDialog() {
  const report = useTeam((s) => s.packReport);
  const error = useTeam((s) => s.packError);
  const importing = useTeam((s) => s.importing);
  const [path, setPath] = useState('');
  const close = () => useTeam.getState().setPackDialog(false);
  const start = () => {
    if (path.trim() && !importing) void useTeam.getState().importPack(path.trim());
  };
  return (
    <Modal title="Import a teammate’s pack" onClose={close} testId="pack-dialog" wide>
      <p className="small muted">
        A pack is what <span className="mono">cotscope export-pack</span> writes: tags, verdicts and adjudications with their UUIDs and deletions.
        Merging adds your teammate’s work beside yours; the newest version of each row wins, nobody’s work is overwritten by another
        annotator’s, and importing the same pack twice changes nothing.
      </p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <label className="field">
          <span className="field-label">Pack file (path on the machine running cotscope)</span>
          <input
            className="input mono"
            autoFocus
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/me/packs/bob.pack"
            data-testid="pack-path"
          />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary" disabled={!path.trim() || importing} data-testid="pack-import">
            {importing ? 'Merging…' : 'Merge pack'}
          </button>
          <button type="button" className="btn" onClick={close}>
            Close
          </button>
        </div>
      </form>
      {error && (
        <div className="error-text small" data-testid="pack-error">
          {error}
        </div>
      )}
      {report && (
        <div className="pack-report" data-testid="pack-report">
          <div className="small">
            Merged <span className="mono">{report.file}</span> (pack format v{report.version}) — work of{' '}
            <strong>{report.annotators.join(', ') || 'nobody'}</strong>
          </div>
          <table className="table">
            <thead>
              <tr>
                <th />
                <th className="num">added</th>
                <th className="num">updated</th>
                <th className="num">deleted</th>
                <th className="num">unchanged</th>
                <th className="num" title="Deletions of rows this workspace never had, kept so later merges know">deletions kept</th>
              </tr>
            </thead>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k} data-testid={`pack-count-${k}`}>
                  <th>{k}</th>
                  <Counts c={report[k]} />
                </tr>
              ))}
            </tbody>
          </table>
          {report.annotatorsAdded.length > 0 && <div className="small">New annotators: {report.annotatorsAdded.join(', ')}</div>}
          {report.labelsAdded.length > 0 && <div className="small">New labels: {report.labelsAdded.join(', ')}</div>}
          {report.conflicts > 0 && (
            <div className="warn-text small">{report.conflicts} row(s) refused: their UUID belongs to another annotator in this workspace.</div>
          )}
          {report.unmatched.count > 0 && (
            <div className="warn-text small" data-testid="pack-unmatched">
              {report.unmatched.count} response(s) in the pack are not in this workspace (import their runs first):
              <ul className="mono">
                {report.unmatched.first.map((u) => (
                  <li key={u}>{u}</li>
                ))}
                {report.unmatched.count > report.unmatched.first.length && <li>… and {report.unmatched.count - report.unmatched.first.length} more</li>}
              </ul>
            </div>
          )}
          {report.skipped.count > 0 && (
            <div className="skipped" data-testid="pack-skipped">
              <div className="field-label">Skipped lines ({report.skipped.count})</div>
              <ul className="mono small">
                {report.skipped.lines.map((s, i) => (
                  <li key={i}>
                    {s.file}:{s.line}: {s.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
