# Example 3 of the seed article: an L1 penalty on the outputs inside the loss.
# (The article calls it weight sparsity; it acts on y_pred. Loss Lab's diagnostics explain the difference
# and the snippet `closs-sparse-weights` shows the Keras way to penalise the weights.)
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(8,)),
    tf.keras.layers.Dense(32, activation='relu'),
    tf.keras.layers.Dense(4),
])


def sparse_loss(y_true, y_pred, lambda_param=0.01):
    mse = tf.keras.losses.mean_squared_error(y_true, y_pred)
    l1_penalty = tf.reduce_mean(tf.abs(y_pred))
    return mse + lambda_param * l1_penalty

model.compile(loss=sparse_loss, optimizer='adam')
