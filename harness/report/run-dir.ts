// Where a run's report lives: `<base>/<run-id>/` with `<base>/latest` pointing at the newest run, or one
// directory chosen with `--out DIR`. Evidence files go under `evidence/<cell>/<check-id>/`.
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import type { CheckResult, Evidence } from "../checks/types.ts";

export interface RunDir {
  runId: string;
  /** Absolute or caller-relative path of the directory the run writes into. */
  dir: string;
}

export type WrittenEvidence = CheckResult["evidence"][number];

const EXCERPT_MAX_LINES = 8;
const EXCERPT_MAX_CHARS = 800;

/** Sortable run id: UTC timestamp to the second plus 4 hex digits, e.g. `20261125T110233Z-4f2a`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

function checkRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId) || runId === "latest") {
    throw new Error(
      `run id: expected letters, digits, ".", "_" or "-" (not "latest"), got ${JSON.stringify(runId)}`,
    );
  }
}

/** Creates `<baseDir>/<run-id>/` and repoints `<baseDir>/latest` at it. */
export async function createRunDir(baseDir: string, runId?: string): Promise<RunDir> {
  await mkdir(baseDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const id = runId ?? newRunId();
    checkRunId(id);
    const dir = join(baseDir, id);
    try {
      await mkdir(dir);
    } catch (err) {
      // A generated id can collide when two runs start in the same second; an explicit one must not.
      if ((err as NodeJS.ErrnoException).code === "EEXIST" && runId === undefined && attempt < 5) continue;
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        throw new Error(
          `run directory ${JSON.stringify(dir)}: expected a new directory, got an existing one`,
        );
      }
      throw err;
    }
    await pointLatest(baseDir, id);
    return { runId: id, dir };
  }
}

// rename(2) over an existing symlink is atomic, so readers never see `latest` missing or half-made.
async function pointLatest(baseDir: string, runId: string): Promise<void> {
  const latest = join(baseDir, "latest");
  const existing = await lstat(latest).catch(() => undefined);
  if (existing && !existing.isSymbolicLink()) {
    throw new Error(
      `${latest}: expected a symlink to the newest run, got a ${existing.isDirectory() ? "directory" : "file"} (remove it)`,
    );
  }
  const tmp = join(baseDir, `.latest-${randomBytes(4).toString("hex")}`);
  await symlink(runId, tmp);
  try {
    await rename(tmp, latest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** `--out DIR`: the run writes straight into DIR, which must be missing or empty; no `latest` link. */
export async function useOutDir(dir: string, runId: string = newRunId()): Promise<RunDir> {
  checkRunId(runId);
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new Error(
      `--out ${dir}: expected an empty or missing directory, got ${entries.length} entries (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}); remove it or choose another`,
    );
  }
  return { runId, dir };
}

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
}

function serialize(content: Evidence["content"]): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((item) => JSON.stringify(item)).join("\n") + (content.length ? "\n" : "");
  return JSON.stringify(content, null, 2) + "\n";
}

function defaultExcerpt(text: string): string {
  const lines = text.split("\n").slice(0, EXCERPT_MAX_LINES).join("\n");
  const cut = lines.length > EXCERPT_MAX_CHARS ? lines.slice(0, EXCERPT_MAX_CHARS) + "…" : lines;
  return cut.trimEnd();
}

/** Writes a check's evidence and returns what the report records: relative path, sha256, excerpt. */
export async function writeEvidence(
  runDir: string,
  cellKey: string,
  checkId: string,
  evidence: readonly Evidence[],
): Promise<WrittenEvidence[]> {
  const folder = join("evidence", safeSegment(cellKey), safeSegment(checkId));
  const seen = new Set<string>();
  const written: WrittenEvidence[] = [];
  for (const [i, item] of evidence.entries()) {
    const file = normalize(item.file);
    if (isAbsolute(file) || file === "." || file.split(sep).includes("..")) {
      throw new Error(
        `evidence[${i}].file: expected a relative name inside the check's folder, got ${JSON.stringify(item.file)} (check ${checkId})`,
      );
    }
    if (seen.has(file))
      throw new Error(
        `evidence[${i}].file: expected a unique name, got ${JSON.stringify(item.file)} twice (check ${checkId})`,
      );
    seen.add(file);
    const text = serialize(item.content);
    const path = join(folder, file);
    await mkdir(join(runDir, path, ".."), { recursive: true });
    await writeFile(join(runDir, path), text);
    written.push({
      label: item.label,
      path: path.split(sep).join("/"),
      sha256: createHash("sha256").update(text).digest("hex"),
      excerpt: item.excerpt ?? defaultExcerpt(text),
    });
  }
  return written;
}
