/**
 * Progress of long commands (ingest, score, train, generate) on stderr: on a
 * terminal a bar with counts and ETA redrawn in place; otherwise (a log file,
 * a pipe, CI) a plain line every few seconds and one at the end. `--quiet`
 * shows neither. Results never go here.
 */

/** One running task: units done out of a known total. */
export interface Progress {
  /** Adds `n` units done (default 1); `detail` replaces the note shown after the counts. */
  tick(n?: number, detail?: string): void;
  /** The task is over: the final line (or the finished bar and a line break). */
  done(): void;
}

/** Where progress is written: stderr, or a test double. */
export interface ProgressStream {
  write(text: string): unknown;
  /** Redraw a bar in place when true; plain periodic lines otherwise. */
  isTTY?: boolean;
  /** Terminal width; the bar line is cut to fit. */
  columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  stream: ProgressStream;
  /** Milliseconds since some origin (default `performance.now`); injected in tests. */
  now?: () => number;
  /** Least time between two plain lines, ms (default {@link PROGRESS_LINE_INTERVAL_MS}). */
  intervalMs?: number;
}

/** A progress that shows nothing (`--quiet`, tests). */
const NO_PROGRESS: Progress = { tick: () => undefined, done: () => undefined };

/** Time between two plain progress lines when stderr is not a terminal. */
const PROGRESS_LINE_INTERVAL_MS = 5000;

/** Least time between two redraws of the bar on a terminal. */
const BAR_REDRAW_MS = 100;

const BAR_WIDTH = 24;

/** A duration as `45s`, `3m 05s` or `2h 04m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A progress line's parts, shared by the bar and the plain lines. */
function counts(done: number, total: number, unit: string): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  return `${done}/${total} ${unit} (${pct}%)`;
}

/** Time left at the average pace so far; null before the first unit. */
function etaMs(elapsed: number, done: number, total: number): number | null {
  return done <= 0 ? null : (elapsed / done) * Math.max(0, total - done);
}

/** A bar on a terminal, with hooks to keep log lines from tearing it. */
export interface TerminalProgress extends Progress {
  /** Erases the bar (before a log line). */
  clear(): void;
  /** Draws the bar again (after a log line). */
  redraw(): void;
}

/**
 * Starts showing the progress of `total` units of `unit` (e.g. 24
 * `months`) under `label`. On a TTY: `label [#####-----] 12/24 months (50%)
 * ETA 1m 05s  detail`, redrawn at most every 100 ms. Otherwise:
 * `label: 12/24 months (50%), 45s elapsed, ETA 45s; detail` at most every
 * `intervalMs`, and `label: 24/24 months (100%) in 1m 30s` at the end.
 */
export function createProgress(label: string, total: number, unit: string, options: ProgressOptions): TerminalProgress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? PROGRESS_LINE_INTERVAL_MS;
  const stream = options.stream;
  const tty = stream.isTTY === true;
  const started = now();
  let done = 0;
  let detail = '';
  let lastShown = started;
  let drawn = false;
  let finished = false;

  const barLine = (): string => {
    const filled = total > 0 ? Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / total)) : BAR_WIDTH;
    const eta = etaMs(now() - started, done, total);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${counts(done, total, unit)} ETA ${eta === null ? '?' : formatDuration(eta)}${detail === '' ? '' : `  ${detail}`}`;
    const width = (stream.columns ?? 80) - 1;
    return line.length > width ? line.slice(0, width) : line;
  };
  const draw = (): void => {
    stream.write(`\r${barLine()}\x1b[K`);
    drawn = true;
    lastShown = now();
  };
  const plainLine = (): void => {
    const elapsed = now() - started;
    const eta = etaMs(elapsed, done, total);
    stream.write(`${label}: ${counts(done, total, unit)}, ${formatDuration(elapsed)} elapsed, ETA ${eta === null ? '?' : formatDuration(eta)}${detail === '' ? '' : `; ${detail}`}\n`);
    lastShown = now();
  };

  return {
    tick(n = 1, note) {
      if (finished) return;
      done = Math.min(total, done + n);
      if (note !== undefined) detail = note;
      if (tty) {
        if (!drawn || now() - lastShown >= BAR_REDRAW_MS) draw();
      } else if (done < total && now() - lastShown >= interval) plainLine(); // the last unit gets the final line
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty) {
        draw();
        stream.write('\n');
      } else {
        stream.write(`${label}: ${counts(done, total, unit)} in ${formatDuration(now() - started)}\n`);
      }
    },
    clear() {
      if (tty && drawn && !finished) stream.write('\r\x1b[K');
    },
    redraw() {
      if (tty && drawn && !finished) draw();
    },
  };
}

/** Something that can start a progress: the logger of a command. */
export interface ProgressSource {
  progress?(label: string, total: number, unit: string): Progress;
}

/** A progress from the logger when it shows progress (stderr, not `--quiet`), else {@link NO_PROGRESS}. */
export function startProgress(source: ProgressSource, label: string, total: number, unit: string): Progress {
  return source.progress?.(label, total, unit) ?? NO_PROGRESS;
}
