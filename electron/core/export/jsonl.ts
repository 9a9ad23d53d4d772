// JSONL: one line per response, exactly the foundation's record (README "JSONL export"). A metadata first line would
// break readers that take every line as a response, so the filter and version go to the `<out>.meta.json` sidecar.
import type { FormatContext, FormatWriter } from './format.ts';
import { TextSink } from './output.ts';

export function jsonlWriter(ctx: FormatContext): FormatWriter {
  const sink = new TextSink(ctx.tmp);
  let lines = 0;
  return {
    async write(batch) {
      let text = '';
      for (const w of batch) text += JSON.stringify(w.record) + '\n';
      lines += batch.length;
      await sink.write(text);
    },
    async finish() {
      await sink.close();
      return lines;
    },
    abort: () => sink.destroy(),
  };
}
