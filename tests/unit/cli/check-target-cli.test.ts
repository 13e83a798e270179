import { spawnSync } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../main/engine/backend/select-backend'
import { parseCheckTargetArgs } from '../../../main/cli/check-target-args'
import { onnxFixture, tfjsFixture } from '../engine/targets/target-fixtures'
import { saveTinyModel } from '../engine/targets/trained-model-fixture'

const CLI = join(__dirname, '../../../main/cli/check-target.ts')
const CIFAR = join(__dirname, '../../fixtures/datasets/cifar-10')

function checkTarget(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000
  })
  const json =
    result.status === 0 || result.status === 3
      ? (JSON.parse(result.stdout) as Record<string, unknown>)
      : null
  return { code: result.status, json, stderr: result.stderr }
}

let flatline: string
beforeAll(async () => {
  await initBackend()
  flatline = join(await mkdtemp(join(tmpdir(), 'flatline-ct-')), 'tiny')
  await saveTinyModel(flatline)
})

describe('npm run check-target', () => {
  it('exits 0 with the JSON of an ONNX model declared right', () => {
    const { code, json, stderr } = checkTarget([
      '--file',
      onnxFixture('fmnist-cnn'),
      '--format',
      'onnx',
      '--dataset',
      'demo',
      '--mean',
      '0.286',
      '--std',
      '0.353',
      '--sample',
      '100'
    ])
    expect(code, stderr).toBe(0)
    expect(json).toMatchObject({ total: 100, layout: 'NCHW', warning: null, bestFix: null })
    expect(json!.correct).toBe(Math.round((json!.accuracy as number) * 100))
    const candidates = json!.candidates as { change: string; accuracy: number }[]
    expect(candidates.map((c) => c.change)).toContain('no mean/std')
    expect(candidates.every((c) => c.accuracy >= 0 && c.accuracy <= 1)).toBe(true)
  })

  it('exits 3 with the warning and the whole preprocessing to use when the mean/std is left out', () => {
    const { code, json } = checkTarget([
      '--file',
      onnxFixture('fmnist-cnn'),
      '--format',
      'onnx',
      '--dataset',
      'demo',
      '--sample',
      '100'
    ])
    expect(code).toBe(3)
    expect(json!.warning).toMatch(
      /with the dataset's mean \[0\.\d+\] \/ std \[0\.\d+\] it is .* as declared/
    )
    const fix = json!.bestFix as Record<string, unknown>
    expect(fix).toMatchObject({ layout: 'NCHW', range: [0, 1], output: 'logits' })
    expect((fix.mean as number[])[0]).toBeCloseTo(0.286, 1)
    expect(fix.accuracy).toBeGreaterThan(json!.accuracy as number)
  })

  it('checks a TensorFlow.js model and a Flatline model folder (near chance when untrained: exit 3)', () => {
    const tfjs = checkTarget([
      '--file',
      tfjsFixture('fmnist-layers'),
      '--format',
      'tfjs',
      '--dataset',
      'demo',
      '--output',
      'probabilities',
      '--sample',
      '100'
    ])
    expect(tfjs.code, tfjs.stderr).toBe(0)
    expect(tfjs.json).toMatchObject({ layout: 'NHWC', warning: null, total: 100 })
    const untrained = checkTarget([
      '--file',
      flatline,
      '--format',
      'flatline',
      '--dataset',
      'demo',
      '--sample',
      '50'
    ])
    expect(untrained.code).toBe(3)
    expect(untrained.json!.warning).toMatch(
      /near chance .* a model trained in Flatline .* under-trained/
    )
    expect(untrained.json!.candidates).toEqual([])
  })

  it.each([
    [
      'a missing file',
      ['--file', '/nonexistent/m.onnx', '--format', 'onnx', '--dataset', 'demo'],
      /\/nonexistent\/m\.onnx: the file does not exist/
    ],
    [
      'a file of another format',
      ['--file', onnxFixture('fmnist-cnn'), '--format', 'tfjs', '--dataset', 'demo'],
      /fmnist-cnn\.onnx: cannot read it as JSON/
    ],
    [
      'a shape that does not fit the dataset',
      ['--file', onnxFixture('fmnist-cnn'), '--format', 'onnx', '--dataset', CIFAR],
      /expects 28×28×1 images .* the dataset's are 32×32×3/
    ],
    [
      'a dataset folder with no known layout',
      ['--file', onnxFixture('fmnist-cnn'), '--format', 'onnx', '--dataset', tmpdir()],
      /--dataset .*: /
    ],
    [
      'a wrong format (usage on stderr)',
      ['--file', onnxFixture('fmnist-cnn'), '--format', 'pt', '--dataset', 'demo'],
      /--format must be onnx, tfjs or flatline \(got "pt"\)\n\nUsage: npm run check-target/
    ]
  ])('exits 2 on %s, with the message on stderr', (_, args, message) => {
    const { code, stderr } = checkTarget(args)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })
})

describe('parseCheckTargetArgs', () => {
  it('reads the preprocessing flags', () => {
    const args = parseCheckTargetArgs([
      '--file',
      'm.onnx',
      '--format',
      'onnx',
      '--dataset',
      'demo',
      '--layout',
      'NCHW',
      '--range',
      '-1,1',
      '--mean',
      '0.5,0.5,0.5',
      '--std',
      '0.5,0.5,0.5',
      '--output',
      'probabilities',
      '--sample',
      '200',
      '--seed',
      '3'
    ])
    expect(args).toEqual({
      request: {
        format: 'onnx',
        path: 'm.onnx',
        preprocessing: {
          layout: 'NCHW',
          range: [-1, 1],
          mean: [0.5, 0.5, 0.5],
          std: [0.5, 0.5, 0.5],
          output: 'probabilities'
        },
        sampleSize: 200,
        seed: 3
      },
      dataset: 'demo'
    })
    expect(() =>
      parseCheckTargetArgs([
        '--file',
        'm',
        '--format',
        'onnx',
        '--dataset',
        'demo',
        '--range',
        '0,2'
      ])
    ).toThrow(/--range must be 0,1, 0,255 or -1,1/)
    expect(() =>
      parseCheckTargetArgs(['--file', 'm', '--format', 'onnx', '--dataset', 'demo', '--mean', 'a'])
    ).toThrow(/--mean takes numbers/)
    expect(() => parseCheckTargetArgs(['--file', 'm', '--dataset', 'demo'])).toThrow(
      /--format is required/
    )
    expect(() =>
      parseCheckTargetArgs([
        '--file',
        'm',
        '--format',
        'onnx',
        '--dataset',
        'demo',
        '--layout',
        'CHW'
      ])
    ).toThrow(/--layout must be NCHW or NHWC/)
    expect(() =>
      parseCheckTargetArgs([
        '--file',
        'm',
        '--format',
        'onnx',
        '--dataset',
        'demo',
        '--sample',
        '5'
      ])
    ).toThrow(/--sample must be an integer ≥ 10/)
  })
})
