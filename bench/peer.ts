/**
 * `npm run bench:peer`: Flatline against its PyTorch peer, side by side, interleaved.
 *
 * For each workload and thread count, every round runs our side (bench/peer-workload.ts) and the
 * peer (bench/torch_reference.py, Debian's python3-torch) as separate processes with the same
 * architecture, recipe, data, batch size and thread count, alternating which goes first. It prints
 * each row's medians, their range over the rounds, and the ratio ours / peer in throughput (> 1:
 * we are faster), checks that both sides build the same number of parameters, and ends with the
 * line `peer ratio: training R1, attack R2` (the smallest training and attack ratios).
 *
 *   npm run bench:peer                    every workload, 3 rounds, then peak RSS over the full Fashion-MNIST
 *   npm run bench:peer -- --quick         one round of the small-cnn rows (under 3 minutes)
 *   npm run bench:peer -- --rounds 5      more rounds
 *   npm run bench:peer -- --wasm-only     FLATLINE_KERNELS=wasm for our side (native kernels off)
 *
 * Our side uses whatever backend and kernels `initBackend` picks (native kernels when installed);
 * each row shows it. Run it alone on the machine: these are timings.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { formatPeerTable, peerRatioLine, type PeerRow } from './peer-table'

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'wasm-only': { type: 'boolean', default: false }
  }
})
const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 3))
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cores = Math.min(2, os.availableParallelism())

interface Workload {
  name: string
  kind: 'training' | 'attack'
  unit: string
  args: string[]
  /** The JSON field that holds the figure. */
  field: 'trainImagesPerSecond' | 'bimExamplesPerSecond' | 'stepSeconds'
  quick: boolean
}

const train = (arch: string, extra: string[] = []) => [
  '--arch',
  arch,
  '--train-images',
  '1920',
  '--batch',
  '64',
  '--bim-images',
  '0',
  ...extra
]
const attack = (arch: string) => [
  '--arch',
  arch,
  '--train-images',
  '0',
  '--bim-images',
  '100',
  '--bim-steps',
  '50'
]
const WORKLOADS: Workload[] = [
  {
    name: 'small-cnn training',
    kind: 'training',
    unit: 'images/s',
    args: train('small-cnn'),
    field: 'trainImagesPerSecond',
    quick: true
  },
  {
    name: 'small-cnn BIM-50',
    kind: 'attack',
    unit: 'examples/s',
    args: attack('small-cnn'),
    field: 'bimExamplesPerSecond',
    quick: true
  },
  {
    name: 'small-resnet training',
    kind: 'training',
    unit: 'images/s',
    args: train('small-resnet'),
    field: 'trainImagesPerSecond',
    quick: false
  },
  {
    name: 'small-resnet BIM-50',
    kind: 'attack',
    unit: 'examples/s',
    args: attack('small-resnet'),
    field: 'bimExamplesPerSecond',
    quick: false
  },
  {
    name: 'small-cnn SAM training',
    kind: 'training',
    unit: 'images/s',
    args: train('small-cnn', ['--minimizer', 'sam']),
    field: 'trainImagesPerSecond',
    quick: false
  },
  {
    name: 'ResNet-18 32×32 step (batch 32)',
    kind: 'training',
    unit: 's/step',
    args: [
      '--arch',
      'resnet-18',
      '--width',
      '64',
      '--train-images',
      '64',
      '--batch',
      '32',
      '--bim-images',
      '0'
    ],
    field: 'stepSeconds',
    quick: false
  }
]

type Result = Record<string, number | string>

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as Result)
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code}:\n${(err || out).slice(-2000)}`
          )
        )
    })
  })
}

const ourEnv = { ...process.env, ...(opts['wasm-only'] ? { FLATLINE_KERNELS: 'wasm' } : {}) }
const ours = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bench/peer-workload.ts', ...args, '--json'], ourEnv)
const peer = (args: string[]) =>
  run('/usr/bin/python3', ['bench/torch_reference.py', ...args, '--json'], process.env)

const selected = WORKLOADS.filter((w) => !opts.quick || w.quick)
const threadCounts = cores >= 2 ? [1, 2] : [1]
console.log(
  `bench:peer — ${rounds} round${rounds === 1 ? '' : 's'}, threads ${threadCounts.join(' and ')}, ` +
    `${opts.quick ? 'quick (small-cnn rows)' : 'every workload'}${opts['wasm-only'] ? ', wasm only' : ''}; ${os.cpus()[0]?.model ?? 'CPU'}`
)
const rows: PeerRow[] = []
const started = performance.now()
for (const threads of threadCounts) {
  for (const w of selected) {
    const args = [...w.args, '--threads', String(threads)]
    const our: number[] = []
    const their: number[] = []
    let backend = ''
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so a load that drifts during a round skews neither side.
      const [first, second] = r % 2 === 0 ? [ours, peer] : [peer, ours]
      const a = await first(args)
      const b = await second(args)
      const [o, p] = r % 2 === 0 ? [a, b] : [b, a]
      if (o.params !== p.params)
        throw new Error(
          `${w.name}: Flatline builds ${o.params} parameters, the PyTorch peer ${p.params}; the peer is not the same model`
        )
      our.push(Number(o[w.field]))
      their.push(Number(p[w.field]))
      backend = String(o.backend)
    }
    const row: PeerRow = {
      name: w.name,
      kind: w.kind,
      unit: w.unit,
      threads,
      ours: our,
      peer: their,
      lowerIsBetter: w.field === 'stepSeconds',
      backend
    }
    rows.push(row)
    console.log(formatPeerTable([row], false))
  }
}
if (!opts.quick) {
  // Memory: one epoch over the full Fashion-MNIST (60,000 images) on every core, once per side.
  const full = [
    '--arch',
    'small-cnn',
    '--data-dir',
    '/usr/share/datasets/fashion-mnist',
    '--train-images',
    '60000',
    '--batch',
    '128',
    '--bim-images',
    '0',
    '--threads',
    String(cores)
  ]
  const [o, p] = [await ours(full), await peer(full)]
  console.log(
    `\nfull Fashion-MNIST, one small-cnn epoch (60,000 images, batch 128, ${cores} threads): peak RSS Flatline ${Number(o.peakRssMiB).toFixed(0)} MiB ` +
      `(${Number(o.trainImagesPerSecond).toFixed(0)} images/s, ${o.tensors} tensors alive at the end), PyTorch ${Number(p.peakRssMiB).toFixed(0)} MiB (${Number(p.trainImagesPerSecond).toFixed(0)} images/s)`
  )
}
console.log(`\n${formatPeerTable(rows, true)}`)
console.log(
  `(${((performance.now() - started) / 60000).toFixed(1)} min; our backend per row in the last column)`
)
console.log(peerRatioLine(rows))
