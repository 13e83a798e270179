/** Command-line options of `npm run sharpness`, parsed without a dependency. */
import { DatasetSpec } from '../contract/audit-spec'
import { UsageError } from './run-cli'

export interface SharpnessCliArgs {
  model: string
  dataset: DatasetSpec
  examples: number
  iterations: number
  hutchinsonSamples: number
  step?: number
  checkStep: boolean
  seed: number
  json: boolean
}

export const SHARPNESS_USAGE = `Usage: npm run sharpness -- --model <model dir> [options]

  --model        a saved model folder (manifest.json + weights.bin), e.g. <workspace>/runs/<id>/models/<name>
                 or one of its checkpoints/epoch-NNN
  --dataset      embedded (default), idx-folder, cifar-binary or image-folder: whose training images to use
  --path         the dataset folder (all sources but embedded)
  --examples     training images in the fixed sample (default 1000)
  --iterations   power-iteration steps at most for λmax (default 20)
  --hutchinson   Rademacher probes for the trace (default 10)
  --step         finite-difference step h (default 1e-2, as tracked sharpness)
  --check-step   also report ‖Hv(h) − Hv(h/2)‖/‖Hv(h)‖ on one random direction
  --seed         seed of the sample and the directions (default 0)
  --json         print one JSON object instead of text`

const NUMBERS = ['--examples', '--iterations', '--hutchinson', '--step', '--seed'] as const

export function parseSharpnessArgs(argv: string[]): SharpnessCliArgs {
  const values: Record<string, string> = {}
  const flags = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') throw new UsageError('')
    if (arg === '--check-step' || arg === '--json') flags.add(arg)
    else if (['--model', '--dataset', '--path', ...NUMBERS].includes(arg)) {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values[arg] = value
    } else throw new UsageError(`unknown option "${arg}"`)
  }
  if (!values['--model']) throw new UsageError('--model is required (a saved model folder)')
  const number = (
    name: (typeof NUMBERS)[number],
    fallback: number | undefined,
    integer: boolean
  ): number | undefined => {
    const raw = values[name]
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new UsageError(
        `${name} must be a positive ${integer ? 'integer' : 'number'} (got "${raw}")`
      )
    return n
  }
  const dataset = DatasetSpec.safeParse({
    source: values['--dataset'] ?? 'embedded',
    path: values['--path']
  })
  if (!dataset.success)
    throw new UsageError(
      `--dataset must be one of embedded, idx-folder, cifar-binary, image-folder (got "${values['--dataset']}")`
    )
  if (dataset.data.source !== 'embedded' && !dataset.data.path)
    throw new UsageError(`--dataset ${dataset.data.source} needs --path (the folder to read)`)
  return {
    model: values['--model'],
    dataset: dataset.data,
    examples: number('--examples', 1000, true)!,
    iterations: number('--iterations', 20, true)!,
    hutchinsonSamples: number('--hutchinson', 10, true)!,
    step: number('--step', undefined, false),
    checkStep: flags.has('--check-step'),
    seed: values['--seed'] === '0' ? 0 : number('--seed', 0, true)!,
    json: flags.has('--json')
  }
}
