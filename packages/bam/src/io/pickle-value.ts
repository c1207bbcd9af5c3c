/** What readPickle returns and writePickle takes: Python values as JavaScript ones. */
export type PickleValue = number | string | boolean | null | PickleValue[] | Map<PickleValue, PickleValue> | Float32Array | Float64Array;
