// The browser host's message encoding: JSON for the structure, raw bytes for every ArrayBuffer, so
// a dropped 100 MB CSV or a grid of probabilities crosses the WebSocket as bytes, never as a JSON
// array of numbers (Electron's IPC needs none of this: structured clone carries ArrayBuffers).
//
// Frame: [u32 LE: byte length of the JSON][JSON, UTF-8][padding to 8][part 0][padding][part 1]...
// In the JSON, an ArrayBuffer is {"$bytes": [offset from the first part, length]} and a non-finite number (a diverged
// loss) is {"$num": "NaN" | "Infinity" | "-Infinity"}, which plain JSON would turn into null.
// Typed arrays are refused: the contract carries ArrayBuffers only, in both hosts.

const ALIGN = 8;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** What `decode` throws on a frame that is not one of ours; the hosts answer it with an error. */
export class WireError extends Error {}

function isArrayBuffer(x: unknown): x is ArrayBuffer {
  return Object.prototype.toString.call(x) === '[object ArrayBuffer]';
}

export function encode(value: unknown): ArrayBuffer {
  const parts: ArrayBuffer[] = [];
  let binaryLength = 0;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    if (isArrayBuffer(v)) {
      const ref = { $bytes: [binaryLength, v.byteLength] }; // offset from the start of the binary section
      parts.push(v);
      binaryLength = align(binaryLength + v.byteLength);
      return ref;
    }
    if (ArrayBuffer.isView(v)) throw new TypeError('wire: send typed arrays as their ArrayBuffer (the contract carries ArrayBuffers only)');
    return v;
  }) ?? 'null';
  const text = new TextEncoder().encode(json);
  const base = align(4 + text.length);
  const frame = new Uint8Array(base + binaryLength);
  new DataView(frame.buffer).setUint32(0, text.length, true);
  frame.set(text, 4);
  let at = base;
  for (const p of parts) {
    frame.set(new Uint8Array(p), at);
    at = align(at + p.byteLength);
  }
  return frame.buffer;
}

export function decode(frame: ArrayBuffer | Uint8Array): unknown {
  // A plain Uint8Array view, even of a Node Buffer (whose slice() would share a pooled buffer).
  const view = frame instanceof Uint8Array ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) : new Uint8Array(frame);
  if (view.byteLength < 4) throw new WireError('message too short');
  const jsonLength = new DataView(view.buffer, view.byteOffset, view.byteLength).getUint32(0, true);
  if (4 + jsonLength > view.byteLength) throw new WireError('message truncated');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(view.subarray(4, 4 + jsonLength));
  } catch {
    throw new WireError('message is not UTF-8');
  }
  try {
    return JSON.parse(text, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const keys = Object.keys(v);
      if (keys.length !== 1) return v;
      const o = v as Record<string, unknown>;
      if (keys[0] === '$num' && (o.$num === 'NaN' || o.$num === 'Infinity' || o.$num === '-Infinity')) return Number(o.$num);
      if (keys[0] === '$bytes') {
        const r = o.$bytes;
        if (!Array.isArray(r) || r.length !== 2 || !r.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new WireError('bad $bytes reference');
        const [offset, length] = r as [number, number];
        const start = align(4 + jsonLength) + offset;
        if (start + length > view.byteLength) throw new WireError('$bytes reference out of range');
        return view.slice(start, start + length).buffer; // a copy of just these bytes
      }
      return v;
    });
  } catch (e) {
    if (e instanceof WireError) throw e;
    throw new WireError(`message is not valid JSON: ${(e as Error).message}`);
  }
}
