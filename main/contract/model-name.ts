/** A model's short name, unique within an audit (also a folder name under runs/<id>/models/). */
import { z } from 'zod'

export const ModelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, "-", "_" or "." (at most 64)')
