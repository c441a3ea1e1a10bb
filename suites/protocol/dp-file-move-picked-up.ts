import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import { FILE_LAYOUT } from "../../harness/dataplanes/config-source.ts";
import { CLUSTER_TYPE_URL } from "../../harness/proto/type-urls.ts";
import { writeConfigFile, type FileWriterKind } from "./support/file-writer.ts";

/** How long a moved-in file may take to be applied. */
const DEADLINE_MS = 5000;

export const dpFileMovePickedUp = defineCheck({
  id: "protocol.dp-file-move-picked-up",
  suite: "protocol",
  title: "Filesystem subscription: a file renamed into place (an atomic move) is applied",
  spec: 'xds_protocol#filesystem-subscriptions; config_source.proto PathConfigSource.path ("Envoy will watch the file path for *moves* ... because in general only moves are atomic")',
  role: "data-plane",
  requires: ["reference-cp", "envoy-admin"],
  fixture: "smoke.yaml",
  appliesTo: (v) => v.mode === "file",
  twins: [
    {
      name: "writer:in-place",
      description:
        "a misbehaving writer that rewrites the watched file in place instead of moving a new one in",
      params: { writer: "in-place" },
    },
  ],
  timeoutMs: 60_000,
  async run(ctx) {
    const { stack, fixture } = await ctx.startScenario();
    const admin = stack.dp.admin;
    const writer = (ctx.params.writer as FileWriterKind | undefined) ?? "atomic-move";
    const changed = stack
      .adapt(fixture.resources.map((r) => r.json))
      .filter((r) => r["@type"] === CLUSTER_TYPE_URL)
      .map((r) => ({ ...r, connect_timeout: "2s" }));
    ctx.phase(`writing CDS "v2" (${writer})`);
    writeConfigFile(writer, stack.xdsConfig.fileDir!, FILE_LAYOUT.cds, "v2", changed);
    try {
      await admin.waitFor(
        async () => {
          const v = (await admin.versions()).clusters;
          return v === "v2"
            ? { done: true as const, value: v }
            : { done: false as const, seen: `CDS "${v}"` };
        },
        { what: 'Envoy applying CDS "v2" from the file', timeoutMs: DEADLINE_MS },
      );
    } catch (e) {
      return fail((e as Error).message);
    }
    const dump = await admin.configDump({ resource: "dynamic_active_clusters" });
    const timeout = dump.configs.find((c) => c.cluster?.name === "backend")?.cluster?.connect_timeout;
    if (timeout !== "2s")
      return fail(`cluster "backend" has connect_timeout ${timeout}, expected the new "2s"`);
    return pass();
  },
});
