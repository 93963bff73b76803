# Example 2 of the seed article: keep the outputs inside [lower_bound, upper_bound] (squared hinge penalties).
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(8,)),
    tf.keras.layers.Dense(32, activation='relu'),
    tf.keras.layers.Dense(1),
])


def bounded_loss(y_true, y_pred, lower_bound=0.0, upper_bound=1.0, lambda_param=10.0):
    mse = tf.keras.losses.mean_squared_error(y_true, y_pred)
    lower_penalty = tf.reduce_mean(tf.maximum(lower_bound - y_pred, 0.0)**2)
    upper_penalty = tf.reduce_mean(tf.maximum(y_pred - upper_bound, 0.0)**2)
    return mse + lambda_param * (lower_penalty + upper_penalty)

model.compile(loss=bounded_loss, optimizer='adam')
