import { holdSignalTrigger, startWithInspector, stopProgram } from './capture-target.js';

/** The signals a capture command stops on, with the exit code each ends it with (128 + n). */
const STOP_SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The life of one capturing command (`snapshot`, `leaks` taking its snapshots): what to undo
 * when it ends — a started program stopped, a session released, a partial file removed — on
 * success, on an error, and on SIGINT, SIGTERM or SIGHUP. A signal aborts `signal` (which
 * removes a snapshot being written), runs the undo steps, says so on stderr and exits 128 + n;
 * a second signal exits at once.
 *
 * @example
 * const run = new CaptureRun(() => 'no snapshot written')
 * try {
 *   const started = await startWithInspector(command, false, undefined, run.signal)
 *   run.onEnd(() => stopProgram(started.child))
 *   …
 * } finally {
 *   await run.end()
 * }
 */
export class CaptureRun {
  readonly #controller = new AbortController();
  /** Aborted on a stop signal, and when the run ends (whatever still waits gives up). */
  readonly signal: AbortSignal = this.#controller.signal;
  readonly #steps: (() => unknown)[] = [];
  readonly #hardStops: (() => void)[] = [];
  readonly #onSignal = (signal: NodeJS.Signals): void => void this.#stop(signal);
  readonly #outcome: () => string;
  #ended: Promise<void> | undefined;
  #stopping = false;
  /** A progress line on the terminal that a message must start below. */
  lineOpen = false;

  /** Whether a signal is stopping the run: its message is the last word, no progress after it. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** `outcome` says, when a signal stops the run, what is left (e.g. "2 of 3 snapshots kept"). */
  constructor(outcome: () => string) {
    this.#outcome = outcome;
    for (const signal of Object.keys(STOP_SIGNALS)) process.on(signal, this.#onSignal);
    // SIGUSR2 takes a snapshot: one between two waits must not end heapdiff (Node's default).
    this.#releaseSignal = holdSignalTrigger();
  }

  readonly #releaseSignal: () => void;

  /** Adds an undo step; steps run last-added first, once, each at most 5 s. */
  onEnd(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Adds what a second signal does at once, before exiting (a started program killed outright). */
  onHardStop(step: () => void): void {
    this.#hardStops.push(step);
  }

  /** Runs the undo steps (errors in them are ignored: the run is over) and stops listening for signals. */
  end(): Promise<void> {
    this.#ended ??= (async () => {
      this.#controller.abort();
      for (const step of this.#steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([step(), new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
        } catch {
          // undoing is best effort
        } finally {
          clearTimeout(timer);
        }
      }
      for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, this.#onSignal);
      this.#releaseSignal();
    })();
    return this.#ended;
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const code = STOP_SIGNALS[signal as keyof typeof STOP_SIGNALS];
    if (this.#stopping) {
      // Asked twice: no more waiting for a graceful end.
      for (const step of this.#hardStops) {
        try {
          step();
        } catch {
          // gone already
        }
      }
      process.exit(code);
    }
    this.#stopping = true;
    process.stderr.write(`${this.lineOpen ? '\r\x1b[2K' : ''}heapdiff: stopped by ${signal}; ${this.#outcome()}\n`);
    await this.end();
    process.exit(code);
  }
}

/**
 * What to add to a stop message while the process goes on writing the snapshot V8 began (it
 * cannot stop one midway, and the process may use much more memory meanwhile): nothing for a
 * program heapdiff stops.
 */
export function stillWriting(session: { writing: boolean } | undefined, stopsProgram: boolean, pid: number | undefined): string {
  if (!session?.writing || stopsProgram) return '';
  return `; ${pid === undefined ? 'the process' : `process ${pid}`} goes on writing the snapshot it began (V8 cannot stop one midway), using more memory meanwhile`;
}

/**
 * Starts `node …` for a capturing run (with its inspector; waiting for heapdiff when
 * `waitForHeapdiff`): stopped when the run ends, killed outright on a second signal.
 */
export async function startProgramIn(run: CaptureRun, command: readonly string[], waitForHeapdiff: boolean): Promise<Awaited<ReturnType<typeof startWithInspector>>> {
  const started = await startWithInspector([...command], waitForHeapdiff, undefined, run.signal);
  run.onEnd(() => stopProgram(started));
  run.onHardStop(() => started.child.kill('SIGKILL'));
  return started;
}
