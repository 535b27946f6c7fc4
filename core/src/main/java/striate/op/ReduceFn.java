package striate.op;

/** The reductions of {@link ReduceOp}. Means are composed: sum, then scale. */
public enum ReduceFn {
    SUM, MAX
}
