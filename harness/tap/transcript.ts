// The transcript: every xDS message on every stream between a data plane and a control plane, in
// order, timestamped and classified. Written as JSONL (one entry per line) so a crashed run keeps
// everything recorded up to the crash.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import type { JsonObject } from "../proto/codec.ts";

export type RequestClass = "initial" | "ack" | "nack" | "stale" | "subscription";

export interface TranscriptEntry {
  seq: number;
  /** Epoch milliseconds with sub-millisecond precision. */
  at: number;
  stream: number;
  method: string;
  kind: "sotw" | "delta" | "fetch";
  direction: "request" | "response" | "open" | "close";
  typeUrl: string;
  nodeId?: string;
  node?: JsonObject;
  /** SotW version_info (requests and responses) or delta system_version_info (responses). */
  versionInfo?: string;
  /** response_nonce on requests, nonce on responses. */
  nonce?: string;
  resourceNames?: string[];
  unsubscribe?: string[];
  initialResourceVersions?: Record<string, string>;
  resources?: { name: string; version?: string; json?: JsonObject }[];
  removed?: string[];
  errorDetail?: { code: number; message: string };
  classification?: RequestClass;
  /** For ACK/NACK requests: the response they answer. */
  answers?: { nonce: string; version: string; seq: number };
  /** For close entries: the gRPC status or error. */
  status?: string;
}

export class TranscriptWriter {
  constructor(private readonly path: string) {
    writeFileSync(path, "");
  }
  write(e: TranscriptEntry): void {
    appendFileSync(this.path, JSON.stringify(e) + "\n");
  }
}

export function readTranscript(path: string): TranscriptEntry[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l) as TranscriptEntry;
      } catch (e) {
        throw new Error(`${path}:${i + 1}: not a transcript entry: ${(e as Error).message}`);
      }
    });
}

/** One line per entry, for evidence excerpts and failure messages. */
export function formatEntry(e: TranscriptEntry, t0 = 0): string {
  const t = `+${(e.at - t0).toFixed(1)}ms`;
  const type = e.typeUrl.split(".").pop() ?? e.typeUrl;
  const arrow = e.direction === "request" ? "DP→CP" : e.direction === "response" ? "CP→DP" : e.direction;
  const parts = [t, `s${e.stream}`, arrow, type];
  if (e.classification) parts.push(e.classification.toUpperCase());
  if (e.versionInfo !== undefined) parts.push(`v=${JSON.stringify(e.versionInfo)}`);
  if (e.nonce) parts.push(`nonce=${e.nonce}`);
  if (e.resourceNames?.length) parts.push(`names=[${e.resourceNames.join(",")}]`);
  if (e.resources) parts.push(`resources=[${e.resources.map((r) => r.name).join(",")}]`);
  if (e.removed?.length) parts.push(`removed=[${e.removed.join(",")}]`);
  if (e.errorDetail) parts.push(`error=${JSON.stringify(e.errorDetail.message.slice(0, 200))}`);
  if (e.status) parts.push(`status=${e.status}`);
  return parts.join(" ");
}
