/** A problem with an ONNX file the user gave: the message names the file (and the node) and what to do. */
export class OnnxImportError extends Error {
  constructor(
    readonly file: string,
    problem: string
  ) {
    super(`${file}: ${problem}`)
    this.name = 'OnnxImportError'
  }
}
