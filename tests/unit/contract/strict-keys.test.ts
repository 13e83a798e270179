import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { RequestSchemas } from '../../../main/contract/api'
import { AuditSpec, describeSpecError } from '../../../main/contract/audit-spec'
import { closestKey, describeSpecIssues } from '../../../main/contract/strict-keys'
import { TargetCheckRequest, ZooAddRequest } from '../../../main/contract/target-zoo'

const base = {
  surrogates: [{ name: 's1', arch: 'small-cnn' }],
  targets: [{ name: 't1', arch: 'mlp' }]
}

function problems(input: unknown): string[] {
  const parsed = AuditSpec.safeParse(input)
  return parsed.success ? [] : describeSpecIssues(parsed.error)
}

describe('strict specs', () => {
  it.each([
    [
      'a synonym (issue 12)',
      { ...base, attack: { techniques: { mi: {} } } },
      'unknown key attack.techniques; did you mean attack.stack?'
    ],
    ['a key that resembles nothing', { ...base, bogus: 1 }, 'unknown key bogus'],
    [
      'a typo in a technique',
      { ...base, attack: { stack: { mi: { muu: 2 } } } },
      'unknown key attack.stack.mi.muu; did you mean attack.stack.mi.mu?'
    ],
    [
      'a typo inside a discriminated union',
      {
        ...base,
        surrogates: [{ name: 's1', arch: 'small-cnn', recipe: { minimizer: { id: 'sam', rh: 1 } } }]
      },
      'unknown key surrogates.0.recipe.minimizer.rh; did you mean surrogates.0.recipe.minimizer.rho?'
    ],
    [
      'two swapped letters in a queued stack',
      { ...base, attacks: [{ lable: 'x' }] },
      'unknown key attacks.0.lable; did you mean attacks.0.label?'
    ],
    [
      'snake case',
      { ...base, dataset: { train_limit: 3 } },
      'unknown key dataset.train_limit; did you mean dataset.trainLimit?'
    ],
    [
      'an imported target preprocessing',
      {
        ...base,
        importedTargets: [
          { name: 'x', format: 'onnx', path: 'm.onnx', preprocessing: { meen: [0.5] } }
        ]
      },
      'unknown key importedTargets.0.preprocessing.meen; did you mean importedTargets.0.preprocessing.mean?'
    ],
    [
      'a validation attack',
      { ...base, validation: { attack: { epsilon: 0.1 } } },
      'unknown key validation.attack.epsilon; did you mean validation.attack.eps?'
    ]
  ])('names %s with its path and the key probably meant', (_, spec, line) => {
    expect(problems(spec)).toContain(line)
  })

  it('still accepts every example and fixture spec, and a parsed spec parses again unchanged', () => {
    const dirs = [join(__dirname, '../../../examples'), join(__dirname, '../../fixtures')]
    const specs = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('-audit.json'))
        .map((f) => join(dir, f))
    )
    expect(specs.length).toBeGreaterThan(5)
    for (const file of specs) {
      const parsed = AuditSpec.safeParse(JSON.parse(readFileSync(file, 'utf8')))
      expect(
        parsed.success,
        `${file}: ${parsed.error ? describeSpecError(parsed.error) : ''}`
      ).toBe(true)
      expect(AuditSpec.parse(parsed.data)).toEqual(parsed.data)
    }
  })

  it('rejects an unknown key in every request the service accepts', () => {
    for (const [channel, schema] of Object.entries(RequestSchemas)) {
      if (schema instanceof z.ZodUndefined) continue
      const parsed = (schema as z.ZodType).safeParse({ notAField: 1 })
      expect(parsed.success, channel).toBe(false)
      expect(describeSpecIssues(parsed.error!), channel).toContain('unknown key notAField')
    }
    const check = TargetCheckRequest.safeParse({ format: 'onnx', path: 'm.onnx', sampelSize: 50 })
    expect(describeSpecIssues(check.error!)).toEqual([
      'unknown key sampelSize; did you mean sampleSize?'
    ])
    expect(
      ZooAddRequest.safeParse({ format: 'onnx', path: 'm.onnx', name: 'm', nmae: 'x' }).success
    ).toBe(false)
  })

  it('gives a strict object declared elsewhere the same message, with no set-up', () => {
    const StudySettings = z.strictObject({
      repeats: z.number(),
      surrogateSeeds: z.array(z.number())
    })
    const parsed = z
      .strictObject({ study: StudySettings })
      .safeParse({ study: { repeats: 3, surrogateSeed: [1] } })
    expect(describeSpecIssues(parsed.error!)).toContain(
      'unknown key study.surrogateSeed; did you mean study.surrogateSeeds?'
    )
    expect(parsed.error!.issues.find((issue) => issue.code === 'unrecognized_keys')?.message).toBe(
      'unknown key "surrogateSeed"; did you mean "surrogateSeeds"?'
    )
  })

  it('suggests only keys that are close', () => {
    expect(closestKey('batchsize', ['batchSize', 'steps'])).toBe('batchSize')
    expect(closestKey('epsilon', ['eps', 'steps'])).toBe('eps')
    expect(closestKey('stepsize', ['stepSize', 'steps'])).toBe('stepSize')
    expect(closestKey('colour', ['seed', 'name'])).toBeUndefined()
    expect(closestKey('ab', ['abc'])).toBe('abc')
    expect(closestKey('x', ['seed'])).toBeUndefined()
  })
})
