/**
 * The architectures the app can build, by stable id. The UI and the spec validation list what
 * this registry holds; issue 5 adds the paper's families here.
 */
import type { ArchitectureId } from '../../contract/audit-spec'
import type { Rng } from '../data/rng'
import { ONNX_ARCH, type Classifier, type ModelConfig } from './classifier'
import { buildConvmixer } from './convmixer'
import { buildDensenet, DENSENET_BLOCKS } from './densenet'
import { buildGooglenet } from './googlenet'
import { buildMlp } from './mlp'
import { buildMlpMixer } from './mlp-mixer'
import { buildResnet, RESNET_SHAPES } from './resnet'
import { buildSmallCnn } from './small-cnn'
import { buildSmallResnet } from './small-resnet'
import { buildVgg, VGG_CONFIGS } from './vgg'
import { buildWideResnet, WRN_SHAPES } from './wide-resnet'

export interface ArchitectureEntry {
  id: ArchitectureId
  label: string
  hasSkipConnections: boolean
  /** Paper family, for grouping in the UI. */
  family: string
  /** The `width` that builds the paper's network (the spec's `width` overrides it). */
  defaultWidth: number
  /** What `width` means for this family. */
  widthMeaning: string
  build(config: ModelConfig, rng: Rng): Classifier
}

const firstStage = 'channels of the first stage'

export const architectures: Record<ArchitectureId, ArchitectureEntry> = {
  'small-cnn': {
    id: 'small-cnn',
    label: 'Small CNN (BN)',
    family: 'small',
    hasSkipConnections: false,
    defaultWidth: 16,
    widthMeaning: firstStage,
    build: buildSmallCnn
  },
  'small-cnn-max': {
    id: 'small-cnn-max',
    label: 'Small CNN (BN, max pooling)',
    family: 'small',
    hasSkipConnections: false,
    defaultWidth: 16,
    widthMeaning: firstStage,
    build: (config, rng) => buildSmallCnn(config, rng, 'max')
  },
  'small-resnet': {
    id: 'small-resnet',
    label: 'Small ResNet',
    family: 'small',
    hasSkipConnections: true,
    defaultWidth: 16,
    widthMeaning: firstStage,
    build: buildSmallResnet
  },
  ...paperFamilies()
}

/** The paper's families: ResNet, VGG-BN, DenseNet, Wide ResNet, GoogLeNet, ConvMixer, MLP-Mixer, MLP. */
function paperFamilies(): Record<
  Exclude<ArchitectureId, 'small-cnn' | 'small-cnn-max' | 'small-resnet'>,
  ArchitectureEntry
> {
  const resnet = (id: keyof typeof RESNET_SHAPES, label: string): ArchitectureEntry => ({
    id,
    label,
    family: 'resnet',
    hasSkipConnections: true,
    defaultWidth: 64,
    widthMeaning: firstStage,
    build: (config, rng) => buildResnet(RESNET_SHAPES[id], config, rng)
  })
  const vgg = (id: keyof typeof VGG_CONFIGS, label: string): ArchitectureEntry => ({
    id,
    label,
    family: 'vgg',
    hasSkipConnections: false,
    defaultWidth: 64,
    widthMeaning: 'channels of the first conv',
    build: (config, rng) => buildVgg(VGG_CONFIGS[id], config, rng)
  })
  const densenet = (
    id: keyof typeof DENSENET_BLOCKS,
    label: string,
    growth: number
  ): ArchitectureEntry => ({
    id,
    label,
    family: 'densenet',
    hasSkipConnections: true,
    defaultWidth: growth,
    widthMeaning: 'growth rate k',
    build: (config, rng) => buildDensenet(DENSENET_BLOCKS[id], config, rng)
  })
  const wrn = (id: keyof typeof WRN_SHAPES, label: string): ArchitectureEntry => ({
    id,
    label,
    family: 'wide-resnet',
    hasSkipConnections: true,
    defaultWidth: 16,
    widthMeaning: 'stem channels (stages are 1, 2, 4 × width × k)',
    build: (config, rng) => buildWideResnet(WRN_SHAPES[id], config, rng)
  })
  return {
    'resnet-18': resnet('resnet-18', 'ResNet-18'),
    'resnet-34': resnet('resnet-34', 'ResNet-34'),
    'resnet-50': resnet('resnet-50', 'ResNet-50'),
    'resnet-101': resnet('resnet-101', 'ResNet-101'),
    'vgg-11': vgg('vgg-11', 'VGG-11 (BN)'),
    'vgg-13': vgg('vgg-13', 'VGG-13 (BN)'),
    'vgg-16': vgg('vgg-16', 'VGG-16 (BN)'),
    'vgg-19': vgg('vgg-19', 'VGG-19 (BN)'),
    'densenet-121': densenet('densenet-121', 'DenseNet-121', 32),
    'densenet-161': densenet('densenet-161', 'DenseNet-161', 48),
    'densenet-201': densenet('densenet-201', 'DenseNet-201', 32),
    'wrn-16-8': wrn('wrn-16-8', 'WRN-16-8'),
    'wrn-28-10': wrn('wrn-28-10', 'WRN-28-10'),
    googlenet: {
      id: 'googlenet',
      label: 'GoogLeNet (Inception v1, BN)',
      family: 'inception',
      hasSkipConnections: false,
      defaultWidth: 64,
      widthMeaning: 'scales every channel count (64 = the paper)',
      build: buildGooglenet
    },
    convmixer: {
      id: 'convmixer',
      label: 'ConvMixer-256/8',
      family: 'convmixer',
      hasSkipConnections: true,
      defaultWidth: 256,
      widthMeaning: 'hidden channels h',
      build: buildConvmixer
    },
    'mlp-mixer': {
      id: 'mlp-mixer',
      label: 'MLP-Mixer (p4, d8)',
      family: 'mlp-mixer',
      hasSkipConnections: true,
      defaultWidth: 128,
      widthMeaning: 'hidden channels C',
      build: buildMlpMixer
    },
    mlp: {
      id: 'mlp',
      label: 'MLP (2 hidden layers)',
      family: 'mlp',
      hasSkipConnections: false,
      defaultWidth: 512,
      widthMeaning: 'hidden units',
      build: buildMlp
    }
  }
}

export function buildClassifier(config: ModelConfig, rng: Rng): Classifier {
  if (config.arch === ONNX_ARCH)
    throw new Error(
      'an imported ONNX model is loaded from its graph file (loadClassifier), not built from the registry'
    )
  const entry = architectures[config.arch]
  if (!entry)
    throw new Error(
      `Unknown architecture "${config.arch}": expected one of ${Object.keys(architectures).join(', ')}`
    )
  return entry.build(config, rng)
}
