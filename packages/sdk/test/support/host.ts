import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

/** The Release build of the host, relative to the repository root; OPSCLAW_BIN overrides it. */
export const hostBinary =
  process.env["OPSCLAW_BIN"] ??
  fileURLToPath(new URL("../../../../../OpsClaw.Host/bin/Release/net10.0/opsclaw", import.meta.url));

/**
 * The Release build of the sample host of docs/extending.md (an application embedding OpsClaw that
 * serves the echo channel beside runtime and control); OPSCLAW_SAMPLE_BIN overrides it.
 */
export const sampleBinary =
  process.env["OPSCLAW_SAMPLE_BIN"] ??
  fileURLToPath(new URL("../../../../../samples/OpsClaw.Samples/bin/Release/net10.0/OpsClaw.Samples", import.meta.url));

const READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 15_000;

export interface HostOptions {
  /** HOCON lines for `--config` (the sample host's settings file), e.g. `opsclaw.ipc.max-line-bytes = 1024`. */
  config?: string[];
  /** Starts the sample host (`OpsClaw.Samples <socket-dir> [<settings.conf>]`), which also serves echo.sock, instead of opsclaw. */
  sample?: boolean;
  /** Runs after the temp dir exists and before the host starts, e.g. to loosen its mode. */
  prepare?: (dir: string) => Promise<void>;
}

/** One `opsclaw ipc serve-sockets` (or sample host) process in a fresh temp dir. */
export class RunningHost {
  private readonly exitCode: Promise<number | null>;

  constructor(
    readonly process: ChildProcess,
    readonly dir: string,
    readonly runtime: string,
    readonly control: string,
    readonly stderr: () => string,
  ) {
    this.exitCode = new Promise((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) {
        resolve(process.exitCode);
      } else {
        process.once("exit", (code) => resolve(code));
      }
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** The exit code once the process is gone, or undefined if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs = EXIT_TIMEOUT_MS): Promise<number | null | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.exitCode, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM by pid, then SIGKILL if it has not exited in time; removes the temp dir. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill("SIGTERM");
      if ((await this.waitForExit()) === undefined) {
        this.process.kill("SIGKILL");
        await this.waitForExit();
      }
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const binary = options.sample === true ? sampleBinary : hostBinary;
  if (!existsSync(binary)) {
    const name = options.sample === true ? "the sample host" : "the opsclaw host";
    const variable = options.sample === true ? "OPSCLAW_SAMPLE_BIN" : "OPSCLAW_BIN";
    throw new Error(`${name} is not built at ${binary}: run 'dotnet build OpsClaw.sln -c Release' at the repository root (or set ${variable})`);
  }
  // Short, because a Unix socket path may not exceed 107 bytes.
  const dir = await mkdtemp(path.join(os.tmpdir(), "ocsdk-"));
  await options.prepare?.(dir);
  const socketDir = path.join(dir, "s");
  const args = options.sample === true ? [socketDir] : ["ipc", "serve-sockets", "--dir", socketDir];
  if (options.config !== undefined) {
    const configPath = path.join(dir, "host.conf");
    await writeFile(configPath, `${options.config.join("\n")}\n`);
    args.push(...(options.sample === true ? [configPath] : ["--config", configPath]));
  }
  const child = spawn(binary, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    stderr += text;
  });
  try {
    const ready = await readyLine(child, () => stderr);
    const runtime = /runtime=(\S+)/.exec(ready)?.[1];
    const control = /control=(\S+)/.exec(ready)?.[1];
    if (runtime === undefined || control === undefined) {
      throw new Error(`ready line without socket paths: ${ready}`);
    }
    return new RunningHost(child, dir, runtime, control, () => stderr);
  } catch (error) {
    await new RunningHost(child, dir, "", "", () => stderr).stop();
    throw error;
  }
}

function readyLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => finish(new Error(`no ready line within ${READY_TIMEOUT_MS} ms; stderr: ${stderr()}`)), READY_TIMEOUT_MS);
    const onExit = (code: number | null): void => finish(new Error(`host exited (${code}) before its ready line; stderr: ${stderr()}`));
    const finish = (outcome: Error | string): void => {
      clearTimeout(timer);
      child.off("exit", onExit);
      lines.close();
      if (typeof outcome === "string") {
        resolve(outcome);
      } else {
        reject(outcome);
      }
    };
    child.once("exit", onExit);
    child.once("error", (error) => finish(error));
    lines.on("line", (line) => {
      if (line.startsWith("opsclaw ipc ready ")) {
        finish(line);
      }
    });
  });
}
