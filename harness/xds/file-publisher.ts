// File-based subscriptions (xds_protocol "Filesystem subscriptions"): each type's state is written as a
// DiscoveryResponse in proto3 JSON and moved atomically into the watched directory — Envoy reloads on a
// move into the directory, never on a partial write. One file per EDS/RDS resource, because a path
// ConfigSource in a Cluster or an HCM names exactly one resource's file (see FILE_LAYOUT).
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FILE_LAYOUT } from "../dataplanes/config-source.ts";
import {
  CLUSTER_TYPE_URL,
  ENDPOINT_TYPE_URL,
  LISTENER_TYPE_URL,
  ROUTE_TYPE_URL,
} from "../proto/type-urls.ts";
import type { Entry, TypeState } from "./snapshot.ts";
import type { Publisher } from "./server.ts";

export class FilePublisher implements Publisher {
  private seq = 0;

  constructor(
    private readonly dir: string,
    private readonly nodeId: string,
  ) {}

  publish(nodeId: string, typeUrl: string, state: TypeState): void {
    if (nodeId !== this.nodeId && nodeId !== "*") return;
    const entries = [...state.entries.values()];
    if (typeUrl === CLUSTER_TYPE_URL) this.write(FILE_LAYOUT.cds, state.version, entries);
    else if (typeUrl === LISTENER_TYPE_URL) this.write(FILE_LAYOUT.lds, state.version, entries);
    else if (typeUrl === ENDPOINT_TYPE_URL)
      for (const e of entries) this.write(FILE_LAYOUT.eds(e.name), state.version, [e]);
    else if (typeUrl === ROUTE_TYPE_URL)
      for (const e of entries) this.write(FILE_LAYOUT.rds(e.name), state.version, [e]);
  }

  private write(file: string, version: string, entries: Entry[]): void {
    const body = { version_info: version, resources: entries.map((e) => e.json) };
    const tmp = join(this.dir, `.${file}.${process.pid}.${++this.seq}.tmp`);
    writeFileSync(tmp, JSON.stringify(body));
    renameSync(tmp, join(this.dir, file));
  }
}
