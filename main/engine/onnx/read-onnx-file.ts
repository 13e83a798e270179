/**
 * Reads an .onnx file into its decoded ModelProto, with the folder its external data
 * (`*.onnx.data`) is read from.
 */
import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { OnnxImportError } from './onnx-import-error'
import { decodeModel, type ModelMessage } from './onnx-proto'

export interface OnnxFile {
  file: string
  /** Folder of the model, where external tensor data is looked up. */
  baseDir: string
  model: ModelMessage
  bytes: Uint8Array
}

export async function readOnnxFile(file: string): Promise<OnnxFile> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(file))
  } catch (err) {
    throw new OnnxImportError(
      file,
      `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path.`
    )
  }
  return { file, baseDir: dirname(file), model: decodeOnnx(file, bytes), bytes }
}

export function decodeOnnx(file: string, bytes: Uint8Array): ModelMessage {
  let model: ModelMessage
  try {
    model = decodeModel(bytes)
  } catch (err) {
    throw new OnnxImportError(
      file,
      `not a readable ONNX model (${err instanceof Error ? err.message : String(err)}).`
    )
  }
  if (!model.graph || !(model.graph.node ?? []).length)
    throw new OnnxImportError(
      file,
      'not an ONNX model: it holds no graph nodes (is it an .onnx.data file or another format?).'
    )
  return model
}
