/**
 * Test helpers: write small idx files (and folders of them) for the loader tests.
 *
 * Written independently of the reader, straight from the format description, so a round trip
 * checks the reader against the format rather than against itself.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

/** Bytes of an idx file: 00 00 <type> <ndim>, big-endian uint32 dims, then `data`. */
export function encodeIdx(dims: number[], data: Uint8Array, type = 0x08): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length)
  header[2] = type
  header[3] = dims.length
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i))
  return new Uint8Array(Buffer.concat([header, data]))
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes))
}

/** A fresh empty folder under the OS temp dir whose name starts with `prefix`. */
export function tempFolder(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}

export interface SplitSpec {
  count: number
  height: number
  width: number
  /** Labels; defaults to i % 10. */
  labels?: number[]
}

/** Deterministic pixel values that differ between images, so a test can tell them apart. */
export function pixelsFor(count: number, height: number, width: number): Uint8Array {
  return Uint8Array.from({ length: count * height * width }, (_, i) => (i * 7 + 3) % 256)
}

/**
 * Writes the four standard idx files into `folder` (created if needed).
 *
 * `gz` picks gzip for every file; `dotted` uses the `train-images.idx3-ubyte` spelling.
 */
export function writeIdxFolder(
  folder: string,
  train: SplitSpec,
  test: SplitSpec,
  options: { gz?: boolean; dotted?: boolean } = {}
): void {
  mkdirSync(folder, { recursive: true })
  const sep = options.dotted ? '.' : '-'
  const suffix = options.gz ? '.gz' : ''
  const put = (name: string, bytes: Uint8Array): void =>
    writeFileSync(path.join(folder, name + suffix), options.gz ? gzip(bytes) : bytes)
  for (const [prefix, s] of [
    ['train', train],
    ['t10k', test]
  ] as const) {
    const labels = Uint8Array.from(s.labels ?? Array.from({ length: s.count }, (_, i) => i % 10))
    const pixels = pixelsFor(s.count, s.height, s.width)
    put(`${prefix}-images${sep}idx3-ubyte`, encodeIdx([s.count, s.height, s.width], pixels))
    put(`${prefix}-labels${sep}idx1-ubyte`, encodeIdx([labels.length], labels))
  }
}
