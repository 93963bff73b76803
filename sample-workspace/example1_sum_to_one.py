# Example 1 of the seed article: a sum-to-one constraint on predicted probabilities (L1 penalty).
# Loss Lab: hover the loss for diagnostics, click "▶ Train with constraint" above it to try several λ side by side.
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(8,)),
    tf.keras.layers.Dense(32, activation='relu'),
    tf.keras.layers.Dense(4, activation='sigmoid'),
])


def constrained_loss(y_true, y_pred, lambda_param=1.0):
  """
  Custom loss function with a sum-to-one constraint on predicted probabilities.

  Args:
    y_true: True labels (one-hot encoded).
    y_pred: Predicted probabilities.
    lambda_param: Weight of the constraint penalty.

  Returns:
    The constrained loss value.
  """
  cross_entropy = tf.keras.losses.categorical_crossentropy(y_true, y_pred)
  sum_penalty = tf.reduce_mean(tf.abs(tf.reduce_sum(y_pred, axis=-1) - 1.0))
  return cross_entropy + lambda_param * sum_penalty

model.compile(loss=constrained_loss, optimizer='adam')
