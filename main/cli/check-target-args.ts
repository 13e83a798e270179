/** Arguments of `npm run check-target`: the model, its declared preprocessing and the dataset to check it on. */
import type { PartialPreprocessing, TargetCheckRequestInput } from '../contract/target-zoo'
import { UsageError } from './run-cli'

export const CHECK_TARGET_USAGE = `Usage: npm run check-target -- --file MODEL --format onnx|tfjs|flatline --dataset DIR|demo [options]

Checks an in-house model the way the Target zoo does: scores it on a seeded sample of the dataset's
test images as declared, tries the usual preprocessing mistakes on the same images, and prints one
JSON object on stdout.

  --file      a .onnx file, a TensorFlow.js model.json, or a Flatline model folder
  --format    onnx, tfjs or flatline
  --dataset   a dataset folder (idx files, CIFAR binary batches, or train/ and test/ image folders), or demo
  --layout    NCHW or NHWC (default: detected from the input shape)
  --range     0,1 (default), 0,255 or -1,1
  --mean      one value per channel, in the units of the range, e.g. 0.286 or 0.485,0.456,0.406
  --std       as --mean
  --output    logits (default) or probabilities
  --sample    test images scored (default 500)
  --seed      seed of the sample (default 0)

Exit codes: 0 usable as declared, 3 the check warns, 2 bad input (message on stderr), 1 failed.`

export interface CheckTargetArgs {
  /** The request, except the dataset, which is `dataset` below. */
  request: Omit<TargetCheckRequestInput, 'dataset'>
  /** A folder, or 'demo' for the embedded subset. */
  dataset: string
}

const VALUED = [
  '--file',
  '--format',
  '--dataset',
  '--layout',
  '--range',
  '--mean',
  '--std',
  '--output',
  '--sample',
  '--seed'
] as const
const RANGES: Record<string, [number, number]> = {
  '0,1': [0, 1],
  '0,255': [0, 255],
  '-1,1': [-1, 1]
}

function numbers(flag: string, raw: string): number[] {
  const values = raw.split(',').map((v) => Number(v.trim()))
  if (values.some((v) => !Number.isFinite(v) || raw.trim() === ''))
    throw new UsageError(`${flag} takes numbers separated by commas (got "${raw}")`)
  return values
}

function count(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer ≥ ${min} (got "${raw}")`)
  return n
}

export function parseCheckTargetArgs(argv: string[]): CheckTargetArgs {
  const values: Partial<Record<(typeof VALUED)[number], string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') throw new UsageError('')
    if (!(VALUED as readonly string[]).includes(arg))
      throw new UsageError(`unknown option "${arg}"`)
    const value = argv[++i]
    if (value === undefined || (value.startsWith('--') && value !== '-1,1'))
      throw new UsageError(`${arg} needs a value`)
    values[arg as (typeof VALUED)[number]] = value
  }
  for (const required of ['--file', '--format', '--dataset'] as const)
    if (!values[required]) throw new UsageError(`${required} is required`)
  const format = values['--format']!
  if (format !== 'onnx' && format !== 'tfjs' && format !== 'flatline')
    throw new UsageError(`--format must be onnx, tfjs or flatline (got "${format}")`)
  const layout = values['--layout']
  if (layout !== undefined && layout !== 'NCHW' && layout !== 'NHWC')
    throw new UsageError(`--layout must be NCHW or NHWC (got "${layout}")`)
  const rangeRaw = values['--range']
  if (rangeRaw !== undefined && !RANGES[rangeRaw.replace(/\s/g, '')])
    throw new UsageError(`--range must be 0,1, 0,255 or -1,1 (got "${rangeRaw}")`)
  const output = values['--output']
  if (output !== undefined && output !== 'logits' && output !== 'probabilities')
    throw new UsageError(`--output must be logits or probabilities (got "${output}")`)
  const preprocessing: PartialPreprocessing = {}
  if (layout === 'NCHW' || layout === 'NHWC') preprocessing.layout = layout
  if (rangeRaw) preprocessing.range = RANGES[rangeRaw.replace(/\s/g, '')]
  if (values['--mean']) preprocessing.mean = numbers('--mean', values['--mean'])
  if (values['--std']) preprocessing.std = numbers('--std', values['--std'])
  if (output === 'logits' || output === 'probabilities') preprocessing.output = output
  return {
    request: {
      format,
      path: values['--file']!,
      preprocessing,
      sampleSize: count('--sample', values['--sample'], 500, 10),
      seed: count('--seed', values['--seed'], 0, 0)
    },
    dataset: values['--dataset']!
  }
}
