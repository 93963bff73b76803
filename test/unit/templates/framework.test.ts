import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFramework } from '../../../src/analysis/framework';

test('Python: TensorFlow and Keras imports mean keras', () => {
  assert.equal(detectFramework('import tensorflow as tf\n', 'python'), 'keras');
  assert.equal(detectFramework('from tensorflow.keras import layers\n', 'python'), 'keras');
  assert.equal(detectFramework('from tensorflow import keras\n', 'python'), 'keras');
  assert.equal(detectFramework('import keras\nfrom keras import ops\n', 'python'), 'keras');
  assert.equal(detectFramework('import numpy as np, tensorflow as tf\n', 'python'), 'keras');
});

test('Python: torch imports mean pytorch', () => {
  assert.equal(detectFramework('import torch\nimport torch.nn.functional as F\n', 'python'), 'pytorch');
  assert.equal(detectFramework('from torch import nn\n', 'python'), 'pytorch');
  assert.equal(detectFramework('import numpy as np\n\nimport torch.nn as nn\n', 'python'), 'pytorch');
});

test('the first framework import decides when a file imports two', () => {
  assert.equal(detectFramework('import torch\nimport tensorflow as tf\n', 'python'), 'pytorch');
  assert.equal(detectFramework('import tensorflow as tf\nimport torch\n', 'python'), 'keras');
});

test('TypeScript/JavaScript: any @tensorflow/tfjs* import or require means tfjs', () => {
  assert.equal(detectFramework("import * as tf from '@tensorflow/tfjs';\n", 'typescript'), 'tfjs');
  assert.equal(detectFramework("import * as tf from '@tensorflow/tfjs-node';\n", 'typescript'), 'tfjs');
  assert.equal(detectFramework('import { tensor } from "@tensorflow/tfjs-core/dist/index";\n', 'typescript'), 'tfjs');
  assert.equal(detectFramework("const tf = require('@tensorflow/tfjs-node-gpu');\n", 'javascript'), 'tfjs');
  assert.equal(detectFramework("import '@tensorflow/tfjs-backend-wasm';\n", 'javascript'), 'tfjs');
  assert.equal(detectFramework("const tf = await import('@tensorflow/tfjs');\n", 'javascript'), 'tfjs');
});

test('no known import: undefined (the command then asks)', () => {
  assert.equal(detectFramework('import numpy as np\n\ndef loss(a, b):\n    return a - b\n', 'python'), undefined);
  assert.equal(detectFramework("import { z } from 'zod';\n", 'typescript'), undefined);
  assert.equal(detectFramework('', 'python'), undefined);
  // Look-alikes are not imports.
  assert.equal(detectFramework('# import torch\nx = "import torch"\n', 'python'), undefined);
  assert.equal(detectFramework('import torchvision_like_name\n', 'python'), undefined);
  assert.equal(detectFramework("import * as tf from '@tensorflow-foo/x';\n", 'typescript'), undefined);
  // A Python import in a TS file and the reverse do not count.
  assert.equal(detectFramework('import torch\n', 'typescript'), undefined);
  assert.equal(detectFramework("import * as tf from '@tensorflow/tfjs'\n", 'python'), undefined);
});

test('half-typed code: imports that are complete still count, broken lines are ignored, nothing throws', () => {
  assert.equal(detectFramework('import tensorflow as tf\ndef loss(y_true, y_pred\n    return tf.', 'python'), 'keras');
  assert.equal(detectFramework('import torch.nn.functional as\nimport torch\n', 'python'), 'pytorch');
  assert.equal(detectFramework('from torch', 'python'), undefined);
  assert.equal(detectFramework('    import torch  # inside a function\n', 'python'), 'pytorch');
  assert.equal(detectFramework("import * as tf from '@tensorflow/tfjs'\nconst loss = (a, b) => tf.", 'typescript'), 'tfjs');
  assert.equal(detectFramework("import * as tf from '@tensorflow/tf", 'typescript'), undefined);
  assert.equal(detectFramework('\u0000\uffff import', 'javascript'), undefined);
});
