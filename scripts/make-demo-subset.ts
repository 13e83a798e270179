/**
 * Makes the embedded demo dataset: a class-balanced, seeded subset of Fashion-MNIST.
 *
 * Takes 600 training and 100 test images per class from the full dataset, shuffles each split
 * with a fixed seed, and writes gzipped idx files with the standard names, plus classes.txt and
 * a README, into resources/demo/fashion-mnist/. The same source files and seed give the same bytes.
 *
 *   npx tsx scripts/make-demo-subset.ts [source-folder] [output-folder]
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { ImageSplit } from '../main/engine/data/dataset'
import { FASHION_MNIST_CLASSES, loadIdxFolder } from '../main/engine/data/load-idx-folder'
import { Rng } from '../main/engine/data/rng'

const DEFAULT_SOURCE = '/usr/share/datasets/fashion-mnist'
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_OUT = path.join(REPO, 'resources', 'demo', 'fashion-mnist')
const SEED = 20240607
const TRAIN_PER_CLASS = 600
const TEST_PER_CLASS = 100
const MAX_TOTAL_BYTES = 5 * 1024 * 1024

/** Encodes an unsigned-byte idx file: magic 00 00 08 <ndim>, big-endian uint32 dims, data. */
function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length))
  header.setUint8(2, 0x08)
  header.setUint8(3, dims.length)
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d, false))
  const out = new Uint8Array(header.byteLength + data.length)
  out.set(new Uint8Array(header.buffer), 0)
  out.set(data, header.byteLength)
  return out
}

/** Indices of `perClass` examples of each class, drawn without replacement, then shuffled together. */
function balancedIndices(
  split: ImageSplit,
  classCount: number,
  perClass: number,
  rng: Rng
): number[] {
  const byClass: number[][] = Array.from({ length: classCount }, () => [])
  for (let i = 0; i < split.count; i++) byClass[split.labels[i]].push(i)
  const picked: number[] = []
  byClass.forEach((indices, k) => {
    if (indices.length < perClass) {
      throw new Error(`class ${k} has only ${indices.length} examples, need ${perClass}`)
    }
    picked.push(...rng.fork(`class-${k}`).shuffle(indices).slice(0, perClass))
  })
  return rng.fork('order').shuffle(picked)
}

function subset(split: ImageSplit, indices: number[]): { images: Uint8Array; labels: Uint8Array } {
  const size = split.height * split.width * split.channels
  const images = new Uint8Array(indices.length * size)
  const labels = new Uint8Array(indices.length)
  indices.forEach((k, i) => {
    images.set(split.images.subarray(k * size, (k + 1) * size), i * size)
    labels[i] = split.labels[k]
  })
  return { images, labels }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

async function main(): Promise<void> {
  const source = path.resolve(process.argv[2] ?? DEFAULT_SOURCE)
  const out = path.resolve(process.argv[3] ?? DEFAULT_OUT)
  const full = await loadIdxFolder(source, { name: 'fashion-mnist' })
  const classCount = FASHION_MNIST_CLASSES.length
  const rng = new Rng(SEED)
  const { height, width } = full.train
  const splits = [
    { prefix: 'train', split: full.train, perClass: TRAIN_PER_CLASS },
    { prefix: 't10k', split: full.test, perClass: TEST_PER_CLASS }
  ]
  mkdirSync(out, { recursive: true })
  const written: { name: string; bytes: number; sha: string }[] = []
  const write = (name: string, content: Uint8Array): void => {
    writeFileSync(path.join(out, name), content)
    written.push({ name, bytes: content.length, sha: sha256(content) })
  }
  for (const { prefix, split, perClass } of splits) {
    const indices = balancedIndices(split, classCount, perClass, rng.fork(prefix))
    const { images, labels } = subset(split, indices)
    // Level 9 and Node's fixed gzip header (mtime 0) keep the output byte-for-byte reproducible.
    const imageFile = encodeIdx([indices.length, height, width], images)
    write(`${prefix}-images-idx3-ubyte.gz`, gzipSync(imageFile, { level: 9 }))
    write(
      `${prefix}-labels-idx1-ubyte.gz`,
      gzipSync(encodeIdx([indices.length], labels), { level: 9 })
    )
  }
  write('classes.txt', Buffer.from(FASHION_MNIST_CLASSES.join('\n') + '\n'))

  const sourceNames = [
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz'
  ]
  const sourceHashes = sourceNames
    .map((name) => {
      try {
        return `| ${name} | ${sha256(readFileSync(path.join(source, name)))} |`
      } catch {
        return `| ${name} | (not read: the source used another file name) |`
      }
    })
    .join('\n')
  const readme = `# Fashion-MNIST demo subset

The dataset behind Flatline's "Run demo audit": a class-balanced subset of
[Fashion-MNIST](https://github.com/zalandoresearch/fashion-mnist) (Xiao, Rasul and Vollgraf,
"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms", 2017,
arXiv:1708.07747).

## Licence

Fashion-MNIST is © 2017 Zalando SE, https://tech.zalando.com, released under the MIT licence
(https://github.com/zalandoresearch/fashion-mnist/blob/master/LICENSE). These files are a subset of it
and keep that licence.

## Contents

| Split | Images | Per class | Size |
| --- | --- | --- | --- |
| train | ${TRAIN_PER_CLASS * classCount} | ${TRAIN_PER_CLASS} | ${height}×${width}, 1 channel, uint8 |
| test (t10k) | ${TEST_PER_CLASS * classCount} | ${TEST_PER_CLASS} | ${height}×${width}, 1 channel, uint8 |

Files use the standard idx names and format, gzipped; \`classes.txt\` lists the ten class names, one per
line, in label order (0 = ${FASHION_MNIST_CLASSES[0]} … 9 = ${FASHION_MNIST_CLASSES[9]}).

## How it was made

\`scripts/make-demo-subset.ts\` reads the full Fashion-MNIST (60,000 training and 10,000 test images)
and, for each split, draws ${TRAIN_PER_CLASS} (train) or ${TEST_PER_CLASS} (test) images of every class
without replacement, using Flatline's seeded generator (\`main/engine/data/rng.ts\`, seed ${SEED}), then
shuffles the split's picks into one order. Training images come only from the original training split
and test images only from the original test split. To rebuild the files:

\`\`\`
npx tsx scripts/make-demo-subset.ts ${DEFAULT_SOURCE}
\`\`\`

Source files (sha256):

| File | sha256 |
| --- | --- |
${sourceHashes}

Output files (sha256):

| File | Bytes | sha256 |
| --- | --- | --- |
${written.map((f) => `| ${f.name} | ${f.bytes} | ${f.sha} |`).join('\n')}
`
  writeFileSync(path.join(out, 'README.md'), readme)
  const total = written.reduce((a, f) => a + f.bytes, 0) + Buffer.byteLength(readme)
  if (total > MAX_TOTAL_BYTES) {
    throw new Error(`the demo subset takes ${total} bytes, over the ${MAX_TOTAL_BYTES}-byte budget`)
  }
  for (const f of written) console.log(`${f.name.padEnd(30)} ${String(f.bytes).padStart(9)} bytes`)
  console.log(`total ${total} bytes in ${out}`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
