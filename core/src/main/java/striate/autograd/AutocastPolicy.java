package striate.autograd;

import striate.op.AdamUpdateOp;
import striate.op.AffineOp;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CopyOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.LogSoftmaxOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PowerOp;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.op.SgdUpdateOp;
import striate.op.SoftmaxOp;
import striate.op.ToDeviceOp;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.op.ViewOp;
import striate.op.WhereOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * Autocast's one table: the type each op runs in under {@link Autocast}, as PyTorch's autocast lists them. The
 * dispatcher ({@code Tensor.apply}) asks it for every op, so every backend obeys the same policy; the switch is
 * exhaustive over the sealed {@link Op}, so a new op cannot be added without a row here. Only floating inputs are
 * cast (labels and indices stay int32); float64 inputs are never cast down, as in PyTorch.
 */
public final class AutocastPolicy {
    /** What autocast does to an op's floating inputs. */
    public enum Rule {
        /** Cast float32 and the other low type to the autocast type: the op computes and returns it. */
        LOW,
        /** Cast bfloat16 and float16 up to float32: precision-sensitive ops (exp, log, sums, softmax, losses, norms). */
        FLOAT32,
        /** Cast to the widest of the inputs' types when they differ (bfloat16 with float16 meet in float32). */
        WIDEST,
        /** Leave the inputs alone: casts, copies, views, random numbers, optimizer updates. */
        NONE
    }

    private AutocastPolicy() {
    }

    /** The rule for {@code op}. */
    public static Rule rule(Op op) {
        return switch (op) {
            case MatMulOp _, Conv2dOp _, Conv2dBackwardDataOp _, Conv2dBackwardFilterOp _ -> Rule.LOW;
            case SoftmaxOp _, LogSoftmaxOp _, CrossEntropyOp _, CrossEntropyBackwardOp _, BatchNormOp _,
                 BatchNormBackwardOp _, PowerOp _ -> Rule.FLOAT32;
            case ReduceOp r -> r.fn() == ReduceFn.SUM ? Rule.FLOAT32 : Rule.WIDEST;
            case UnaryOp u -> u.fn() == UnaryFn.EXP || u.fn() == UnaryFn.LOG || u.fn() == UnaryFn.LOG1P ? Rule.FLOAT32
                    : Rule.WIDEST;
            case AffineOp _, BinaryOp _, WhereOp _, Pool2dOp _, Pool2dBackwardOp _, KMaxPoolOp _, KMaxPoolBackwardOp _,
                 EmbeddingOp _, EmbeddingBackwardOp _, LstmCellOp _, LstmCellBackwardOp _, GruCellOp _,
                 GruCellBackwardOp _, LstmLayerOp _, LstmLayerBackwardOp _, GruLayerOp _, GruLayerBackwardOp _,
                 LeakyReluOp _, LeakyReluBackwardOp _, PadOp _, CatOp _ -> Rule.WIDEST;
            case CastOp _, CopyOp _, ToDeviceOp _, RandomUniformOp _, RandomNormalOp _, ViewOp _, SgdUpdateOp _,
                 AdamUpdateOp _ -> Rule.NONE;
        };
    }

    /** {@code inputs} cast as {@code op}'s rule says for autocast type {@code low} (the same array when none is). */
    public static Tensor[] inputs(Op op, Tensor[] inputs, DType low) {
        DType target = switch (rule(op)) {
            case LOW -> low;
            case FLOAT32 -> DType.F32;
            case WIDEST -> widest(inputs);
            case NONE -> null;
        };
        if (target == null) {
            return inputs;
        }
        Tensor[] out = inputs;
        for (int i = 0; i < inputs.length; i++) {
            DType t = inputs[i].dtype();
            if (t != target && t.isFloating() && t != DType.F64) {
                if (out == inputs) {
                    out = inputs.clone();
                }
                out[i] = inputs[i].to(target);
            }
        }
        return out;
    }

    /** The widest floating type among the inputs, or null when they are all one type (nothing to cast). */
    private static DType widest(Tensor[] inputs) {
        DType widest = null;
        boolean mixed = false;
        for (Tensor x : inputs) {
            DType t = x.dtype();
            if (!t.isFloating()) {
                continue;
            }
            if (widest != null && t != widest) {
                mixed = true;
            }
            widest = widest == null ? t : wider(widest, t);
        }
        return mixed ? widest : null;
    }

    /** float64 over float32 over the 2-byte types; bfloat16 and float16 together widen to float32. */
    private static DType wider(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a == DType.F64 || b == DType.F64) {
            return DType.F64;
        }
        return DType.F32;
    }
}
