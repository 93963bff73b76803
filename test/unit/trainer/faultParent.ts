// A stand-in for the editor or the CLI in the fault tests: starts a trainer on the spec in the JSON file given as
// argument, prints `child <pid>` once the trainer sent `ready`, `loading <pid>` when it reads a dataset
// and `started <pid>` once it trains, then waits to be
// killed (the test kills this process with SIGKILL and checks the trainer does not outlive it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTrainer } from '../../../src/trainer/session';

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const session = startTrainer(spec, {
  trainerPath: join(__dirname, '..', '..', '..', 'src', 'trainer', 'main.ts'),
  onMessage: (m) => {
    if (m.type === 'ready') process.stdout.write(`child ${session.pid}\n`);
    if (m.type === 'started') process.stdout.write(`started ${session.pid}\n`);
    if (m.type === 'log' && m.message.startsWith('reading the dataset')) process.stdout.write(`loading ${session.pid}\n`);
  },
});
setInterval(() => undefined, 1000);
