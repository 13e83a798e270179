/**
 * ONNX TensorProto ↔ plain typed arrays.
 *
 * tfjs holds float32, int32 and bool, so floating types (float, double, float16, bfloat16) become
 * float32 and integer types int32 (int64 values beyond int32, such as Slice's "to the end"
 * INT64_MAX, are clamped: they only ever bound an index). Data may be in raw_data, in the typed
 * fields, or in an external file beside the model (`location`, `offset`, `length`).
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, join, normalize } from 'node:path'
import { DataType, DATA_TYPE_NAMES, int64, type TensorMessage } from './onnx-proto'

export type HostDtype = 'float32' | 'int32' | 'bool'

export interface HostTensor {
  dtype: HostDtype
  shape: number[]
  values: Float32Array | Int32Array | Uint8Array
  /** The ONNX element type it was read from (DataType). */
  onnxType: number
}

const FLOAT_TYPES = new Set<number>([
  DataType.FLOAT,
  DataType.DOUBLE,
  DataType.FLOAT16,
  DataType.BFLOAT16
])
const INT_TYPES = new Set<number>([
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT32,
  DataType.INT64,
  DataType.UINT32,
  DataType.UINT64
])

export function isFloatType(type: number): boolean {
  return FLOAT_TYPES.has(type)
}

export function hostDtypeOf(type: number): HostDtype | undefined {
  if (FLOAT_TYPES.has(type)) return 'float32'
  if (INT_TYPES.has(type)) return 'int32'
  if (type === DataType.BOOL) return 'bool'
  return undefined
}

/** A tensor problem, to be wrapped with the file and node by the caller. */
export class TensorReadError extends Error {}

/** Reads a TensorProto; `baseDir` is the model's folder, where external data files are looked up. */
export function readTensor(message: TensorMessage, baseDir?: string): HostTensor {
  const type = message.data_type ?? 0
  const dtype = hostDtypeOf(type)
  if (!dtype)
    throw new TensorReadError(
      `tensor "${message.name ?? ''}" has element type ${DATA_TYPE_NAMES[type] ?? type}, which tfjs cannot hold`
    )
  const shape = (message.dims ?? []).map((d) => int64(d))
  const size = shape.reduce((a, b) => a * b, 1)
  const raw =
    message.data_location === 1
      ? readExternal(message, baseDir)
      : message.raw_data && message.raw_data.length > 0
        ? message.raw_data
        : undefined
  const values = raw ? fromRaw(raw, type, size) : fromFields(message, type)
  if (values.length !== size)
    throw new TensorReadError(
      `tensor "${message.name ?? ''}" holds ${values.length} values but its shape [${shape.join(', ')}] needs ${size}`
    )
  return { dtype, shape, values, onnxType: type }
}

function readExternal(message: TensorMessage, baseDir?: string): Uint8Array {
  const entries = new Map((message.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']))
  const location = entries.get('location')
  if (!location)
    throw new TensorReadError(
      `tensor "${message.name ?? ''}" is stored externally but names no location`
    )
  if (isAbsolute(location) || normalize(location).startsWith('..'))
    throw new TensorReadError(
      `tensor "${message.name ?? ''}" points outside the model's folder (${location}); external data must sit beside the model`
    )
  const file = join(baseDir ?? '.', location)
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch {
    throw new TensorReadError(
      `tensor "${message.name ?? ''}" is stored in ${file}, which cannot be read: put the .onnx.data file beside the model`
    )
  }
  const offset = Number(entries.get('offset') ?? 0)
  const length = entries.has('length') ? Number(entries.get('length')) : bytes.length - offset
  if (offset + length > bytes.length)
    throw new TensorReadError(
      `tensor "${message.name ?? ''}" needs bytes ${offset}–${offset + length} of ${file}, which has ${bytes.length}: the data file is truncated`
    )
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length)
}

function fromRaw(
  raw: Uint8Array,
  type: number,
  size: number
): Float32Array | Int32Array | Uint8Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const width = byteWidth(type)
  if (raw.byteLength !== size * width)
    throw new TensorReadError(
      `raw data of ${raw.byteLength} bytes does not hold ${size} ${DATA_TYPE_NAMES[type]} values`
    )
  const read = (i: number): number => {
    const at = i * width
    switch (type) {
      case DataType.FLOAT:
        return view.getFloat32(at, true)
      case DataType.DOUBLE:
        return view.getFloat64(at, true)
      case DataType.FLOAT16:
        return halfToFloat(view.getUint16(at, true))
      case DataType.BFLOAT16:
        return bfloatToFloat(view.getUint16(at, true))
      case DataType.INT8:
        return view.getInt8(at)
      case DataType.UINT8:
      case DataType.BOOL:
        return view.getUint8(at)
      case DataType.INT16:
        return view.getInt16(at, true)
      case DataType.UINT16:
        return view.getUint16(at, true)
      case DataType.INT32:
        return view.getInt32(at, true)
      case DataType.UINT32:
        return clampInt(view.getUint32(at, true))
      case DataType.INT64:
        return clampInt(Number(view.getBigInt64(at, true)))
      case DataType.UINT64:
        return clampInt(Number(view.getBigUint64(at, true)))
    }
    return 0
  }
  const out = allocate(type, size)
  for (let i = 0; i < size; i++) out[i] = read(i)
  return out
}

function fromFields(message: TensorMessage, type: number): Float32Array | Int32Array | Uint8Array {
  switch (type) {
    case DataType.FLOAT:
      return Float32Array.from(message.float_data ?? [])
    case DataType.DOUBLE:
      return Float32Array.from(message.double_data ?? [])
    case DataType.FLOAT16:
      return Float32Array.from(message.int32_data ?? [], halfToFloat)
    case DataType.BFLOAT16:
      return Float32Array.from(message.int32_data ?? [], bfloatToFloat)
    case DataType.INT64:
      return Int32Array.from(message.int64_data ?? [], (v) => clampInt(int64(v)))
    case DataType.UINT32:
    case DataType.UINT64:
      return Int32Array.from(message.uint64_data ?? [], (v) => clampInt(int64(v)))
    case DataType.BOOL:
      return Uint8Array.from(message.int32_data ?? [])
    default:
      return Int32Array.from(message.int32_data ?? [])
  }
}

function allocate(type: number, size: number): Float32Array | Int32Array | Uint8Array {
  if (FLOAT_TYPES.has(type)) return new Float32Array(size)
  return type === DataType.BOOL ? new Uint8Array(size) : new Int32Array(size)
}

function byteWidth(type: number): number {
  switch (type) {
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
      return 8
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 4
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
    case DataType.INT16:
    case DataType.UINT16:
      return 2
    default:
      return 1
  }
}

const INT32_MAX = 2 ** 31 - 1

function clampInt(v: number): number {
  return Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, v))
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024)
  if (exp === 31) return frac ? NaN : sign * Infinity
  return sign * 2 ** (exp - 15) * (1 + frac / 1024)
}

function bfloatToFloat(b: number): number {
  const view = new DataView(new ArrayBuffer(4))
  view.setUint32(0, b << 16)
  return view.getFloat32(0)
}

/** A float32 tensor as a TensorProto with raw little-endian data (for export). */
export function floatTensorMessage(
  name: string,
  shape: number[],
  values: Float32Array
): TensorMessage {
  const raw = new Uint8Array(values.length * 4)
  const view = new DataView(raw.buffer)
  values.forEach((v, i) => view.setFloat32(i * 4, v, true))
  return { name, dims: shape, data_type: DataType.FLOAT, raw_data: raw }
}
