// smoke: the walking skeleton — a data plane takes the reference state and carries traffic.
import type { CheckDefinition } from "../../harness/checks/define.ts";
import { smokeConfigAcked } from "./smoke-config-acked.ts";
import { smokeTraffic } from "./smoke-traffic.ts";
import { smokeRpcs } from "./smoke-rpcs.ts";

export const SMOKE_CHECKS: CheckDefinition[] = [smokeConfigAcked, smokeTraffic, smokeRpcs];
