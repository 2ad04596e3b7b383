import assert from "node:assert/strict";
import { after } from "node:test";
import { IpcConnectionError, IpcError } from "../../src/errors.js";
import { trackUnhandledRejections } from "./unhandled.js";

/** Bounds every suite, so a host that never answers fails the run instead of hanging it. */
export const SUITE_TIMEOUT_MS = 120_000;

/**
 * Fails the enclosing scope (the file, or the describe it is called in) if any promise rejection was
 * left unhandled while it ran; checked by an `after` hook registered here, so after the scope's earlier ones.
 */
export function failOnUnhandledRejections(): void {
  const unhandled = trackUnhandledRejections();
  after(() => {
    unhandled.stop();
    assert.deepEqual(unhandled.reasons, [], "no rejection may be left unhandled");
  });
}

/** For `assert.rejects`: an {@link IpcError} with this code, and an error text matching `error` when given. */
export function isIpcError(code: string, error?: RegExp): (thrown: unknown) => boolean {
  return (thrown) => {
    assert.ok(thrown instanceof IpcError, `expected an IpcError ${code}, got ${String(thrown)}`);
    assert.equal(thrown.code, code);
    if (error !== undefined) {
      assert.match(thrown.envelope.error ?? "", error);
    }
    return true;
  };
}

/** For `assert.rejects`: an {@link IpcConnectionError} of this kind, with a message matching `message` when given. */
export function isConnectionError(kind: string, message?: RegExp): (thrown: unknown) => boolean {
  return (thrown) => {
    assert.ok(thrown instanceof IpcConnectionError, `expected an IpcConnectionError ${kind}, got ${String(thrown)}`);
    assert.equal(thrown.kind, kind);
    if (message !== undefined) {
      assert.match(thrown.message, message);
    }
    return true;
  };
}
