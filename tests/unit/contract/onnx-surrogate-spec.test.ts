import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { AuditSpec, describeSpecError } from '../../../main/contract/audit-spec'
import {
  fineTuneRecipe,
  isImportedSurrogate,
  type ImportedSurrogateSpec
} from '../../../main/contract/onnx-surrogate'

const base = {
  surrogates: [{ name: 'trained', arch: 'small-cnn' }],
  targets: [{ name: 't', arch: 'small-cnn' }]
}

const errorOf = (input: unknown): string => {
  const parsed = AuditSpec.safeParse(input)
  return parsed.success ? '' : describeSpecError(parsed.error)
}

describe('ONNX surrogates in the audit spec', () => {
  it('parses the example: the imported surrogate and its l-SAM fine-tuned variant', async () => {
    const spec = AuditSpec.parse(
      JSON.parse(await readFile('examples/onnx-surrogate-audit.json', 'utf8'))
    )
    const [plain, tuned] = spec.surrogates as ImportedSurrogateSpec[]
    expect(spec.surrogates.every(isImportedSurrogate)).toBe(true)
    expect(plain.fineTune).toBeUndefined()
    expect(fineTuneRecipe(tuned.fineTune!)).toMatchObject({
      epochs: 3,
      lr: 0.01,
      lrSchedule: { kind: 'constant' },
      minimizer: { id: 'sam', rho: 0.3 }
    })
    expect(tuned.fineTune!.batchNorm).toBe('update')
  })

  it('is strict: an unknown or misspelled key is an error naming it', () => {
    const message = errorOf({
      ...base,
      surrogates: [{ name: 'x', format: 'onnx', path: 'm.onnx', preprocesing: {} }]
    })
    expect(message).toBe(
      'unknown key surrogates.0.preprocesing; did you mean surrogates.0.preprocessing?'
    )
    expect(
      errorOf({
        ...base,
        surrogates: [
          { name: 'x', format: 'onnx', path: 'm.onnx', fineTune: { preset: 'l-sam', epoch: 2 } }
        ]
      })
    ).toBe('unknown key surrogates.0.fineTune.epoch; did you mean surrogates.0.fineTune.epochs?')
  })

  it('names the field of a bad value, next to a trained surrogate', () => {
    const message = errorOf({
      ...base,
      surrogates: [
        ...base.surrogates,
        { name: 'x', format: 'onnx', path: 'm.onnx', fineTune: { preset: 'xl-sam' } }
      ]
    })
    expect(message).toBe(
      'surrogates.1.fineTune.preset: unknown fine-tuning preset "xl-sam": expected one of sgd, lgv, sam, l-sam'
    )
    expect(
      errorOf({ ...base, surrogates: [{ name: 'x', format: 'tfjs', path: 'm.json' }] })
    ).toMatch(/surrogates\.0\.format: unknown surrogate format "tfjs"/)
    expect(
      errorOf({
        ...base,
        surrogates: [
          { name: 'x', format: 'onnx', path: 'm.onnx', fineTune: { batchNorm: 'frozen' } }
        ]
      })
    ).toMatch(/batchNorm "frozen": expected "update" or "freeze"/)
  })

  it('fine-tuning presets: the LGV schedule is a high constant learning rate', () => {
    expect(
      fineTuneRecipe({
        preset: 'lgv',
        batchSize: 64,
        momentum: 0.9,
        weightDecay: 1e-4,
        batchNorm: 'freeze',
        augment: { cropPadding: 4, flip: true }
      })
    ).toMatchObject({
      epochs: 10,
      lr: 0.05,
      lrSchedule: { kind: 'constant' },
      minimizer: { id: 'sgd' }
    })
  })
})
