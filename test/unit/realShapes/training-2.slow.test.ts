// Shard 2 of 2 of the real-shapes training test (trainingSuite.ts): the corpus trained on one core while the other shard uses the other.
import { trainingShard } from './trainingSuite';

trainingShard(2, 2);
