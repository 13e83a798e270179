/**
 * Parser for the idx format of MNIST and Fashion-MNIST, gzipped or raw.
 *
 * An idx file is a 4-byte magic `00 00 <type> <ndim>`, then `ndim` big-endian uint32 sizes, then
 * the data in row-major order. Only type 0x08 (unsigned byte) is supported: it is what image and
 * label files use, and it lets a dataset keep one byte per pixel in memory.
 * See http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS FOR THE MNIST DATABASE").
 */
import { gunzipSync } from 'node:zlib'

/** A parsed idx file: its dimensions and its bytes, row-major. */
export interface IdxArray {
  dims: number[]
  data: Uint8Array
}

const UNSIGNED_BYTE = 0x08

/** The other idx element types, named so an error can say what the file holds. */
const TYPE_NAMES: Record<number, string> = {
  0x09: 'signed byte',
  0x0b: 'short (int16)',
  0x0c: 'int (int32)',
  0x0d: 'float (float32)',
  0x0e: 'double (float64)'
}

/** True when the bytes start with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

/**
 * Parses one idx file, gunzipping it first when it starts with the gzip magic.
 *
 * Detection goes by content, not by the `.gz` suffix, because mirrors and browsers sometimes
 * decompress a download and keep its name. `fileName` only serves the error messages.
 */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const raw = isGzip(bytes) ? gunzip(bytes, fileName) : bytes
  return parseRawIdx(raw, fileName)
}

function gunzip(bytes: Uint8Array, fileName: string): Uint8Array {
  try {
    const out = gunzipSync(bytes)
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`${fileName} is not a valid gzip stream: ${reason}; re-download the file`)
  }
}

function hex(byte: number): string {
  return '0x' + byte.toString(16).padStart(2, '0')
}

function parseRawIdx(bytes: Uint8Array, fileName: string): IdxArray {
  if (bytes.length < 4) {
    throw new Error(
      `${fileName} is truncated: an idx file starts with a 4-byte header, ` +
        `found only ${bytes.length} bytes; re-download the file`
    )
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    // A failed download often saves an HTML error page under the data file's name.
    const html = bytes[0] === 0x3c ? ' (it looks like an HTML page, perhaps a failed download)' : ''
    throw new Error(
      `${fileName} is not an idx file: bad magic ${[...bytes.subarray(0, 4)].map(hex).join(' ')}${html}; ` +
        'an idx file starts with 0x00 0x00 <type> <ndim>'
    )
  }
  const type = bytes[2]
  const ndim = bytes[3]
  if (type !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[type]
      ? `${TYPE_NAMES[type]} (${hex(type)})`
      : `unknown type ${hex(type)}`
    throw new Error(
      `${fileName} holds ${name} data; only unsigned byte (0x08) idx files are supported`
    )
  }
  if (ndim === 0) {
    throw new Error(`${fileName} declares 0 dimensions in its idx header; expected at least 1`)
  }
  const headerBytes = 4 + 4 * ndim
  if (bytes.length < headerBytes) {
    throw new Error(
      `${fileName} is truncated: its header declares ${ndim} dimensions (${headerBytes} header bytes), ` +
        `found only ${bytes.length} bytes; re-download the file`
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dims: number[] = []
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false))
  const expected = dims.reduce((a, b) => a * b, 1)
  const found = bytes.length - headerBytes
  if (found < expected) {
    throw new Error(
      `${fileName} is truncated: dims [${dims.join(', ')}] need ${expected} bytes of data, ` +
        `found ${found}; re-download the file`
    )
  }
  if (found > expected) {
    throw new Error(
      `${fileName} has ${found - expected} trailing bytes after the ${expected} bytes of data that dims ` +
        `[${dims.join(', ')}] declare; the file is damaged or not an idx file`
    )
  }
  return { dims, data: bytes.subarray(headerBytes) }
}
