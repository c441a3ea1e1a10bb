import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

/** The repository root: everything the harness caches or writes is placed relative to it. */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
