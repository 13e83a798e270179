/** Command-line options of `npm run study`, parsed without a dependency. */
import { STUDY_PRESETS, type StudyPresetName } from '../contract/study-presets'
import { parseThreads, parseWorkers } from './cli-args'
import { UsageError } from './run-cli'

export interface StudyCliArgs {
  /** One of the presets, or a spec file (exactly one of the two; neither with --resume). */
  preset?: StudyPresetName
  spec?: string
  out: string
  resume: boolean
  full: boolean
  data?: string
  paperWidths: boolean
  workers?: number
  threads?: number
  workspace?: string
  pdf: boolean
}

export const STUDY_USAGE = `Usage: npm run study -- --preset <${STUDY_PRESETS.join('|')}> --out <dir> [--workers N] [--threads N] [--full] [--data <dir>] [--paper-widths]
       npm run study -- --spec <study.json> --out <dir> [--workers N]
       npm run study -- --resume <dir>
  --preset        a ready-made study: quick (minutes, embedded data), fashion-mnist (hours on 2 cores:
                  npm run bench:study-estimate; Debian's dataset-fashion-mnist), cifar10 (CIFAR-10 binaries, --data required)
  --spec          a study specification file (see docs/studies.md)
  --out           folder for study.json, report.html and report.pdf (created if missing); running the
                  same command again on the same folder continues the study where it stopped
  --resume        continue the study an earlier --out <dir> started, with its stored spec
  --workers       engine worker processes running each audit's tasks side by side (default: the
                  spec's "workers", else one per core; 1 runs everything in this process)
  --threads       cores to compute on (default: FLATLINE_THREADS, else all; shared out between workers)
  --full          every Table 3 row (adds l-SAM ρ 0.4, ASAM, GSAM, LookSAM and SAT)
  --data          the dataset folder of the preset
  --paper-widths  cifar10: the paper's widths (for a GPU) instead of tiny ones
  --workspace     workspace folder (default: FLATLINE_WORKSPACE or the OS user-data folder)
  --no-pdf        skip the PDF (no Chromium needed)`

export function parseStudyArgs(argv: string[]): StudyCliArgs {
  const values: Record<string, string> = {}
  const flags = { full: false, paperWidths: false, pdf: true }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') throw new UsageError('')
    else if (arg === '--full') flags.full = true
    else if (arg === '--paper-widths') flags.paperWidths = true
    else if (arg === '--no-pdf') flags.pdf = false
    else if (
      [
        '--preset',
        '--spec',
        '--out',
        '--resume',
        '--workers',
        '--threads',
        '--data',
        '--workspace'
      ].includes(arg)
    ) {
      const value = argv[++i]
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`)
      values[arg.slice(2)] = value
    } else throw new UsageError(`unknown option "${arg}"`)
  }
  const workers = values.workers === undefined ? undefined : parseWorkers(values.workers)
  const threads = values.threads === undefined ? undefined : parseThreads(values.threads)
  const common = { ...flags, workers, threads, workspace: values.workspace, data: values.data }
  if (values.resume) {
    if (values.preset || values.spec || values.out)
      throw new UsageError(
        "--resume takes the study's folder and its stored spec: leave out --preset, --spec and --out"
      )
    return { ...common, out: values.resume, resume: true }
  }
  if (values.preset && values.spec) throw new UsageError('give either --preset or --spec, not both')
  if (!values.preset && !values.spec) throw new UsageError('--preset or --spec is required')
  if (values.preset && !(STUDY_PRESETS as readonly string[]).includes(values.preset))
    throw new UsageError(
      `--preset: unknown preset "${values.preset}": expected one of ${STUDY_PRESETS.join(', ')}`
    )
  if (!values.out) throw new UsageError('--out is required')
  return {
    ...common,
    preset: values.preset as StudyPresetName | undefined,
    spec: values.spec,
    out: values.out,
    resume: false
  }
}
