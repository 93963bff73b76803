// Messages between the extension host and the training panel webview. The host forwards the trainer's
// messages (started, metrics, run-ended, done, error) wrapped in `trainer`, plus a few of its own.
import { z } from 'zod';
import { TrainerToHost } from './trainer';

export const PanelState = z.object({
  /** Title shown in the header: the loss name and file. */
  title: z.string(),
  /** Every trainer message so far (the panel rebuilds its charts from them after a reload). */
  history: z.array(TrainerToHost),
  /** When the trial started (ms since 1970): which of two saved copies is the later trial. Absent in old states. */
  trial: z.number().optional(),
  /** A λ sweep (or any trial judged as one): the tolerance ε for penalties whose constraint has none (lossLab.sweep.tolerance). */
  sweep: z.object({ tolerance: z.number().min(0) }).optional(),
});
export type PanelState = z.infer<typeof PanelState>;

export const HostToWebview = z.discriminatedUnion('type', [
  /** A new trial begins: clear the charts. */
  z.object({ type: z.literal('reset'), title: z.string(), trial: z.number().optional(), sweep: z.object({ tolerance: z.number().min(0) }).optional() }),
  z.object({ type: z.literal('trainer'), message: TrainerToHost }),
  /** Restore after a window reload (from the WebviewPanelSerializer). */
  z.object({ type: z.literal('restore'), state: PanelState }),
  /** The trainer process went away without a `done`: crashed or killed. */
  z.object({ type: z.literal('trainer-exit'), code: z.number().nullable(), signal: z.string().nullable(), message: z.string() }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

export const WebviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('rerun') }),
  /** "Sweep λ" for the loss the panel shows. */
  z.object({ type: z.literal('sweep') }),
  /** "Use λ = x": write this λ into the shown loss's code. */
  z.object({
    type: z.literal('use-lambda'),
    lambda: z.number().finite(),
    /** A sweep over several penalties: every penalty's λ of the chosen run, each written where it lives (one undo step). */
    lambdas: z.array(z.object({ id: z.string().max(256), label: z.string().max(256), value: z.number().finite() })).max(32).optional(),
  }),
  /** "Show in code" from an error banner. Lines are 1-based. */
  z.object({ type: z.literal('reveal'), file: z.string().max(4096).optional(), line: z.number().int().min(1).max(10_000_000) }),
  /** Export: the webview renders, the host asks where to save. PNG arrives as a data URL. */
  z.object({ type: z.literal('export'), format: z.enum(['csv', 'png']), data: z.string().max(50_000_000) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;
