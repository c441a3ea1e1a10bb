import { defineCheck, fail, pass } from "../../harness/checks/define.ts";
import type { Stack } from "../../harness/scenario/stack.ts";
import { ALL_SMOKE_TYPES } from "./types.ts";
import { PROXYLESS } from "../../harness/dataplanes/registry.ts";
import { clientConstraintsEvidence, type ProxylessClientName } from "../../harness/dataplanes/proxyless.ts";

export const smokeConfigAcked = defineCheck({
  id: "smoke.config-acked",
  suite: "smoke",
  title: "The data plane ACKs the initial CDS, EDS, LDS and RDS and becomes ready",
  spec: "xds_protocol#ack-and-nack-semantics",
  role: "both",
  requires: [],
  fixture: ({ dp }) => (PROXYLESS.has(dp) ? "smoke-grpc.yaml" : "smoke.yaml"),
  twins: [
    {
      name: "fixture:smoke-invalid",
      description:
        "a cluster Envoy rejects (ring hash with minimum > maximum ring size): the data plane NACKs",
      fixture: "twins/smoke-invalid.yaml",
    },
  ],
  async run(ctx) {
    // The report says which client strictness rules the harness met (PROXYLESS_CONSTRAINTS).
    if (PROXYLESS.has(ctx.cell.dp))
      ctx.addEvidence(clientConstraintsEvidence(ctx.cell.dp as ProxylessClientName));
    const { stack, fixture } = await ctx.startScenario(undefined, { waitReady: false });
    // REST polls and files carry no ACKs (and bypass the tap): accepted means ready, at the fixture's
    // version, with no update rejected.
    if (ctx.cell.variant.mode === "rest" || ctx.cell.variant.mode === "file")
      return acceptedWithoutAcks(stack, fixture.version);
    for (const typeUrl of ALL_SMOKE_TYPES) {
      ctx.phase(`waiting for ACK of ${typeUrl.split(".").pop()} ${fixture.version}`);
      const answer = await stack.tap.waitFor(
        (e) =>
          (e.classification === "ack" || e.classification === "nack") &&
          e.typeUrl === typeUrl &&
          e.answers?.version === fixture.version,
        `ACK or NACK of ${typeUrl.split(".").pop()} version "${fixture.version}"`,
        15_000,
      );
      if (answer.classification === "nack") {
        return fail(
          `${typeUrl.split(".").pop()} version "${fixture.version}" NACKed: ${answer.errorDetail?.message ?? "(no error_detail)"}`,
        );
      }
    }
    await stack.dataPlane!.waitForReady({ timeoutMs: 15_000 });
    return pass();
  },
});

async function acceptedWithoutAcks(stack: Stack, version: string) {
  const rejected = async () =>
    Object.entries(await stack.dp.admin.stats("update_rejected")).filter(([, n]) => n > 0);
  try {
    await stack.dp.waitForReady({ timeoutMs: 15_000 });
  } catch (e) {
    const r = await rejected();
    return fail(
      `not ready: ${(e as Error).message.split("\n")[0]}${r.length ? `; rejected updates: ${JSON.stringify(r)}` : ""}`,
    );
  }
  const v = await stack.dp.admin.versions();
  const r = await rejected();
  if (r.length > 0) return fail(`the data plane rejected updates: ${JSON.stringify(r)}`);
  if (v.clusters !== version || v.listeners !== version)
    return fail(
      `expected CDS and LDS at version "${version}", got CDS "${v.clusters}", LDS "${v.listeners}"`,
    );
  return pass([], { cdsVersion: v.clusters, ldsVersion: v.listeners });
}
