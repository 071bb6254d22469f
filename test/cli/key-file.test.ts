import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withoutTextLineBreak } from '../../src/app/export.js';

describe('the key of --key-file', () => {
  it("drops a text key's line break, LF or CR LF, and nothing else", () => {
    const text = Buffer.from(randomBytes(32).toString('hex'));
    expect(withoutTextLineBreak(Buffer.concat([text, Buffer.from('\n')]))).toEqual(text);
    expect(withoutTextLineBreak(Buffer.concat([text, Buffer.from('\r\n')]))).toEqual(text);
    expect(withoutTextLineBreak(text)).toEqual(text);
  });

  it('takes a binary key whole, even when it ends with the bytes of a line break', () => {
    // 1 key in 256 made by head -c 32 /dev/urandom ends with 0x0a, 1 in 65,536 with 0x0d 0x0a: each must stay 32 bytes.
    for (const end of ['\n', '\r\n']) {
      const key = Buffer.concat([Buffer.from([0xff]), randomBytes(31 - end.length), Buffer.from(end)]);
      expect(withoutTextLineBreak(key)).toEqual(key);
    }
    const plain = Buffer.concat([Buffer.from([0x00]), randomBytes(31)]);
    expect(withoutTextLineBreak(plain)).toEqual(plain);
  });
});
