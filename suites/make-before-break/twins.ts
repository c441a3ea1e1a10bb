// The reference server's wrong orders (harness/xds/ordering.ts) as known-bad twins. Each holds its
// broken intermediate state long enough (stepGapMs, edsDelayMs) that Envoy under load drops requests.
import type { Twin } from "../../harness/checks/define.ts";

export const TWINS = {
  rdsFirst: {
    name: "policy:rds-first",
    description:
      "sends RDS, then LDS, EDS and CDS: routes point at clusters Envoy does not have yet (503 NC)",
    server: { policy: "rds-first" },
  },
  ldsBeforeCds: {
    name: "policy:lds-before-cds",
    description:
      "sends LDS and RDS before CDS and EDS: listeners and routes use clusters not sent yet (503 NC)",
    server: { policy: "lds-before-cds" },
  },
  removeClusterFirst: {
    name: "policy:remove-cluster-first",
    description: "moves CDS to its final set first: a cluster is removed while routes still use it (503 NC)",
    server: { policy: "remove-cluster-first" },
  },
  edsLate: {
    name: "policy:eds-late",
    description:
      "holds EDS back 2 s after CDS, LDS and RDS: routes point at a cluster still warming (503 NC)",
    server: { policy: "eds-late" },
  },
  breakBeforeMake: {
    name: "policy:break-before-make",
    description: "empties a changed ClusterLoadAssignment before sending its new endpoints (503 UH)",
    server: { policy: "break-before-make" },
  },
  // A fault mode rather than an order (harness/xds/repro-faults.ts).
  ignoreUnchangedEds: {
    name: "fault:ignore-unchanged-eds",
    description:
      "does not answer an EDS request whose assignment did not change (go-control-plane#245): an updated cluster stays warming",
    server: { faults: ["ignore-unchanged-eds"] },
  },
} satisfies Record<string, Twin>;
