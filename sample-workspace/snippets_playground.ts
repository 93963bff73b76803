// Try the snippets here: type closs- and pick one (closs-sum1, closs-bounds, closs-factory, …).
import * as tf from '@tensorflow/tfjs';

