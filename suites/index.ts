// Every suite and its checks, listed explicitly (no registration by import side effect).
import type { CheckDefinition } from "../harness/checks/define.ts";
import type { SuiteName } from "../harness/checks/types.ts";
import { SMOKE_CHECKS } from "./smoke/index.ts";
import { PROTOCOL_CHECKS } from "./protocol/index.ts";
import { TRAFFIC_SPLIT_CHECKS } from "./traffic-split/index.ts";
import { ORDERING_CHECKS } from "./ordering/index.ts";
import { MAKE_BEFORE_BREAK_CHECKS } from "./make-before-break/index.ts";
import { PARITY_CHECKS } from "./parity/index.ts";

export const SUITES: Record<SuiteName, CheckDefinition[]> = {
  smoke: SMOKE_CHECKS,
  ordering: ORDERING_CHECKS,
  "make-before-break": MAKE_BEFORE_BREAK_CHECKS,
  "traffic-split": TRAFFIC_SPLIT_CHECKS,
  protocol: PROTOCOL_CHECKS,
  parity: PARITY_CHECKS,
};

export const ALL_CHECKS: CheckDefinition[] = Object.values(SUITES).flat();
