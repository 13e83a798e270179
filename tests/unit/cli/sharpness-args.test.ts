import { describe, expect, it } from 'vitest'
import { parseSharpnessArgs } from '../../../main/cli/sharpness-args'

describe('npm run sharpness arguments', () => {
  it('defaults to the embedded data and the tracked-sharpness sample and iteration counts', () => {
    const args = parseSharpnessArgs(['--model', 'runs/x/models/s'])
    expect(args).toMatchObject({
      model: 'runs/x/models/s',
      examples: 1000,
      iterations: 20,
      hutchinsonSamples: 10,
      checkStep: false,
      seed: 0,
      json: false
    })
    expect(args.dataset.source).toBe('embedded')
    expect(args.step).toBeUndefined()
  })

  it('reads every option', () => {
    const args = parseSharpnessArgs([
      '--model',
      'm',
      '--examples',
      '200',
      '--iterations',
      '5',
      '--hutchinson',
      '3',
      '--step',
      '0.03',
      '--seed',
      '0',
      '--check-step',
      '--json'
    ])
    expect(args).toMatchObject({
      examples: 200,
      iterations: 5,
      hutchinsonSamples: 3,
      step: 0.03,
      seed: 0,
      checkStep: true,
      json: true
    })
    expect(
      parseSharpnessArgs(['--model', 'm', '--dataset', 'cifar-binary', '--path', '/data/c10'])
        .dataset
    ).toMatchObject({ source: 'cifar-binary', path: '/data/c10' })
  })

  it('refuses what it cannot use, naming the option', () => {
    expect(() => parseSharpnessArgs([])).toThrow(/--model is required/)
    expect(() => parseSharpnessArgs(['--model', 'm', '--examples', '1.5'])).toThrow(
      /--examples must be a positive integer \(got "1.5"\)/
    )
    expect(() => parseSharpnessArgs(['--model', 'm', '--step', '-1'])).toThrow(
      /--step must be a positive number/
    )
    expect(() => parseSharpnessArgs(['--model', 'm', '--dataset', 'cifar-binary'])).toThrow(
      /--dataset cifar-binary needs --path/
    )
    expect(() => parseSharpnessArgs(['--model', 'm', '--dataset', 'imagenet'])).toThrow(
      /--dataset must be one of/
    )
    expect(() => parseSharpnessArgs(['--model', 'm', '--frobnicate'])).toThrow(
      /unknown option "--frobnicate"/
    )
  })
})
