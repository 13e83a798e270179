import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import {
  ARCHITECTURES,
  ARCHITECTURES_WITH_SKIPS,
  AuditSpec,
  describeSpecError
} from '../../../main/contract/audit-spec'
import { architectures } from '../../../main/engine/models/architecture-registry'

describe('ARCHITECTURES_WITH_SKIPS', () => {
  it('lists exactly the registry architectures with skip connections, so the UI can gate GN and SGM', () => {
    const fromRegistry = ARCHITECTURES.filter((id) => architectures[id].hasSkipConnections)
    expect([...ARCHITECTURES_WITH_SKIPS].sort()).toEqual([...fromRegistry].sort())
    expect(ARCHITECTURES_WITH_SKIPS).not.toContain('small-cnn')
  })
})

describe('AuditSpec importedTargets', () => {
  const surrogates = [{ name: 's', arch: 'small-cnn' }]
  const imported = { name: 'in-house', format: 'onnx', path: 'model.onnx' }
  const errorOf = (input: unknown) => {
    const parsed = AuditSpec.safeParse(input)
    return parsed.success ? '' : describeSpecError(parsed.error)
  }

  it("leaves an old spec as it was and fills an imported target's preprocessing defaults", () => {
    expect(
      AuditSpec.parse({ surrogates, targets: [{ name: 't', arch: 'small-cnn' }] })
    ).not.toHaveProperty('importedTargets')
    const spec = AuditSpec.parse({ surrogates, importedTargets: [imported] })
    expect(spec.targets).toEqual([])
    expect(spec.importedTargets![0].preprocessing).toEqual({
      resize: false,
      range: [0, 1],
      output: 'logits'
    })
  })

  it('parses the shipped example with an imported ONNX target', async () => {
    const spec = AuditSpec.parse(
      JSON.parse(await readFile('examples/imported-target-audit.json', 'utf8'))
    )
    expect(spec.importedTargets?.map((t) => [t.format, t.path])).toEqual([
      ['onnx', 'tests/fixtures/onnx/fmnist-cnn.onnx']
    ])
  })

  it('needs a target of either kind and unique names across surrogates, targets and imported targets', () => {
    expect(errorOf({ surrogates, targets: [], importedTargets: [] })).toMatch(
      /^targets: an audit needs at least one target: .*importedTargets/
    )
    expect(
      errorOf({
        surrogates,
        targets: [{ name: 'in-house', arch: 'small-cnn' }],
        importedTargets: [imported]
      })
    ).toBe('targets: model name "in-house" is used twice')
    expect(errorOf({ surrogates, importedTargets: [{ ...imported, name: 's' }] })).toBe(
      'targets: model name "s" is used twice'
    )
    expect(
      errorOf({ surrogates, importedTargets: [{ ...imported, preprocessing: { std: [0] } }] })
    ).toMatch(/importedTargets\.0\.preprocessing\.std\.0: std values must be > 0/)
  })
})
