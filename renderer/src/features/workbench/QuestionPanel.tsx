import type { Letter, ResponseDetail } from '../../../../shared/api.ts';
import { Badge } from '../../ui/Badge.tsx';

const LETTERS: Letter[] = ['A', 'B', 'C', 'D'];

function verdictWord(v: boolean | null): string {
  return v === null ? 'no verdict' : v ? 'right' : 'wrong';
}

/** The question as the model got it, with the golden and the predicted option marked in colour and in words. */
export function QuestionPanel({ detail }: { detail: ResponseDetail }) {
  const s = detail.sample;
  const pred = detail.prediction;
  return (
    <section className="panel question-panel" data-testid="question-panel">
      <div className="question-meta">
        <span className={`level level-${s.level}`}>{s.level}</span>
        <span className="mono small" title="sample id">
          {s.sampleId}
        </span>
        {s.videoSource && <span className="muted small">{s.videoSource}</span>}
        {s.domain && <span className="muted small">· {s.domain}</span>}
        {s.scenario && <span className="muted small">· {s.scenario}</span>}
      </div>
      <div className="task-goal">
        <span className="field-label">Task goal</span> <strong data-testid="task-goal">{s.taskGoal ?? '—'}</strong>
      </div>
      {s.question && (
        <div className="question-text" data-testid="question">
          {s.question}
        </div>
      )}
      <ol className="options" data-testid="options">
        {LETTERS.map((l) => {
          const text = s.options[l];
          if (text === null && s.golden !== l && pred !== l) return null;
          const golden = s.golden === l;
          const predicted = pred === l;
          return (
            <li
              key={l}
              className={`option${golden ? ' golden' : ''}${predicted ? (golden ? ' predicted-right' : ' predicted-wrong') : ''}`}
              data-testid="option"
              data-letter={l}
              data-golden={golden || undefined}
              data-predicted={predicted || undefined}
            >
              <span className="option-letter">{l}</span>
              <span className="option-text">{text ?? <span className="muted">(no text)</span>}</span>
              <span className="option-marks">
                {golden && <span className="mark golden-mark">✓ golden</span>}
                {predicted && <span className={`mark ${golden ? 'pred-right-mark' : 'pred-wrong-mark'}`}>{golden ? '◆ predicted' : '✗ predicted'}</span>}
              </span>
            </li>
          );
        })}
      </ol>
      {s.answer && !s.options.A && (
        <div className="small">
          <span className="field-label">Answer</span> {s.answer}
        </div>
      )}
      <div className="badges" data-testid="response-badges">
        {detail.correct ? (
          <Badge tone="ok" testId="badge-correct">
            ✓ Correct
          </Badge>
        ) : (
          <Badge tone="bad" testId="badge-correct">
            ✗ Wrong{pred === null ? ' · no readable answer' : ''}
          </Badge>
        )}
        {detail.formatOk ? (
          <Badge tone="muted" testId="badge-format">
            format ok
          </Badge>
        ) : (
          <Badge tone="warn" testId="badge-format" title="Not exactly one <think> block followed by one <answer> block">
            ⚠ format error
          </Badge>
        )}
        {detail.disagreement && (
          <Badge tone="info" testId="badge-disagreement" title="The run file's own reward/correct disagrees with cotscope's scoring">
            ≠ file says {verdictWord(detail.fileCorrect)}, cotscope says {verdictWord(detail.correct)}
            {detail.fileReward !== null ? ` (reward ${detail.fileReward})` : ''}
          </Badge>
        )}
        <span className="muted small">
          answer: <span className="mono">{detail.answerText === null ? '—' : JSON.stringify(detail.answerText.trim()).slice(0, 60)}</span>
        </span>
      </div>
    </section>
  );
}
