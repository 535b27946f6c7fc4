package striate.op;

/** What a pooling window computes. */
public enum PoolMode {
    MAX, AVG
}
