// `xdsc record --upstream HOST:PORT`: a tap in front of a live control plane; point a data plane at the
// printed address, reproduce the problem, press Ctrl-C (or wait --duration-ms): the transcript and a repro
// fixture are written. Nothing recorded is lost on Ctrl-C.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Tap } from "../tap/tap.ts";
import { transcriptToFixture } from "../tap/to-fixture.ts";
import { registerCleanup } from "../util/reaper.ts";
import { UsageError } from "./errors.ts";

export interface RecordOptions {
  upstream: string;
  port: number;
  out: string;
  durationMs?: number;
  name: string;
}

export async function record(o: RecordOptions): Promise<number> {
  if (!/^[^:]+:\d+$/.test(o.upstream))
    throw new UsageError(`--upstream: expected "host:port", got "${o.upstream}"`);
  mkdirSync(dirname(o.out), { recursive: true });
  const transcriptPath = join(dirname(o.out), `${o.name}.transcript.jsonl`);
  const tap = await new Tap(o.upstream, { transcriptPath, recordResources: true }).start(o.port);
  process.stdout.write(
    `xdsc record: point the data plane at ${tap.address} (xDS, any variant); transcript: ${transcriptPath}\n`,
  );
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    await tap.stop();
    const yaml = transcriptToFixture(tap.entries(), {
      name: o.name,
      upstream: o.upstream,
      recordedAt: new Date(),
    });
    writeFileSync(o.out, yaml);
    process.stdout.write(`fixture: ${o.out} (${tap.entries().length} transcript entries)\n`);
  };
  registerCleanup(finish);
  await new Promise<void>((resolve) => {
    if (o.durationMs) setTimeout(resolve, o.durationMs);
  });
  await finish();
  return 0;
}
