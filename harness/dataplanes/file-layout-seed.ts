// File-mode xDS: Envoy refuses a path ConfigSource whose file does not exist yet, so adapters other than the
// process adapter (which has its own copy) seed the watched directory before Envoy starts.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FILE_LAYOUT } from "./config-source.ts";

/** Writes an empty DiscoveryResponse ("nothing yet") for CDS and LDS where none exists. */
export async function seedFileLayout(fileDir: string): Promise<void> {
  for (const file of [FILE_LAYOUT.cds, FILE_LAYOUT.lds]) {
    const path = join(fileDir, file);
    if (!existsSync(path)) await writeFile(path, JSON.stringify({ version_info: "", resources: [] }));
  }
}
