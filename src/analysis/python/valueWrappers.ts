// Calls that keep an `__init__` argument's value as it is, or convert it the way Python does: `self.w =
// tf.convert_to_tensor(w)`, `self.smoothness = float(smoothness)`, `self.l1 = bool(l1)` hold the argument (so λ
// stays `self.w` and the constructor call's value reaches it), a literal default converted as the call converts it;
// Keras's own regularizers write `self.l2 = K.cast_to_floatx(l2)`.

export const valueWrappers = /^(tf\.convert_to_tensor|tf\.constant|K\.cast_to_floatx|(?:tf\.)?keras\.backend\.cast_to_floatx|torch\.tensor|torch\.as_tensor|float|int|bool|np\.float32|np\.array)$/;

/** What Python's own conversions make of a literal default (`self.l1 = bool(l1)` with l1=1 holds True). */
const conversions: Readonly<Record<string, (v: number | string | boolean) => number | string | boolean>> = {
  bool: (v) => Boolean(v),
  int: (v) => (typeof v === 'number' ? Math.trunc(v) : v),
};

/** A literal default as the wrapper `callee` leaves it. */
export function wrappedDefault(callee: string, value: number | string | boolean): number | string | boolean {
  return conversions[callee]?.(value) ?? value;
}
