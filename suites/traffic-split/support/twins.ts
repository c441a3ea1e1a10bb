// Known-bad twins of the traffic-split checks: reference-server fault modes (harness/xds/resource-faults.ts)
// that send a well-formed but wrong split, which the data plane ACKs and follows.
import type { Twin } from "../../../harness/checks/define.ts";
import { RESOURCE_FAULTS, SKEW_POINTS } from "../../../harness/xds/resource-faults.ts";

const twin = (fault: string): Twin => ({
  name: `fault:${fault}`,
  description: RESOURCE_FAULTS[fault].description,
  server: { faults: [fault] },
});

/** Route (and TCP proxy) weighted_clusters moved SKEW_POINTS points: exactly the tolerance. */
export const SKEW_ROUTE = twin("skew-route-weights");
export const SKEW_ENDPOINTS = twin("skew-endpoint-weights");
export const SKEW_LOCALITIES = twin("skew-locality-weights");
export const EQUALIZE = twin("equalize-weights");
export const WEIGHT_ZERO_LEAK = twin("weight-zero-gets-weight");
export const STALE_ROUTE_WEIGHTS = twin("stale-route-weights");

/** The tolerance every skew twin must be caught at. */
export const SKEW = SKEW_POINTS / 100;
