// Writers of Envoy's path-ConfigSource files for the protocol suite's file checks (xds_protocol
// "Filesystem subscriptions"; config_source.proto PathConfigSource.path: "Envoy will watch the file path
// for *moves* ... because in general only moves are atomic"). The correct writer creates the file
// elsewhere in the watched directory and renames it into place; the misbehaving one rewrites it in place.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "../../../harness/proto/codec.ts";
import type { EnvoyAdmin } from "../../../harness/dataplanes/envoy-admin.ts";

export type FileWriterKind = "atomic-move" | "in-place";

/** Writes `file` in `dir` as a DiscoveryResponse (proto3 JSON) of `resources` at `version`. */
export function writeConfigFile(
  kind: FileWriterKind,
  dir: string,
  file: string,
  version: string,
  resources: JsonObject[],
): void {
  const body = JSON.stringify({ version_info: version, resources });
  if (kind === "in-place") return writeFileSync(join(dir, file), body);
  const tmp = join(dir, `.${file}.xdsc-protocol.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, join(dir, file));
}

/** Envoy's CDS subscription counters (update_attempt, update_success, update_rejected, ...). */
export async function cdsCounters(admin: EnvoyAdmin): Promise<Record<string, number>> {
  const stats = await admin.stats("^cluster_manager\\.cds\\.update_");
  return Object.fromEntries(
    Object.entries(stats).map(([k, v]) => [k.replace("cluster_manager.cds.", ""), v]),
  );
}

/** One GET through a listener: the status, or 0 when the connection failed. */
export async function getStatus(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}
