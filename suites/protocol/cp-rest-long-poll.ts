import { defineCheck, pass } from "../../harness/checks/define.ts";
import { CLUSTER_TYPE_URL as CDS } from "../../harness/proto/type-urls.ts";
import { faultTwin, SILENCE_MS } from "./support/define.ts";
import { clusters } from "./support/resources.ts";
import { failRest, restMode, withFirstPoll, type PollResult } from "./support/rest-control-plane.ts";

export const cpRestLongPoll = defineCheck({
  id: "protocol.cp-rest-long-poll",
  suite: "protocol",
  title:
    "REST-JSON long polling: an up-to-date poll gets no DiscoveryResponse until the resources change, then the change",
  spec: 'xds_protocol#rest-json-polling-subscriptions ("avoid sending a DiscoveryResponse unless a change to the underlying resources has occurred")',
  role: "control-plane",
  requires: [],
  appliesTo: restMode,
  twins: [faultTwin("rest-answer-unchanged")],
  timeoutMs: 20_000,
  run: (ctx) =>
    withFirstPoll(ctx, async (cp, r1) => {
      // A new version label over the same resources is not "a change to the underlying resources".
      await cp.apply("v1-relabelled", clusters({ a: "1s" }));
      // The poll may be held (long poll) or answered 304; a DiscoveryResponse within the window is wrong.
      const held = cp.poll(CDS, { versionInfo: r1.version });
      const early = await Promise.race([
        held,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), SILENCE_MS)),
      ]);
      if (early?.status === 200)
        return failRest(
          cp,
          `a poll at "${r1.version}" got a DiscoveryResponse at "${early.version}" though no resource changed`,
        );
      await cp.apply("v2", clusters({ a: "2s" }));
      // The held poll completes with the change; after a 304 the next poll gets it.
      let answer: PollResult = early ?? (await held);
      if (answer.status === 304) answer = await cp.poll(CDS, { versionInfo: r1.version });
      if (answer.status !== 200 || answer.version !== "v2")
        return failRest(
          cp,
          `after "a" changed in v2 the poll at "${r1.version}" was answered ${answer.status} ${answer.version}, expected 200 at "v2"`,
        );
      return pass([], { heldMs: answer.ms });
    }),
});
