import { env, loadConfigOrExit } from '@hocbaso/service-kit';
import { z } from 'zod';

/** The simulator's configuration when run on its own: the only place that reads process.env. */
export const simulatorConfigSchema = z.object({
  MINISTRY_SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  MINISTRY_SIMULATOR_PORT: env.port(4090),
  /** The bearer token the archive service sends (its MINISTRY_API_TOKEN too). */
  MINISTRY_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /**
   * Comma-separated PEM files of the school CAs to trust; unset: each signed year's own chain root
   * (the simulator then checks integrity of content, signature and seal, not the school's identity).
   */
  MINISTRY_TRUSTED_CA_FILES: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((file) => file.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: env.logLevel(),
});

export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;

export function readSimulatorConfig(): SimulatorConfig {
  return loadConfigOrExit(simulatorConfigSchema, process.env, 'ministry-simulator');
}
