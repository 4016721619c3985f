import { describe, expect, it } from 'vitest';
import { decode, encode, WireError } from '../../../main/api/wire.ts';

const bytesOf = (...n: number[]) => new Uint8Array(n).buffer;

describe('wire encoding (browser host frames)', () => {
  it('round-trips structure, ArrayBuffers at any depth, and non-finite numbers', () => {
    const f32 = new Float32Array([1.5, -2, 3.25]);
    const value = {
      id: 7,
      name: 'loadDataset',
      payload: { files: [{ name: 'a.csv', bytes: bytesOf(1, 2, 3) }, { name: 'b', bytes: new ArrayBuffer(0) }], grid: f32.buffer },
      loss: NaN, big: Infinity, small: -Infinity, text: 'é {"$bytes":[0,1]}',
    };
    const back = decode(encode(value)) as typeof value;
    expect(back.id).toBe(7);
    expect(back.text).toBe(value.text);
    expect(Number.isNaN(back.loss)).toBe(true);
    expect([back.big, back.small]).toEqual([Infinity, -Infinity]);
    expect([...new Uint8Array(back.payload.files[0].bytes)]).toEqual([1, 2, 3]);
    expect(back.payload.files[1].bytes.byteLength).toBe(0);
    expect([...new Float32Array(back.payload.grid)]).toEqual([1.5, -2, 3.25]);
    expect(Object.prototype.toString.call(back.payload.grid)).toBe('[object ArrayBuffer]');
  });

  it('carries bytes as bytes: a 1 MB buffer costs 1 MB, not a JSON array', () => {
    const frame = encode({ bytes: new Uint8Array(1 << 20).fill(255).buffer });
    expect(frame.byteLength).toBeLessThan((1 << 20) + 64);
  });

  it('refuses typed arrays (the contract carries ArrayBuffers)', () => {
    expect(() => encode({ x: new Float32Array(2) })).toThrow(/typed arrays/);
  });

  it('rejects malformed frames with a WireError, never a crash', () => {
    const good = new Uint8Array(encode({ a: 1, b: bytesOf(9) }));
    expect(() => decode(new Uint8Array([1, 0]))).toThrow(WireError);
    expect(() => decode(good.slice(0, 6))).toThrow(/truncated/);
    const lie = good.slice();
    new DataView(lie.buffer).setUint32(0, 1e9, true);
    expect(() => decode(lie)).toThrow(/truncated/);
    const forge = (json: string) => {
      const t = new TextEncoder().encode(json);
      const f = new Uint8Array(4 + t.length);
      new DataView(f.buffer).setUint32(0, t.length, true);
      f.set(t, 4);
      return f;
    };
    expect(() => decode(forge('{"a":'))).toThrow(/not valid JSON/);
    expect(() => decode(forge('{"b":{"$bytes":[0,100]}}'))).toThrow(/out of range/);
    expect(() => decode(forge('{"b":{"$bytes":[-8,1]}}'))).toThrow(/bad \$bytes/);
    expect(() => decode(forge('{"b":{"$bytes":"x"}}'))).toThrow(/bad \$bytes/);
    expect(() => decode(new Uint8Array([2, 0, 0, 0, 0xff, 0xfe]))).toThrow(/UTF-8/);
  });

  it('leaves __proto__ keys as plain data', () => {
    const t = new TextEncoder().encode('{"__proto__":{"polluted":1},"a":2}');
    const f = new Uint8Array(4 + t.length);
    new DataView(f.buffer).setUint32(0, t.length, true);
    f.set(t, 4);
    const out = decode(f) as Record<string, unknown>;
    expect(out.a).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('wire decoding of a Node Buffer (what ws hands the browser host)', () => {
  it('yields ArrayBuffers holding exactly the part, not the pooled memory around it', () => {
    const frame = new Uint8Array(encode({ bytes: bytesOf(7, 8, 9) }));
    const pooled = Buffer.alloc(frame.length + 100, 0xee);
    pooled.set(frame, 50);
    const out = decode(pooled.subarray(50, 50 + frame.length)) as { bytes: ArrayBuffer };
    expect([...new Uint8Array(out.bytes)]).toEqual([7, 8, 9]);
  });
});
