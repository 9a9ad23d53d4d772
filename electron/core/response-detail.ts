// One response with everything the workbench shows beside it: the question, its video and image, the steps, and every
// annotator's live tags and verdicts.
import type { MediaInfo, Narration, ResponseDetail, SampleDetail } from '../../shared/api.ts';
import { LiveAnnotations } from './annotations.ts';
import { CotscopeError } from './errors.ts';
import { runSettings } from './runs.ts';
import { decodeSteps } from './steps-column.ts';
import type { Db } from './store.ts';

export class ResponseDetails {
  private readonly s;
  private readonly live: LiveAnnotations;

  constructor(db: Db) {
    this.live = new LiveAnnotations(db);
    this.s = {
      response: db.prepare(
        `SELECT x.*, r.name AS run_name, r.method AS run_method, r.settings AS run_settings
           FROM responses x JOIN runs r ON r.id = x.run_id WHERE x.id = ?`,
      ),
      sample: db.prepare('SELECT * FROM samples WHERE id = ?'),
      media: db.prepare('SELECT id, kind, rel_path, expected, present FROM media WHERE sample_id = ?'),
    };
  }

  get(id: number, me: number | null): ResponseDetail {
    const x = this.s.response.get(id) as any;
    if (!x) throw new CotscopeError(`no response ${id}`, 'not_found');
    const s = this.s.sample.get(x.sample_id) as any;
    const media = this.s.media.all(s.id) as { id: number; kind: 'video' | 'image'; rel_path: string; expected: number; present: number }[];
    const mediaOf = (kind: 'video' | 'image'): MediaInfo | null => {
      const m = media.find((r) => r.kind === kind);
      return m ? { id: m.id, kind, relPath: m.rel_path, expected: m.expected === 1, present: m.present === 1 } : null;
    };
    const judged = this.live.verdicts(id);
    const verdicts = judged.map((v) => v.verdict);
    const mineIndex = judged.findIndex((v) => v.annotatorId === me);
    const sample: SampleDetail = {
      id: s.id,
      level: s.level,
      sampleId: s.sample_id,
      videoSource: s.video_source,
      videoId: s.video_id,
      taskGoal: s.task_goal,
      question: s.question,
      options: { A: s.choice_a, B: s.choice_b, C: s.choice_c, D: s.choice_d },
      golden: s.golden,
      answer: s.answer,
      currentObservationFrame: s.current_observation_frame,
      taskProgress: parseNarrations(s.task_progress),
      domain: s.domain,
      scenario: s.scenario,
      taskStartFrame: s.task_start_frame,
      datasetId: s.dataset_id,
    };
    return {
      id: x.id,
      run: { id: x.run_id, name: x.run_name, method: x.run_method, settings: runSettings(x.run_settings) },
      rollout: x.rollout,
      raw: x.raw,
      thinkStart: x.think_start,
      thinkEnd: x.think_end,
      answerText: x.answer_text,
      prediction: x.prediction,
      correct: x.correct === 1,
      formatOk: x.format_ok === 1,
      fileReward: x.file_reward,
      fileCorrect: x.file_correct === null ? null : x.file_correct === 1,
      disagreement: x.score_disagreement === 1,
      steps: decodeSteps(x.steps),
      sample,
      video: mediaOf('video'),
      image: mediaOf('image'),
      tags: this.live.tags(id),
      verdicts,
      mine: mineIndex < 0 ? null : verdicts[mineIndex],
    };
  }
}

function parseNarrations(json: string): Narration[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? (v as Narration[]) : [];
  } catch {
    return [];
  }
}
