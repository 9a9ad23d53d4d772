// How responses.steps holds a chain's steps: JSON [[start, end], …] in step order (the `steps` view reads it too).
import type { Step } from '../../shared/types.ts';

export function encodeSteps(steps: readonly Step[]): string {
  let s = '[';
  for (let i = 0; i < steps.length; i++) s += `${i ? ',' : ''}[${steps[i].start},${steps[i].end}]`;
  return s + ']';
}

export function decodeSteps(json: string): Step[] {
  return (JSON.parse(json) as [number, number][]).map(([start, end], index) => ({ index, start, end }));
}
