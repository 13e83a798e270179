/**
 * The external data files an ONNX model keeps its weights in (`model.onnx.data`, or one file per
 * tensor), read from the model's protobuf without loading it.
 *
 * onnxruntime reads them from the model's folder, so the zoo must copy them beside the model and the
 * model's hash must cover them. Only the fields on the way to a tensor are decoded (ONNX's onnx.proto):
 * ModelProto.graph (7) → GraphProto.initializer (5), .sparse_initializer (15), .node (1) →
 * NodeProto.attribute (5) → AttributeProto.t (5), .g (6), .tensors (10), .graphs (11),
 * .sparse_tensor (22), .sparse_tensors (23); SparseTensorProto.values (1), .indices (2);
 * TensorProto.external_data (13: StringStringEntryProto key 1, value 2), .data_location (14, EXTERNAL = 1).
 */
import { TargetImportError } from './target-model'

type Fields = Map<number, (Uint8Array | number)[]>

/** Reads one protobuf message's fields: varints as numbers, length-delimited ones as byte views. */
function readFields(bytes: Uint8Array, file: string): Fields {
  const fields: Fields = new Map()
  let at = 0
  const varint = (): number => {
    let value = 0
    let scale = 1
    for (;;) {
      if (at >= bytes.length)
        throw new TargetImportError(file, 'not a readable ONNX model (its protobuf is cut short).')
      const byte = bytes[at++]
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 128
    }
  }
  while (at < bytes.length) {
    const key = varint()
    const field = Math.floor(key / 8)
    const wire = key % 8
    let value: Uint8Array | number
    if (wire === 0) value = varint()
    else if (wire === 2) {
      const length = varint()
      if (at + length > bytes.length)
        throw new TargetImportError(file, 'not a readable ONNX model (its protobuf is cut short).')
      value = bytes.subarray(at, at + length)
      at += length
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4
      continue
    } else
      throw new TargetImportError(file, `not a readable ONNX model (protobuf wire type ${wire}).`)
    const list = fields.get(field) ?? []
    list.push(value)
    fields.set(field, list)
  }
  return fields
}

const messages = (fields: Fields, field: number): Uint8Array[] =>
  (fields.get(field) ?? []).filter((v): v is Uint8Array => typeof v !== 'number')
const text = (bytes: Uint8Array | undefined): string =>
  bytes ? new TextDecoder().decode(bytes) : ''

/** Every external-data location named in a model, in order of appearance, each once. */
export function externalDataLocations(model: Uint8Array, file: string): string[] {
  const found: string[] = []
  const tensor = (bytes: Uint8Array): void => {
    const fields = readFields(bytes, file)
    if (fields.get(14)?.[0] !== 1) return
    for (const entry of messages(fields, 13)) {
      const kv = readFields(entry, file)
      if (text(messages(kv, 1)[0]) === 'location') found.push(text(messages(kv, 2)[0]))
    }
  }
  const sparse = (bytes: Uint8Array): void => {
    const fields = readFields(bytes, file)
    messages(fields, 1).forEach(tensor)
    messages(fields, 2).forEach(tensor)
  }
  const graph = (bytes: Uint8Array): void => {
    const fields = readFields(bytes, file)
    messages(fields, 5).forEach(tensor)
    messages(fields, 15).forEach(sparse)
    for (const node of messages(fields, 1))
      for (const attribute of messages(readFields(node, file), 5)) {
        const a = readFields(attribute, file)
        ;[...messages(a, 5), ...messages(a, 10)].forEach(tensor)
        ;[...messages(a, 6), ...messages(a, 11)].forEach(graph)
        ;[...messages(a, 22), ...messages(a, 23)].forEach(sparse)
      }
  }
  messages(readFields(model, file), 7).forEach(graph)
  return [...new Set(found)]
}

/**
 * The external data files of the model at `file`, as paths relative to its folder.
 *
 * A location that leaves the model's folder (absolute, or with "..") is refused: onnxruntime would
 * read whatever file it names, and the zoo could not copy it beside the model. Bytes that are not a
 * readable protobuf name no files: loading the model then fails with onnxruntime's own message.
 */
export function checkedExternalData(model: Uint8Array, file: string): string[] {
  let locations: string[]
  try {
    locations = externalDataLocations(model, file)
  } catch {
    return []
  }
  for (const location of locations)
    if (
      location === '' ||
      location.startsWith('/') ||
      /^[A-Za-z]:/.test(location) ||
      location.split(/[\\/]/).includes('..')
    )
      throw new TargetImportError(
        file,
        `its external data location "${location}" is outside the model's folder; keep the data files beside the .onnx file.`
      )
  return locations
}
