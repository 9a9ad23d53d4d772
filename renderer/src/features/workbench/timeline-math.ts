// Where things fall on the clip's time axis. Pure functions, so the mapping rules are easy to read and check.
import type { FrameMapping, Narration, RunSettings, SampleDetail } from '../../../../shared/api.ts';

export const DEFAULT_MAPPING: FrameMapping = { fps: 30, start: 'first-narration' };

export interface Segment {
  index: number;
  text: string;
  startFrame: number;
  stopFrame: number;
  /** Clip time in seconds. */
  t0: number;
  t1: number;
}

/** The original-video frame that is clip time 0, and a sentence saying where it came from. */
export function clipStartFrame(sample: SampleDetail, mapping: FrameMapping): { frame: number; source: string } {
  if (mapping.start === 'task-start' && sample.taskStartFrame !== null) {
    return { frame: sample.taskStartFrame, source: `task_start_frame ${sample.taskStartFrame}` };
  }
  const first = sample.taskProgress[0];
  if (first) return { frame: first.start_frame, source: `first narration’s start_frame ${first.start_frame}` };
  return { frame: 0, source: 'frame 0' };
}

/** Narrated task-progress steps in clip time: t = (frame − start) / fps. */
export function narrationSegments(sample: SampleDetail, mapping: FrameMapping): Segment[] {
  const { frame: start } = clipStartFrame(sample, mapping);
  return sample.taskProgress.map((n: Narration, index) => ({
    index,
    text: n.narration_text,
    startFrame: n.start_frame,
    stopFrame: n.stop_frame,
    t0: (n.start_frame - start) / mapping.fps,
    t1: (n.stop_frame - start) / mapping.fps,
  }));
}

/** Clip time of the current observation frame (usually the clip's end). */
export function observationTime(sample: SampleDetail, mapping: FrameMapping): number | null {
  if (sample.currentObservationFrame === null) return null;
  return (sample.currentObservationFrame - clipStartFrame(sample, mapping).frame) / mapping.fps;
}

/**
 * The frames the model saw, Qwen2-VL style: n = clamp(round(duration × sampleFps), min, max) frames, evenly spaced
 * from the first to the last frame of the clip.
 */
export function sampledFrameTimes(duration: number, settings: RunSettings, clipFps: number): number[] {
  if (!(duration > 0)) return [];
  const n = Math.max(settings.minFrames, Math.min(settings.maxFrames, Math.round(duration * settings.sampleFps)));
  const lastFrame = Math.max(0, Math.floor(duration * clipFps) - 1);
  if (n <= 1) return [0];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.round((i * lastFrame) / (n - 1)) / clipFps);
  return out;
}

export function formatTime(t: number | null | undefined, digits = 2): string {
  if (t === null || t === undefined || !Number.isFinite(t)) return '–';
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  return m > 0 ? `${m}:${s.toFixed(digits).padStart(digits + 3, '0')}` : `${s.toFixed(digits)} s`;
}
