// Entry point: the reference server in its own process behind the adapter API, speaking the same
// ready-line contract as every adapter process (adapter-process.ts). Used where the reference server
// must be measured or isolated like a peer, e.g. bench/xds-push.ts (RSS of the CP process alone).
//   node --import tsx harness/controlplanes/reference-process.ts [--policy <name>]
import { parseArgs } from "node:util";
import { ReferenceServer } from "../xds/server.ts";
import type { PolicyName } from "../xds/ordering.ts";
import { referenceAdapter, startAdapterServer } from "./adapter-server.ts";

const { values } = parseArgs({ options: { policy: { type: "string" } } });
const xds = await new ReferenceServer({ policy: values.policy as PolicyName | undefined }).start();
const adapter = await startAdapterServer(referenceAdapter(xds));
process.stdout.write(`ready xds=${xds.address} adapter=${adapter.address}\n`);

const stop = async () => {
  await adapter.stop();
  await xds.stop();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
