// TensorFlow.js: mean squared error plus squared hinge penalties keeping the outputs in [lower, upper].
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [8], units: 32, activation: 'relu' }), tf.layers.dense({ units: 1 })],
});

function boundedLoss(yTrue: tf.Tensor, yPred: tf.Tensor, lower = 0, upper = 1, lambda = 10): tf.Scalar {
  return tf.tidy(() => {
    const mse = tf.losses.meanSquaredError(yTrue, yPred);
    const lowerPenalty = tf.mean(tf.square(tf.relu(tf.sub(lower, yPred))));
    const upperPenalty = tf.mean(tf.square(tf.relu(tf.sub(yPred, upper))));
    return tf.add(mse, tf.mul(lambda, tf.add(lowerPenalty, upperPenalty))) as tf.Scalar;
  });
}

model.compile({ optimizer: 'adam', loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => boundedLoss(yTrue, yPred) });
