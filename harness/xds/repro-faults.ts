// Fault modes that mimic control-plane bugs from the field (fixtures/repros/): each names the issue it
// reproduces, so a repro fixture can select it with `control_plane: { faults: [...] }`.
import type { Fault } from "./faults.ts";

export const REPRO_FAULTS: Record<string, Fault> = {};
