/**
 * Decodes a PNG or JPEG file to RGBA pixels with the pure-JavaScript decoders `pngjs` and
 * `jpeg-js` (no native code, so they run in Node, Electron's utility process and the CLI alike).
 */
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'

export interface RgbaImage {
  width: number
  height: number
  /** width × height × 4 bytes. */
  data: Uint8Array
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg']

/** Throws a message naming the file when it cannot be decoded. */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const lower = file.toLowerCase()
  try {
    if (lower.endsWith('.png')) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength)
      }
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 })
    return { width: img.width, height: img.height, data: img.data }
  } catch (err) {
    throw new Error(
      `${file}: cannot decode the image (${err instanceof Error ? err.message : String(err)}); remove or replace the file.`
    )
  }
}
