import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineSplitter } from "../src/lineSplitter.js";

const bytes = (text: string): Buffer => Buffer.from(text, "utf8");

describe("LineSplitter", () => {
  it("joins a line split across chunks", () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(bytes('{"a":')), []);
    assert.deepEqual(splitter.push(bytes("1")), []);
    assert.deepEqual(splitter.push(bytes("}\n")), ['{"a":1}']);
    assert.equal(splitter.bufferedBytes, 0);
  });

  it("returns several lines of one chunk in order and keeps the unfinished rest", () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(bytes("one\ntwo\nthree\nfo")), ["one", "two", "three"]);
    assert.equal(splitter.bufferedBytes, 2);
    assert.deepEqual(splitter.push(bytes("ur\n")), ["four"]);
  });

  it("decodes a multi-byte character split across chunks", () => {
    const line = bytes("{\"text\":\"h\u00e9 \u20ac \u{1F600}\"}\n");
    const euro = line.indexOf(0xe2);
    const emoji = line.indexOf(0xf0);
    const splitter = new LineSplitter();
    const chunks = [line.subarray(0, euro + 1), line.subarray(euro + 1, emoji + 2), line.subarray(emoji + 2)];
    const lines = chunks.flatMap((chunk) => splitter.push(chunk));
    assert.deepEqual(lines, ['{"text":"h\u00e9 \u20ac \u{1F600}"}']);
    assert.equal(JSON.parse(lines[0]!).text, "h\u00e9 \u20ac \u{1F600}");
  });

  it("decodes a line fed one byte at a time", () => {
    const splitter = new LineSplitter();
    const line = bytes("\u00fcber \u{1F680}\n");
    const lines: string[] = [];
    for (let i = 0; i < line.length; i++) {
      lines.push(...splitter.push(line.subarray(i, i + 1)));
    }
    assert.deepEqual(lines, ["\u00fcber \u{1F680}"]);
  });

  it("strips one carriage return before the newline and keeps empty lines", () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(bytes("a\r\n\nb\r\r\n")), ["a", "", "b\r"]);
  });

  it("copies held bytes, so a reused chunk buffer does not change a pending line", () => {
    const splitter = new LineSplitter();
    const chunk = bytes("abc");
    splitter.push(chunk);
    chunk.fill(0x7a);
    assert.deepEqual(splitter.push(bytes("d\n")), ["abcd"]);
  });

  it("throws when an unfinished line grows past its limit", () => {
    const splitter = new LineSplitter(8);
    splitter.push(bytes("12345"));
    assert.throws(() => splitter.push(bytes("6789")), /line exceeds 8 bytes/);
  });
});
