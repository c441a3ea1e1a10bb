import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { failWith, withControlPlane } from "./support/control-plane.ts";
import { deltaStreams, faultTwin } from "./support/define.ts";
import { state } from "./support/resources.ts";
import type { Reply } from "./support/subscriber.ts";

/** Why a delta response's Resources do not identify themselves, or undefined. */
function badResource(r: Reply): string | undefined {
  const anyNames = r.anyNames ?? [];
  for (const [i, name] of r.names.entries()) {
    if (!name) return `resources[${i}]: empty name`;
    if (anyNames[i] !== undefined && anyNames[i] !== name)
      return `resources[${i}]: name "${name}", but the resource it carries is named "${anyNames[i]}"`;
    if (!r.versions[name]) return `resources[${i}] ("${name}"): empty version`;
  }
  return undefined;
}

export const cpDeltaResourceNameVersion = defineCheck({
  id: "protocol.cp-delta-resource-name-version",
  suite: "protocol",
  title: "Delta: every Resource names the resource it carries and has a non-empty version",
  spec: "xds_protocol#resource-names (the resource name is returned in the name field of the Resource); discovery.proto Resource.version (the resource level version tracks individual resources)",
  role: "control-plane",
  requires: [],
  appliesTo: deltaStreams,
  twins: [faultTwin("delta-resource-no-version"), faultTwin("delta-resource-wrong-name")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withControlPlane(ctx, async (cp) => {
      await cp.apply("v1", state(["a", "b"]));
      cp.sub.subscribe(CDS, ["*"]);
      const first = await cp.sub.next(CDS);
      const bad = badResource(first);
      if (bad) return failWith(cp, `CDS version "${first.version}": ${bad}`);
      cp.sub.ack(first);
      await cp.apply("v2", state(["a", "b"], ["a"]));
      const second = await cp.sub.next(CDS);
      const bad2 = badResource(second);
      if (bad2) return failWith(cp, `CDS version "${second.version}": ${bad2}`);
      // A new version of "a" is a new resource version.
      if (second.versions.a && second.versions.a === first.versions.a)
        return failWith(cp, `"a" changed in v2 but kept its resource version "${first.versions.a}"`);
      return pass();
    }),
});
