/**
 * Typed access to an ONNX node's attributes, with ONNX's defaults given by the caller.
 */
import { int64, type AttributeMessage, type NodeMessage } from './onnx-proto'
import { readTensor, type HostTensor } from './onnx-tensor'

export class NodeAttributes {
  private readonly byName: Map<string, AttributeMessage>

  constructor(node: NodeMessage) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]))
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  names(): string[] {
    return [...this.byName.keys()]
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name)
    return a?.i !== undefined ? int64(a.i) : fallback
  }

  ints(name: string): number[] | undefined {
    const a = this.byName.get(name)
    return a ? (a.ints ?? []).map((v) => int64(v)) : undefined
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name)
    return a?.f !== undefined ? a.f : fallback
  }

  floats(name: string): number[] | undefined {
    const a = this.byName.get(name)
    return a ? [...(a.floats ?? [])] : undefined
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name)
    return a?.s !== undefined ? new TextDecoder().decode(a.s) : fallback
  }

  tensor(name: string, baseDir?: string): HostTensor | undefined {
    const a = this.byName.get(name)
    return a?.t ? readTensor(a.t, baseDir) : undefined
  }
}
