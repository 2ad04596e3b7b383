import { existsSync, watch } from "node:fs";
import path from "node:path";

/**
 * Settles as `promise` does, or rejects naming `what` once `timeoutMs` has passed: for the
 * "none hang" claims, so a promise that never settles fails its test with a reason instead of
 * running into the suite timeout.
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `socketPath` no longer exists, watching its directory. The host removes a socket
 * file when it begins its drain, after telling that socket's connections, so a line a client
 * writes once this resolved arrived after the shutdown began.
 */
export function socketFileGone(socketPath: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(path.dirname(socketPath));
    const timer = setTimeout(() => finish(new Error(`${socketPath} still exists after ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      watcher.close();
      if (error === undefined) {
        resolve();
      } else {
        reject(error);
      }
    };
    watcher.on("change", () => {
      if (!existsSync(socketPath)) {
        finish();
      }
    });
    watcher.on("error", (error) => finish(error));
    // Checked after the watcher is set up, so a removal between the two is not missed.
    if (!existsSync(socketPath)) {
      finish();
    }
  });
}
