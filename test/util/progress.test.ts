import { describe, expect, it } from 'vitest';
import { stderrLogger } from '../../src/util/logger.js';
import { createProgress, formatDuration, startProgress } from '../../src/util/progress.js';

/** A stream that records what is written, and a clock moved by hand. */
function fakeStream(isTTY: boolean): { stream: { write: (t: string) => boolean; isTTY: boolean; columns: number }; text: () => string } {
  const chunks: string[] = [];
  return { stream: { write: (t: string) => chunks.push(t) > 0, isTTY, columns: 100 }, text: () => chunks.join('') };
}

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('progress when stderr is not a terminal', () => {
  it('writes a plain line at most every 5 s with counts, elapsed time and ETA, and one at the end', () => {
    const { stream, text } = fakeStream(false);
    const clock = fakeClock();
    const p = createProgress('generate', 24, 'months', { stream, now: clock.now });
    for (let month = 1; month <= 24; month++) {
      clock.advance(1500);
      p.tick(1, `month ${month}`);
    }
    p.done();
    // Lines at 6 s (4 months), 12 s (8), 18 s (12), 24 s (16), 30 s (20), then the final one at 36 s.
    expect(text().split('\n')).toEqual([
      'generate: 4/24 months (16%), 6s elapsed, ETA 30s; month 4',
      'generate: 8/24 months (33%), 12s elapsed, ETA 24s; month 8',
      'generate: 12/24 months (50%), 18s elapsed, ETA 18s; month 12',
      'generate: 16/24 months (66%), 24s elapsed, ETA 12s; month 16',
      'generate: 20/24 months (83%), 30s elapsed, ETA 6s; month 20',
      'generate: 24/24 months (100%) in 36s',
      '',
    ]);
  });

  it('writes only the final line for a task shorter than the interval, and nothing after done', () => {
    const { stream, text } = fakeStream(false);
    const clock = fakeClock();
    const p = createProgress('ingest', 3, 'files', { stream, now: clock.now });
    p.tick();
    clock.advance(200);
    p.tick(2);
    p.done();
    p.tick();
    p.done();
    expect(text()).toBe('ingest: 3/3 files (100%) in 0s\n');
  });
});

describe('progress on a terminal', () => {
  it('redraws a bar in place with counts and ETA, and ends it with a line break', () => {
    const { stream, text } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress('train', 4, 'as-of months', { stream, now: clock.now });
    clock.advance(2000);
    p.tick(1, '2026-01');
    clock.advance(50);
    p.tick(1, '2026-02'); // within 100 ms of the last redraw: not drawn
    clock.advance(2000);
    p.tick(1, '2026-03');
    p.done();
    const frames = text().split('\r').filter((f) => f !== '');
    expect(frames).toEqual([
      'train [######------------------] 1/4 as-of months (25%) ETA 6s  2026-01\x1b[K',
      'train [##################------] 3/4 as-of months (75%) ETA 1s  2026-03\x1b[K',
      'train [##################------] 3/4 as-of months (75%) ETA 1s  2026-03\x1b[K\n',
    ]);
  });

  it('keeps log lines from tearing the bar: erase, print, draw again', () => {
    const { stream, text } = fakeStream(true);
    const clock = fakeClock();
    const logger = stderrLogger(false, stream, clock.now);
    const p = startProgress(logger, 'ingest', 2, 'files');
    p.tick(1, 'a.csv');
    logger.info('a.csv: 10 read');
    p.done();
    expect(text()).toBe(
      '\ringest [############------------] 1/2 files (50%) ETA 0s  a.csv\x1b[K' +
        '\r\x1b[Ka.csv: 10 read\n' +
        '\ringest [############------------] 1/2 files (50%) ETA 0s  a.csv\x1b[K' +
        '\ringest [############------------] 1/2 files (50%) ETA 0s  a.csv\x1b[K\n',
    );
  });
});

describe('--quiet', () => {
  it('shows no progress at all, on a terminal or not', () => {
    for (const tty of [true, false]) {
      const { stream, text } = fakeStream(tty);
      const logger = stderrLogger(true, stream);
      const p = startProgress(logger, 'score', 5, 'steps');
      p.tick(5);
      p.done();
      logger.info('hidden');
      logger.warn('shown');
      expect(text()).toBe('warning: shown\n');
    }
  });
});

describe('formatDuration', () => {
  it('prints seconds, minutes and hours', () => {
    expect([formatDuration(0), formatDuration(44_600), formatDuration(185_000), formatDuration(7_440_000)]).toEqual(['0s', '45s', '3m 05s', '2h 04m']);
  });
});
