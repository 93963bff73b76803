// Measures the real-shapes corpus (test/fixtures/real-shapes/) and prints, per fixture, the aspects it does not
// meet, then the figures. With --write, rewrites known-gaps.json from the measurement: aspects now met are
// removed, new failures are added with the measured reason, and reasons written by hand are kept while they
// still describe the measured failure (test/unit/realShapes/gapReasons.ts).
//   node --import tsx scripts/real-shapes.ts [--train] [--write] [fixture-name-substring…]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initParsers } from '../src/analysis/index';
import {
  ASPECTS,
  type Aspect,
  BATCHES,
  corpusDir,
  falseAlarmsPerRule,
  figure,
  type KnownGaps,
  listFixtures,
  mapLimit,
  type Measurement,
  measureStatic,
  measureTraining,
  readKnownGaps,
  train,
} from '../test/unit/realShapes/corpus';
import { gapReason } from '../test/unit/realShapes/gapReasons';

async function main(argv: string[]): Promise<void> {
  const withTraining = argv.includes('--train');
  const write = argv.includes('--write');
  const filters = argv.filter((a) => !a.startsWith('--'));
  await initParsers();
  const fixtures = listFixtures().filter((f) => filters.length === 0 || filters.some((s) => f.file.includes(s)));
  const old = readKnownGaps();
  const results = await mapLimit(fixtures, 1, async (fixture) => {
    const measured: Measurement = measureStatic(fixture);
    if (withTraining) Object.assign(measured, measureTraining(fixture, await train(fixture)));
    return { fixture, measured };
  });
  const gaps: KnownGaps = { ...old };
  for (const { fixture, measured } of results) {
    const entry: Partial<Record<Aspect, string>> = { ...(old[fixture.file] ?? {}) };
    for (const aspect of ASPECTS) {
      if (!(aspect in measured)) continue;
      const why = measured[aspect];
      if (why === undefined) delete entry[aspect];
      else entry[aspect] = gapReason(old[fixture.file]?.[aspect], why);
      if (why !== undefined) console.log(`${fixture.file}  ${aspect}: ${why}`);
    }
    if (Object.keys(entry).length > 0) gaps[fixture.file] = entry;
    else delete gaps[fixture.file];
  }
  const line = (label: string, rs: typeof results): string =>
    `${label}: shapes recognised ${figure(rs, 'loss')}, split and λ right ${figure(rs, 'split')}, findings as expected ${figure(rs, 'findings')}` +
    (withTraining
      ? `, train with penalty ${figure(rs.filter((r) => r.fixture.expect.trains), 'train')}, λ=10 halves violation ${figure(rs, 'learnable')}, refused with a message ${figure(rs.filter((r) => !r.fixture.expect.trains), 'train')}`
      : '') +
    `; false alarms per rule: ${falseAlarmsPerRule(rs.map((r) => r.fixture))}`;
  console.log(`\n${line('all', results)}`);
  for (const batch of BATCHES) {
    const rs = results.filter((r) => batch.has(r.fixture));
    if (rs.length > 0) console.log(line(batch.label, rs));
  }
  if (write) {
    const sorted = Object.fromEntries(Object.keys(gaps).sort().map((k) => [k, gaps[k]]));
    writeFileSync(join(corpusDir, 'known-gaps.json'), `${JSON.stringify(sorted, null, 2)}\n`);
    console.log('known-gaps.json written');
  }
}

void main(process.argv.slice(2));
