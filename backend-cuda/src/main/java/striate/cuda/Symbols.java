package striate.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import striate.op.BinaryFn;
import striate.op.UnaryFn;
import striate.tensor.DType;

/**
 * The names of the PTX kernels the backend launches, {@code <op>_<direction>_<dtype>}; {@link #all} lists every
 * one so a test can check each exists in the PTX of {@code striate-kernels}.
 */
final class Symbols {
    static final String AFFINE = "affine_forward_f32";
    static final String POW = "pow_forward_f32";
    static final String LEAKY_RELU = "leaky_relu_forward_f32";
    static final String LEAKY_RELU_BACKWARD = "leaky_relu_backward_f32";
    static final String CONV_BIAS_RELU = "conv2d_bias_relu_forward_f32";
    static final String WHERE = "where_forward_f32";
    static final String PAD = "pad_forward_f32";
    static final String SUM = "sum_forward_f32";
    static final String SUM_CHANNELS = "sum_channels_forward_f32";
    static final String SUM_COLUMNS = "sum_columns_forward_f32";
    static final String SUM_PARTIALS = "sum_partials_forward_f32";
    static final String SUM_CHUNKS = "sum_chunks_forward_f32";
    static final String MAX = "max_forward_f32";
    static final String CROSS_ENTROPY = "cross_entropy_forward_f32";
    static final String CROSS_ENTROPY_BACKWARD = "cross_entropy_backward_f32";
    static final String MAX_POOL = "max_pool2d_forward_f32";
    static final String AVG_POOL = "avg_pool2d_forward_f32";
    static final String MAX_POOL_ARGMAX = "max_pool2d_argmax_forward_f32";
    static final String MAX_POOL_BACKWARD = "max_pool2d_argmax_backward_f32";
    static final String AVG_POOL_BACKWARD = "avg_pool2d_backward_f32";
    static final String KMAX_POOL = "kmax_pool_forward_f32";
    static final String KMAX_POOL_BACKWARD = "kmax_pool_backward_f32";
    static final String LSTM_CELL = "lstm_cell_forward_f32";
    static final String LSTM_CELL_BACKWARD = "lstm_cell_backward_f32";
    static final String GRU_CELL = "gru_cell_forward_f32";
    static final String GRU_CELL_BACKWARD = "gru_cell_backward_f32";
    static final String LSTM_LAYER_STEP = "lstm_layer_step_forward_f32";
    static final String LSTM_LAYER_STEP_BACKWARD = "lstm_layer_step_backward_f32";
    static final String GRU_LAYER_STEP = "gru_layer_step_forward_f32";
    static final String GRU_LAYER_STEP_BACKWARD = "gru_layer_step_backward_f32";
    static final String BATCH_NORM = "batch_norm_forward_f32";
    static final String BATCH_NORM_BACKWARD = "batch_norm_backward_f32";
    static final String EMBEDDING = "embedding_forward_f32";
    static final String EMBEDDING_BACKWARD = "embedding_backward_f32";
    static final String SGD = "sgd_update_f32";
    static final String ADAM = "adam_update_f32";

    /** The types copies and casts take (random numbers: float32 and float64; 2-byte ones are widened). */
    static final List<DType> TYPES = List.of(DType.F32, DType.F64, DType.I32, DType.BF16, DType.F16);

    private Symbols() {
    }

    static String unary(UnaryFn fn) {
        return fn.name().toLowerCase(Locale.ROOT) + "_forward_f32";
    }

    static String binary(BinaryFn fn) {
        return fn.name().toLowerCase(Locale.ROOT) + "_forward_f32";
    }

    /** Dense copy of a view: types of one size share a kernel (float32 and int32 the f32 one, the 2-byte ones f16). */
    static String copy(DType t) {
        return "copy_forward_" + bySize(t);
    }

    /** One input of a concatenation into its place: types of one size share a kernel, as copies do. */
    static String cat(DType t) {
        return "cat_forward_" + bySize(t);
    }

    /** A fused convolution's ReLU alone, in place on a 2-byte output (bfloat16 or float16). */
    static String convRelu(DType t) {
        return "conv2d_relu_forward_" + suffix(t);
    }

    static String convBias(DType t) {
        return "conv2d_bias_forward_" + suffix(t);
    }

    static String cast(DType from, DType to) {
        return "cast_forward_" + suffix(from) + "_" + suffix(to);
    }

    static String random(DType t) {
        return "random_uniform_forward_" + suffix(t);
    }

    static String randomNormal(DType t) {
        return "random_normal_forward_" + suffix(t);
    }

    static String suffix(DType t) {
        return switch (t) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I32 -> "i32";
            case BF16 -> "bf16";
            case F16 -> "f16";
        };
    }

    /** The suffix of the kernel that moves elements of t's size as bits. */
    private static String bySize(DType t) {
        return switch (t.bytes()) {
            case 8 -> "f64";
            case 4 -> "f32";
            default -> "f16";
        };
    }

    /** Every kernel the backend can launch. */
    static List<String> all() {
        List<String> out = new ArrayList<>(List.of(AFFINE, POW, LEAKY_RELU, LEAKY_RELU_BACKWARD, CONV_BIAS_RELU, WHERE,
                PAD, SUM, SUM_CHANNELS, SUM_COLUMNS, SUM_PARTIALS, SUM_CHUNKS, MAX, CROSS_ENTROPY, CROSS_ENTROPY_BACKWARD, MAX_POOL,
                AVG_POOL, MAX_POOL_ARGMAX, MAX_POOL_BACKWARD, AVG_POOL_BACKWARD, KMAX_POOL, KMAX_POOL_BACKWARD,
                LSTM_CELL, LSTM_CELL_BACKWARD, GRU_CELL, GRU_CELL_BACKWARD, LSTM_LAYER_STEP, LSTM_LAYER_STEP_BACKWARD,
                GRU_LAYER_STEP, GRU_LAYER_STEP_BACKWARD, BATCH_NORM, BATCH_NORM_BACKWARD, EMBEDDING,
                EMBEDDING_BACKWARD, SGD, ADAM, random(DType.F32), random(DType.F64), randomNormal(DType.F32),
                randomNormal(DType.F64), convRelu(DType.BF16),
                convRelu(DType.F16), convBias(DType.BF16), convBias(DType.F16)));
        for (UnaryFn fn : UnaryFn.values()) {
            out.add(unary(fn));
        }
        for (BinaryFn fn : BinaryFn.values()) {
            out.add(binary(fn));
        }
        for (DType from : TYPES) {
            out.add(copy(from));
            out.add(cat(from));
            for (DType to : TYPES) {
                if (from != to) {
                    out.add(cast(from, to));
                }
            }
        }
        return out.stream().distinct().toList();
    }
}
