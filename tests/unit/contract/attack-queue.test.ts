import { describe, expect, it } from 'vitest'
import {
  attackQueue,
  hasSeveralStacks,
  transferRowLabel
} from '../../../main/contract/attack-queue'
import {
  AuditSpec,
  describeSpecError,
  type AuditSpecInput
} from '../../../main/contract/audit-spec'

const base = {
  surrogates: [
    { name: 's1', arch: 'small-cnn' },
    { name: 's2', arch: 'small-resnet' }
  ],
  targets: [{ name: 't', arch: 'small-cnn' }]
} satisfies AuditSpecInput

const problems = (input: AuditSpecInput): string => {
  const parsed = AuditSpec.safeParse(input)
  if (parsed.success) throw new Error('expected the spec to be refused')
  return describeSpecError(parsed.error)
}

describe('attackQueue', () => {
  it('turns a spec with only `attack` into one stack from every surrogate', () => {
    const spec = AuditSpec.parse({ ...base, attack: { eps: 8 / 255, stack: { mi: {} } } })
    expect(spec.attacks).toBeUndefined()
    const queue = attackQueue(spec)
    expect(queue).toHaveLength(1)
    expect(queue[0]).toMatchObject({ label: 'BIM + MI', surrogates: ['s1', 's2'] })
    expect(queue[0].attack).toEqual(spec.attack)
  })

  it('labels entries by their stack, made unique, keeps given labels and orders surrogates as the spec does', () => {
    const spec = AuditSpec.parse({
      ...base,
      attacks: [
        { eps: 0.1 },
        { stack: { mi: {} }, surrogates: ['s2', 's1'] },
        { label: 'BIM + MI', surrogates: ['s2'] },
        {}
      ]
    })
    const queue = attackQueue(spec)
    expect(queue.map((q) => q.label)).toEqual(['BIM', 'BIM + MI (2)', 'BIM + MI', 'BIM (2)'])
    expect(queue.map((q) => q.surrogates)).toEqual([
      ['s1', 's2'],
      ['s1', 's2'],
      ['s2'],
      ['s1', 's2']
    ])
    // The plain attack drops the queue-only fields and fills the step size rule.
    expect(queue[0].attack).not.toHaveProperty('label')
    expect(queue[0].attack.stepSize).toBeCloseTo(0.01, 12)
    // `attack` of a parsed queue is its first stack, and a parsed spec parses again to itself.
    expect(spec.attack).toEqual(queue[0].attack)
    expect(AuditSpec.parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec)
  })

  it('refuses `attack` and `attacks` together, unknown surrogates, differing maxExamples and duplicate labels', () => {
    expect(problems({ ...base, attack: { eps: 0.2 }, attacks: [{ eps: 0.1 }] })).toMatch(
      /^attacks: give either "attack" \(one stack\) or "attacks"/
    )
    expect(problems({ ...base, attacks: [{ surrogates: ['s1', 'ghost'] }] })).toBe(
      'attacks.0.surrogates: unknown surrogate "ghost": expected one of s1, s2'
    )
    expect(problems({ ...base, attacks: [{ maxExamples: 50 }, { maxExamples: 60 }] })).toMatch(
      /^attacks\.1\.maxExamples: every queued stack attacks the same examples: maxExamples must be 50/
    )
    expect(
      problems({ ...base, attacks: [{ label: 'x' }, { label: 'x', stack: { mi: {} } }] })
    ).toMatch(/^attacks\.1\.label: label "x" is used twice/)
    expect(problems({ ...base, attacks: [] })).toMatch(
      /^attacks: an attack queue needs at least one stack/
    )
    expect(problems({ ...base, attacks: [{ eps: 2 }] })).toMatch(
      /^attacks\.0\.eps: eps must be in \(0, 1\]/
    )
  })

  it('labels heatmap rows with the stack only when cells come from several stacks', () => {
    const one = [{ attack: 'BIM', surrogate: 's1' }, { surrogate: 's2' }]
    expect(hasSeveralStacks([{ attack: 'BIM' }, { attack: 'BIM' }])).toBe(false)
    expect(hasSeveralStacks([{}, {}])).toBe(false)
    expect(hasSeveralStacks([{ attack: 'BIM' }, { attack: 'BIM + MI' }])).toBe(true)
    expect(transferRowLabel(one[0], false)).toBe('s1')
    expect(transferRowLabel(one[0], true)).toBe('BIM · s1')
  })
})
