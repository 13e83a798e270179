/**
 * Registers tfjs's gradient functions. tfjs-core's Node bundle ships without them; the
 * @tensorflow/tfjs umbrella bundle registers them on the shared tfjs-core instance (tfjs-node
 * loads the same umbrella). Every loss the engine differentiates imports this once.
 */
import '@tensorflow/tfjs'
