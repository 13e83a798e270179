import { describe, expect, it } from 'vitest'
import { isGzip, parseIdx } from '../../../../main/engine/data/idx-reader'
import { encodeIdx, gzip } from './idx-fixture'

const FILE = '/data/train-images-idx3-ubyte'

describe('parseIdx', () => {
  const dims = [3, 2, 4]
  const data = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256)

  it('reads dims and data of a raw file', () => {
    const parsed = parseIdx(encodeIdx(dims, data), FILE)
    expect(parsed.dims).toEqual(dims)
    expect([...parsed.data]).toEqual([...data])
  })

  it('reads the same content from a gzipped file', () => {
    const bytes = gzip(encodeIdx(dims, data))
    expect(isGzip(bytes)).toBe(true)
    const parsed = parseIdx(bytes, FILE + '.gz')
    expect(parsed.dims).toEqual(dims)
    expect([...parsed.data]).toEqual([...data])
  })

  it('reads a 1-d label file with dims above 255 (big-endian uint32)', () => {
    const labels = Uint8Array.from({ length: 70000 }, (_, i) => i % 10)
    const parsed = parseIdx(gzip(encodeIdx([70000], labels)), 'labels')
    expect(parsed.dims).toEqual([70000])
    expect(parsed.data[69999]).toBe(9)
  })

  it('rejects a bad magic, naming the file', () => {
    const bytes = encodeIdx(dims, data)
    bytes[0] = 0x12
    expect(() => parseIdx(bytes, FILE)).toThrow(
      `${FILE} is not an idx file: bad magic 0x12 0x00 0x08 0x03`
    )
  })

  it('says when the file looks like an HTML page', () => {
    const bytes = new TextEncoder().encode('<!DOCTYPE html><html>Not Found</html>')
    expect(() => parseIdx(bytes, FILE)).toThrow(/bad magic.*HTML page/)
  })

  it('rejects element types other than unsigned byte, naming the type', () => {
    expect(() => parseIdx(encodeIdx([2], new Uint8Array(8), 0x0d), FILE)).toThrow(
      `${FILE} holds float (float32) (0x0d) data; only unsigned byte (0x08) idx files are supported`
    )
    expect(() => parseIdx(encodeIdx([2], new Uint8Array(2), 0x42), FILE)).toThrow(
      'unknown type 0x42'
    )
  })

  it('rejects truncated data, with the expected and found byte counts', () => {
    const bytes = encodeIdx(dims, data).subarray(0, 16 + 20)
    expect(() => parseIdx(bytes, FILE)).toThrow(
      `${FILE} is truncated: dims [3, 2, 4] need 24 bytes of data, found 20; re-download the file`
    )
  })

  it('rejects a truncated header', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), FILE)).toThrow(
      `${FILE} is truncated: an idx file starts with a 4-byte header`
    )
    expect(() => parseIdx(encodeIdx(dims, data).subarray(0, 10), FILE)).toThrow(
      `${FILE} is truncated: its header declares 3 dimensions (16 header bytes), found only 10 bytes`
    )
  })

  it('rejects trailing bytes', () => {
    const bytes = encodeIdx(dims, new Uint8Array(27))
    expect(() => parseIdx(bytes, FILE)).toThrow(
      `${FILE} has 3 trailing bytes after the 24 bytes of data`
    )
  })

  it('rejects a header with no dimensions', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]), FILE)).toThrow(
      `${FILE} declares 0 dimensions`
    )
  })

  it('rejects a truncated gzip stream, naming the file', () => {
    const bytes = gzip(encodeIdx(dims, data))
    const cut = bytes.subarray(0, bytes.length - 12)
    expect(() => parseIdx(cut, FILE + '.gz')).toThrow(
      new RegExp(`^${FILE}\\.gz is not a valid gzip stream: .+; re-download the file$`)
    )
  })

  it('rejects a gzip stream whose checksum does not match', () => {
    const bytes = gzip(encodeIdx(dims, data)).slice()
    bytes[bytes.length - 8] ^= 0xff // first byte of the CRC-32 trailer
    expect(() => parseIdx(bytes, FILE + '.gz')).toThrow(`${FILE}.gz is not a valid gzip stream`)
  })
})
