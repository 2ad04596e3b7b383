import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SCHEMA_VERSION, buildIpcEnvelope, decodeResponseLine, encodeRequestLine } from "../src/envelope.js";

describe("buildIpcEnvelope", () => {
  it("defaults payload_json to {} and leaves run_id out", () => {
    const envelope = buildIpcEnvelope({ messageType: "runtime.ping" });
    assert.deepEqual(envelope, { schema_version: "opsclaw.ipc.v1alpha1", message_type: "runtime.ping", payload_json: "{}" });
    assert.equal("run_id" in envelope, false);
    assert.equal(encodeRequestLine(envelope), '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.ping","payload_json":"{}"}\n');
  });

  it("writes run_id when given", () => {
    const envelope = buildIpcEnvelope({ messageType: "runtime.ping", runId: "r1" });
    assert.equal(envelope.run_id, "r1");
    assert.equal(envelope.schema_version, SCHEMA_VERSION);
  });

  it("JSON-encodes an object payload and keeps a string payload as it is", () => {
    assert.equal(buildIpcEnvelope({ messageType: "runtime.forward", payload: { a: [1, "\u20ac"] } }).payload_json, '{"a":[1,"\u20ac"]}');
    assert.equal(buildIpcEnvelope({ messageType: "runtime.forward", payload: '{"kept": true }' }).payload_json, '{"kept": true }');
    assert.equal(buildIpcEnvelope({ messageType: "runtime.forward", payload: [1, 2] }).payload_json, "[1,2]");
    assert.equal(buildIpcEnvelope({ messageType: "runtime.forward", payload: null }).payload_json, "null");
  });

  it("refuses a payload JSON cannot encode", () => {
    assert.throws(() => buildIpcEnvelope({ messageType: "runtime.forward", payload: () => 1 }), TypeError);
  });

  it("encodes a request as one line whatever the payload holds", () => {
    const line = encodeRequestLine(buildIpcEnvelope({ messageType: "runtime.forward", payload: { text: "a\nb" } }));
    assert.equal(line.indexOf("\n"), line.length - 1);
    assert.equal(JSON.parse(JSON.parse(line).payload_json).text, "a\nb");
  });
});

describe("decodeResponseLine", () => {
  it("reads a response envelope", () => {
    const response = decodeResponseLine(
      '{"schema_version":"opsclaw.ipc.v1alpha1","message_type":"runtime.pong","run_id":"r1","payload_json":"{\\"status\\":\\"ok\\"}","ok":true,"error":null,"error_code":null}',
    );
    assert.equal(response.message_type, "runtime.pong");
    assert.equal(response.run_id, "r1");
    assert.equal(response.ok, true);
  });

  it("rejects lines that are not response envelopes", () => {
    assert.throws(() => decodeResponseLine("not json"), /not JSON/);
    assert.throws(() => decodeResponseLine("[1]"), /not a JSON object/);
    assert.throws(() => decodeResponseLine('{"message_type":"x","payload_json":"{}"}'), /boolean 'ok'/);
    assert.throws(() => decodeResponseLine('{"message_type":"x","ok":true}'), /'payload_json'/);
  });
});
